"""First pages through an index: read the rows in the order of the sort's first key until the page is full.

Why: without an index a first page of ten million rows filters every row and sorts what is
left (15-48 ms); with one it reads a page's worth of rows, as a database would (decision 0010).
The snapshot keeps each indexed column's rows in (value, id) order. A page walks that order
from the start (or the end, for a descending key), narrowed first to where a range filter on the
same column allows, in growing chunks; each chunk is extended to the end of its last value's run
of equal values, so every row not yet read sorts after every row read. The chunk's rows are
filtered with the same predicates as every other path, and once enough have passed they are
sorted by the whole order. A walk that would read many rows for few matches gives up
(`thresholds.INDEX_WALK`), and the caller takes the usual way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import date

import polars as pl

from service.data.snapshot import COLUMN_OF, INDEXED
from service.engine import thresholds
from service.engine.filters import passing_codes, predicate
from service.engine.packed_order import packed_order
from service.engine.stored import StoredRows
from service.query.model import Filter

#: The first chunk of a walk, in rows; each next one is four times larger.
_FIRST_CHUNK = 256


class _Ordered(Sequence[int]):
    """An indexed column's values in index order (what `bisect` searches): values[index[i]]."""

    def __init__(self, values: memoryview, index: memoryview) -> None:
        self._values, self._index = values, index

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, position: int) -> int:  # type: ignore[override]
        return int(self._values[self._index[position]])


def first_rows(
    rows: StoredRows, filters: Sequence[Filter], keys: list[str], descending: list[bool], offset: int, limit: int
) -> tuple[int, pl.DataFrame] | None:
    """How many rows match, and the rows `offset:offset+limit` (their keys) in the order (keys, descending);
    None to take another way."""
    column = keys[0]
    if column not in INDEXED or offset + limit > thresholds.INDEX_WALK:
        return None
    ordered = _Ordered(rows.values[column], rows.indexes[column])
    (low, high), exact = _narrowed(rows, ordered, column, filters)
    predicates = [predicate(rows, condition) for condition in filters]
    need, taken, kept_rows = offset + limit, 0, 0
    kept: list[pl.DataFrame] = []
    for start, stop in _runs(ordered, low, high, descending[0], most=None):
        taken += stop - start
        if taken > thresholds.INDEX_WALK:
            return None  # few rows pass, or one value holds very many: the usual way costs less
        part = _read(rows, column, start, stop, _columns(keys, filters), predicates)
        kept.append(part.select(keys))
        kept_rows += part.height
        if kept_rows >= need:
            break
    page = (pl.concat(kept) if kept else rows.frame.head(0).select(keys)).sort(keys, descending=descending)
    return _count(rows, predicates, taken == high - low, kept_rows, exact, high - low), page.slice(offset, limit)


def walk(
    rows: StoredRows,
    filters: Sequence[Filter],
    keys: list[str],
    descending: list[bool],
    columns: Sequence[str],
    batch: int,
) -> Iterator[pl.DataFrame]:
    """Every matching row (`columns` of it) in the order (keys, descending), in sorted batches of at most
    `batch` rows: an export's order without sorting the file. A span of the index (one run of equal
    values at least) is read as stored codes and sorted (by one packed number where the keys fit in one),
    then handed on a batch at a time: where one value holds millions of rows, only their codes are held
    at once, never their text."""
    column = keys[0]
    ordered = _Ordered(rows.values[column], rows.indexes[column])
    (low, high), _ = _narrowed(rows, ordered, column, filters)
    predicates = [predicate(rows, condition) for condition in filters]
    read = list(dict.fromkeys([*columns, *_columns(keys, filters)]))
    packed = packed_order(rows.ranges, keys, descending)
    for start, stop in _runs(ordered, low, high, descending[0], most=batch):
        span = _read(rows, column, start, stop, read, predicates)
        in_order = span.sort(packed) if packed is not None else span.sort(keys, descending=descending)
        for first in range(0, in_order.height, batch):
            yield in_order.slice(first, batch).select(columns)


def _runs(ordered: _Ordered, low: int, high: int, descending: bool, most: int | None) -> Iterator[tuple[int, int]]:
    """Consecutive spans of the index from one end of [low, high), each four times longer than the last
    (up to `most`) and ended where a run of equal values ends, so every row after a span sorts after
    every row in it."""
    taken, chunk = 0, _FIRST_CHUNK
    while taken < high - low:
        if descending:
            stop = high - taken
            start = bisect_left(ordered, ordered[max(stop - chunk, low)], low, stop)  # back to its run's start
        else:
            start = low + taken
            stop = bisect_right(ordered, ordered[min(start + chunk, high) - 1], start, high)  # on to its run's end
        taken += stop - start
        yield start, stop
        chunk = chunk * 4 if most is None else min(chunk * 4, most)


def _read(
    rows: StoredRows, column: str, start: int, stop: int, columns: list[str], predicates: list[pl.Expr]
) -> pl.DataFrame:
    """The rows at index positions [start, stop) of `column`'s index that pass every predicate."""
    part = rows.frame.select(columns)[pl.Series(rows.indexes[column][start:stop], dtype=pl.UInt32)]
    return part.filter(predicates) if predicates else part


def _count(rows: StoredRows, predicates: list[pl.Expr], read_all: bool, kept: int, exact: bool, span: int) -> int:
    """The matching rows, the cheapest exact way: what the walk kept if it read the whole span; the span if the
    filters were all ranges on the walked column; else one pass over the rows."""
    if read_all:
        return kept
    if exact:
        return span
    return int(rows.frame.select(pl.all_horizontal(predicates).sum()).item())


def _columns(keys: list[str], filters: Sequence[Filter]) -> list[str]:
    """The columns a chunk reads: the sort keys and what the filters test."""
    return list(dict.fromkeys([*keys, *(COLUMN_OF[condition.field] for condition in filters)]))


def _narrowed(
    rows: StoredRows, ordered: _Ordered, column: str, filters: Sequence[Filter]
) -> tuple[tuple[int, int], bool]:
    """The span of the index where every range or equality filter on `column` itself holds, and whether
    those were all the filters (then the span's length is the count)."""
    low, high, exact = 0, len(ordered), True
    for condition in filters:
        bound = _bound(rows, condition) if COLUMN_OF[condition.field] == column else None
        if bound is None:
            exact = False
            continue
        first, last = bound  # the condition holds for values in [first, last)
        if first is not None:
            low = max(low, bisect_left(ordered, first, low, high))
        if last is not None:
            high = min(high, bisect_left(ordered, last, low, high))
        high = max(high, low)
    return (low, high), exact


def _bound(rows: StoredRows, condition: Filter) -> tuple[int | None, int | None] | None:
    """The values [first, last) a condition on an indexed column allows, as stored numbers; None if not a range."""
    codes = passing_codes(rows, condition)
    if codes is not None:  # text: a span of codes, or one code
        if codes.negated or codes.mask is not None:
            return None
        if codes.span is not None:
            return codes.span.start, codes.span.stop
        if codes.listed is not None and len(codes.listed) <= 1:
            return (codes.listed[0], codes.listed[0] + 1) if codes.listed else (0, 0)
        return None
    value = condition.value
    if isinstance(value, tuple):
        return None
    number = value.toordinal() - _EPOCH if isinstance(value, date) else int(value)
    return {
        "eq": (number, number + 1),
        "gt": (number + 1, None),
        "gte": (number, None),
        "lt": (None, number),
        "lte": (None, number + 1),
    }.get(condition.operator)


#: Dates are stored as days since 1970-01-01.
_EPOCH = date(1970, 1, 1).toordinal()
