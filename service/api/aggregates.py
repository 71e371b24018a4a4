"""`/aggregates`: totals of `amount` by dimensions, on the same engine and filters as `/expanses`.

Why one module: everything about this resource is found here: the rule the grammar alone
cannot check (sort keys may only name this request's dimensions, `currency` and the metrics),
metric filters set apart for after grouping, the engine's integer cents turned into exact
money and a stable id per group, the resource class and its route. Its spec is in specs.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from flask import Flask, Response
from werkzeug.datastructures import MultiDict

from service.api import exports
from service.api.base import CollectionResource, ResourceShape, TableDataLayer, route
from service.api.specs import AGGREGATE_ATTRIBUTES, AGGREGATES_TYPE, aggregate_spec
from service.config import Settings
from service.data.fields import Kind
from service.data.money import amount
from service.engine.metrics import METRICS, Group
from service.engine.table import ExpenseTable
from service.query.errors import QueryError
from service.query.model import Query, QuerySpec
from service.query.parser import parse_query

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
                f"Cannot sort on {spec.names.out(key.field)!r}: it is not grouped by; "
                f"this request can sort on {spec.names.listed(present)}.",
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
        rows = [{"id": group_id(group, query.group_by), **served(group)} for group in groups]
        return count, rows, {"grand_totals": [served(group) for group in totals]}


def group_id(group: Group, dimensions: tuple[str, ...]) -> str:
    """The group's key values, percent-encoded and joined by '/': deterministic and unique."""
    return "/".join(quote(str(group[name]), safe="") for name in (*dimensions, "currency"))


def served(group: Group) -> dict[str, Any]:
    """A group as served: its dimensions, then each metric in the table's order, money as exact amounts."""
    shown = {name: value for name, value in group.items() if name not in METRICS}
    for name, metric in METRICS.items():
        shown[name] = amount(group[name]) if metric.kind is Kind.MONEY else group[name]
    return shown


class AggregateList(CollectionResource):
    """GET /aggregates: metrics of the filtered records grouped by `group_by`."""

    view = "aggregate_list"
    shape = AGGREGATE
    data_layer: AggregateDataLayer

    def parse(self, args: MultiDict[str, str]) -> Query:
        return parse_aggregate_query(args, self.spec)

    def export(self, query: Query, export_format: str, bom: bool) -> Response:
        """Every group (grand totals are not rows): its dimensions, currency and metrics, or those `fields` keeps."""
        table = self.data_layer.table
        _, groups, _ = table.aggregate(query.filters, query.group_filters, query.group_by, query.sort, 0, len(table))
        columns = exports.group_columns(query)
        batches = exports.group_batches(groups, columns)
        filename, money = exports.group_filename(query), exports.GROUP_MONEY
        return exports.stream(export_format, filename, batches, columns, money, bom, self.spec.names)


def init_app(app: Flask, table: ExpenseTable, settings: Settings) -> None:
    layer = AggregateDataLayer(table)
    route(app, "/aggregates", AggregateList.view, AggregateList, layer, aggregate_spec(settings), exports=True)
