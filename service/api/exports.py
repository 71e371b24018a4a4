"""Exports of the collections: every matching record, or every group, as CSV or NDJSON, streamed.

Why a module of its own: what an export means for each collection (its columns, its name, what
it refuses) is found in one place; the engine gives ordered batches (service/engine/export.py),
the web layer the bytes and the streamed answer (service/web/export_formats.py, exports.py).
An export is every match: `page[...]` is refused, naming the parameter, before the first byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import polars as pl
from flask import Response
from werkzeug.datastructures import MultiDict

from service.data.fields import ATTRIBUTES, Kind
from service.engine.metrics import METRICS, Group
from service.query.errors import QueryError
from service.query.model import Query
from service.query.names import MemberNames
from service.web.export_formats import csv_chunks, ndjson_chunks
from service.web.exports import export_response

#: `csv_bom=true`: a UTF-8 byte order mark first, which Excel needs to read UTF-8 (docs/api.md, "Exports").
BOM_PARAMETER = "csv_bom"
#: Money columns of each collection's exports (integer cents in the batches, exact decimals in the bytes).
EXPENSE_MONEY = frozenset(name for name, kind in ATTRIBUTES.items() if kind is Kind.MONEY)
GROUP_MONEY = frozenset(name for name, metric in METRICS.items() if metric.kind is Kind.MONEY)
#: Groups per batch of an `/aggregates` export.
GROUP_BATCH = 10_000


def export_args(args: MultiDict[str, str], export_format: str, names: MemberNames) -> tuple[MultiDict[str, str], bool]:
    """The query parameters for the collection's parser, and whether a byte order mark was asked for.

    Refuses paging (an export holds every match), `include` (an export holds the collection's own
    items) and `csv_bom` (as this deployment spells it) anywhere but a CSV export.
    """
    for name in args:
        if name.startswith("page["):
            raise QueryError(name, f"An export holds every matching item; remove {name!r} (pages are for JSON:API).")
        if name == "include":
            raise QueryError(name, "An export holds the collection's own items; include= is for JSON:API documents.")
    parameter = names.out(BOM_PARAMETER)
    bom = args.get(parameter)
    if bom is not None and (export_format != "csv" or bom not in ("true", "false")):
        detail = (
            f"{parameter} is true or false" if export_format == "csv" else f"{parameter} applies to CSV exports only"
        )
        raise QueryError(parameter, f"{parameter} {detail}; got {bom!r}.")
    rest = MultiDict([(name, value) for name, value in args.items(multi=True) if name != parameter])
    return rest, bom == "true"


def stream(
    export_format: str,
    filename: str,
    batches: Iterable[pl.DataFrame],
    columns: Sequence[str],
    money: frozenset[str],
    bom: bool,
    names: MemberNames,
) -> Response:
    """The streamed answer: CSV (header row always, even with no match) or NDJSON; columns spelled as this
    deployment spells member names (MEMBER_NAME_FORMAT)."""
    if not names.as_is:
        batches = (batch.rename({name: names.out(name) for name in batch.columns}) for batch in batches)
        columns, money = [names.out(name) for name in columns], frozenset(names.out(name) for name in money)
    if export_format == "csv":
        return export_response(export_format, filename, csv_chunks(batches, columns, money, bom))
    return export_response(export_format, filename, ndjson_chunks(batches, money))


def expense_filename(query: Query) -> str:
    """`expanses`, or `expanses-filtered` when filters chose among them."""
    return "expanses-filtered" if query.filters else "expanses"


def group_filename(query: Query) -> str:
    """`aggregates-by-departments-currency`: what the groups are, and `-filtered` when filters applied."""
    name = "-".join(("aggregates", "by", *query.group_by, "currency"))
    return f"{name}-filtered" if query.filters or query.group_filters else name


def group_batches(groups: list[Group], columns: Sequence[str]) -> Iterator[pl.DataFrame]:
    """Groups as batches of columns (dimensions, currency, metrics in integer cents)."""
    for start in range(0, len(groups), GROUP_BATCH):
        part = groups[start : start + GROUP_BATCH]
        yield pl.DataFrame({name: [group[name] for group in part] for name in columns}, strict=False)


def group_columns(query: Query) -> list[str]:
    """The columns of an `/aggregates` export: its dimensions, currency and metrics, or those its sparse
    fieldset keeps (in the same order)."""
    every: list[str] = [*query.group_by, "currency", *METRICS]
    return every if query.fields is None else [name for name in every if name in query.fields]
