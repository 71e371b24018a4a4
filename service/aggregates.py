"""`/aggregates`: totals of `amount` by dimensions, on the same engine and filters as `/expanses`.

Why a module of its own: grouping adds one rule the grammar alone cannot check (sort keys
may only name this request's dimensions, `currency` and the metrics) and turns
the engine's integer cents into exact money values and a stable id per group.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from urllib.parse import quote

from werkzeug.datastructures import MultiDict

from service.data_layer import TableDataLayer
from service.engine import Group
from service.errors import QueryError
from service.fields import METRICS
from service.money import amount
from service.query import Query, QuerySpec, parse_query


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
    """Cents to exact amounts; the average is rounded to the cent, half to even."""
    total, count = group["total"], group["count"]
    average_cents = (Decimal(total) / count).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    dimensions = {name: value for name, value in group.items() if name not in METRICS}
    return {
        **dimensions,
        "total": amount(total),
        "count": count,
        "average": amount(int(average_cents)),
        "min": amount(group["min"]),
        "max": amount(group["max"]),
    }
