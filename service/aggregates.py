"""`/aggregates`: totals of `amount` by dimensions, on the same engine and filters as `/expanses`.

Why one module: everything about this resource is found here: its query spec, the rule the
grammar alone cannot check (sort keys may only name this request's dimensions, `currency` and
the metrics), metric filters set apart for after grouping, the engine's integer cents turned
into exact money and a stable id per group, the resource class and its route.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from flask import Flask
from werkzeug.datastructures import MultiDict

from service.config import Settings
from service.engine import ExpenseTable, Group
from service.errors import QueryError
from service.expanses import list_spec
from service.fields import AGGREGATE_ATTRIBUTES, AGGREGATES_TYPE, DIMENSIONS, METRIC_KINDS, METRICS, QUERYABLE
from service.money import amount
from service.query import Query, QuerySpec, parse_query
from service.resource_base import CollectionResource, ResourceShape, TableDataLayer, route

AGGREGATE = ResourceShape(AGGREGATES_TYPE, AGGREGATE_ATTRIBUTES)


def parse_aggregate_query(args: MultiDict[str, str], spec: QuerySpec) -> Query:
    """Parse like any collection, then check that sort keys are grouped by (or metrics).

    A sparse fieldset may name any aggregate attribute: one not grouped by is simply absent.
    Filters on metrics are set apart: they select groups once the records are grouped.
    """
    query = parse_query(args, spec)
    present = (*query.group_by, "currency", *METRICS)
    for key in query.sort:
        if key.field not in present:
            raise QueryError(
                "sort",
                f"Cannot sort on {key.field!r}: it is not grouped by; this request can sort on {', '.join(present)}.",
            )
    records = tuple(condition for condition in query.filters if condition.field not in METRICS)
    groups = tuple(condition for condition in query.filters if condition.field in METRICS)
    return replace(query, filters=records, group_filters=groups)


class AggregateDataLayer(TableDataLayer):
    """Groups for `/aggregates`, with the grand totals of the filtered records as meta."""

    def get_collection(self, query: Query) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
        """Group count, the requested page of groups, and `grand_totals` (one entry per currency)."""
        count, groups, totals = self.table.aggregate(
            query.filters, query.group_filters, query.group_by, query.sort, query.page.offset, query.page.size
        )
        rows = [{"id": group_id(group, query.group_by), **money_metrics(group)} for group in groups]
        return count, rows, {"grand_totals": [money_metrics(group) for group in totals]}


def group_id(group: Group, dimensions: tuple[str, ...]) -> str:
    """The group's key values, percent-encoded and joined by '/': deterministic and unique."""
    return "/".join(quote(str(group[name]), safe="") for name in (*dimensions, "currency"))


def money_metrics(group: Group) -> dict[str, Any]:
    """Cents to exact amounts (the engine rounds the average to the cent, half to even)."""
    dimensions = {name: value for name, value in group.items() if name not in METRICS}
    return {
        **dimensions,
        "total": amount(group["total"]),
        "count": group["count"],
        "average": amount(group["average"]),
        "min": amount(group["min"]),
        "max": amount(group["max"]),
    }


class AggregateList(CollectionResource):
    """GET /aggregates: metrics of the filtered records grouped by `group_by`."""

    view = "aggregate_list"
    shape = AGGREGATE

    def parse(self, args: MultiDict[str, str]) -> Query:
        return parse_aggregate_query(args, self.spec)


def init_app(app: Flask, table: ExpenseTable, settings: Settings) -> None:
    spec = replace(
        list_spec(settings),
        resource_type=AGGREGATES_TYPE,
        attributes=AGGREGATE_ATTRIBUTES,
        filterable={**QUERYABLE, **METRIC_KINDS},
        sortable=AGGREGATE_ATTRIBUTES,
        families=frozenset({"filter", "sort", "fields", "page", "group_by"}),
        dimensions=DIMENSIONS,
        cursor_pagination=False,  # groups page by number only (docs/api.md)
    )
    route(app, "/aggregates", AggregateList.view, AggregateList, AggregateDataLayer(table), spec)
