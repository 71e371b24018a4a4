"""Every matching record, in order, as batches of served values: what CSV and NDJSON exports write.

Why batches of columns, not records: an export is every row of the file at worst, and a record
made per row in Python costs seconds per million (docs/performance.md, "Exports"). Rows come
in the request's order without sorting the file: in id order the stored rows are already
sorted; in any other order the first key's index is walked (service/engine/indexed.py). Each
batch is filtered with the same predicates as every page, then its columns are turned into
what the answer shows: labels for codes, ISO days, and each amount's exact cents.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl

from service.data.fields import ATTRIBUTES, Kind
from service.data.snapshot import COLUMN_OF
from service.engine import indexed
from service.engine.filters import predicate
from service.engine.plans import served_order
from service.engine.stored import StoredRows
from service.query.model import Filter, SortKey

#: Rows per batch: large enough that Polars' per-call cost vanishes, small enough that memory stays flat.
BATCH_ROWS = 65_536


def batches(
    rows: StoredRows, filters: Sequence[Filter], sort: Sequence[SortKey], names: Sequence[str]
) -> Iterator[pl.DataFrame]:
    """The matching rows in `sort` order, each batch with `id` and the attributes `names` (in that order):
    text as text, dates as dates, money as integer cents (columns named after the attribute)."""
    keys, descending = served_order(sort)
    columns = ["id", *(COLUMN_OF[name] for name in names)]
    if keys[0] == "id":
        ordered = _in_id_order(rows, filters, descending[0], columns)
    else:
        ordered = indexed.walk(rows, filters, keys, descending, columns, BATCH_ROWS)
    labels = {name: pl.Series(name, rows.labels[name].array) for name in names if ATTRIBUTES[name] is Kind.TEXT}
    for part in ordered:
        yield _served(part, names, labels)


def _in_id_order(
    rows: StoredRows, filters: Sequence[Filter], descending: bool, columns: list[str]
) -> Iterator[pl.DataFrame]:
    predicates = [predicate(rows, condition) for condition in filters]
    starts = range(0, len(rows), BATCH_ROWS)
    for start in reversed(starts) if descending else starts:
        part = rows.frame.slice(start, BATCH_ROWS)
        part = (part.filter(predicates) if predicates else part).select(columns)
        if part.height:
            yield part.reverse() if descending else part


def _served(part: pl.DataFrame, names: Sequence[str], labels: dict[str, pl.Series]) -> pl.DataFrame:
    """A batch's id and attributes as served: each code's label, read from the mapped labels."""
    columns: list[pl.Series] = [part["id"]]
    for name in names:
        stored = part[COLUMN_OF[name]]
        columns.append(labels[name].gather(stored) if name in labels else stored.alias(name))
    return pl.DataFrame(columns)
