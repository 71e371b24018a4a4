"""The query engine: expense rows held in a Polars frame, queried without Python loops.

Why Polars: docs/decisions/0001-engine.md measures it against DuckDB and SQLite on the
query mix this API serves. The frame is the data snapshot (service/snapshot.py), mapped, not
copied. Text columns are codes into their sorted labels, so sorting them is an integer sort,
text predicates are decided once per distinct label, and labels replace codes only in the
few groups an answer shows.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl

from service import plain_aggregate
from service.cursors import Position
from service.money import average_cents
from service.operators import OPERATORS
from service.packed_order import Ranges, packed_order, ranges_of
from service.query import Filter, SortKey, ordering
from service.records import Record, RecordReader
from service.snapshot import COLUMN_OF, Snapshot

#: Below this many candidate rows a plain sort beats planning a lazy top-k (0.1 ms vs 0.55 ms at
#: 300 rows; the lazy top-k wins by 10x and more at hundreds of thousands: docs/performance.md).
_EAGER_SORT_ROWS = 10_000
#: A keyset page first looks among the rows sharing the cursor's first sort value when that value
#: is text and the rows per distinct value average at least this many pages (docs/performance.md).
_TIE_GROUP_PAGES = 50
#: Plans that read at most this many rows run on Polars' in-memory engine, larger ones on its
#: default (streaming) engine: the same plan, on the engine that is faster at the size. At 149
#: rows the in-memory engine runs the race's filtered group-by in half the time (0.26 vs 0.53
#: ms); the two are level at 10,000 rows and the streaming engine leads from 30,000 (1.02 vs
#: 1.17 ms); at 10,000,000 rows it groups by day in a third of the time (docs/performance.md).
_IN_MEMORY_ROWS = 10_000
#: Tables of at most this many rows answer `/aggregates` in plain Python (service/plain_aggregate.py):
#: at 149 rows a group-by of department takes it 65 µs against the Polars plans' 510, of member
#: and month 225 against 570; at 1,000 rows 375 against 900 and 640 against 710; at 3,000 the
#: second is slower in Python (`bench/aggregate_paths.py`).
_PLAIN_AGGREGATE_ROWS = 1_000
#: A page among more than `_EAGER_SORT_ROWS` candidate rows is found by a top-k on the streaming
#: engine while it ends within the first 1/`_TOP_K_SHARE` of them, by a whole sort on the in-memory
#: engine past that: the top-k's cost grows with the rows before the page's end (10M rows: 0.08 s for the
#: first page, 0.4 s at 100,000, 5 s at 8,000,000), the whole sort's does not (0.3-0.6 s).
_TOP_K_SHARE = 100
Group = dict[str, Any]


@dataclass(frozen=True)
class SeekPage:
    """A page in cursor mode: the matching count, the records in order, each one's position, and whether more follow."""

    count: int
    records: list[Record]
    #: Each record's sort-key values and id, as cursors hold them (text, cents, days since 1970-01-01, id).
    positions: list[Position]
    #: Whether rows follow the page in the direction walked (after it, or before it when walking backwards).
    more: bool


#: A group's metrics from its rows, in exact integer cents (sums as Int128: no file's total overflows it).
_GROUP_METRICS = (
    pl.col("cents").cast(pl.Int128).sum().alias("total"),
    pl.len().alias("count"),
    pl.col("cents").min().alias("min"),
    pl.col("cents").max().alias("max"),
)
#: The same metrics folded from groups (a currency's grand totals from its groups).
_FOLDED_METRICS = (pl.col("total").sum(), pl.col("count").sum(), pl.col("min").min(), pl.col("max").max())

#: Each metric of a group as an exact integer expression (cents, or a count).
_METRIC: dict[str, pl.Expr] = {
    "total": pl.col("total"),
    "count": pl.col("count"),
    "min": pl.col("min"),
    "max": pl.col("max"),
    "average": average_cents(pl.col("total"), pl.col("count").cast(pl.Int128)),
}


class ExpenseTable:
    """All expense rows, in id order (row i has id i + 1)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._frame = pl.DataFrame(pl.from_arrow(snapshot.table, rechunk=False))
        #: The sorted labels of each coded column: where text predicates are decided, and what codes stand for.
        self._labels = snapshot.labels
        self._reader = RecordReader(snapshot)

    def __len__(self) -> int:
        return self._frame.height

    @cached_property
    def _ranges(self) -> Ranges:
        """Every column's range, to pack sort keys into one number: read the first time a deep page needs it."""
        return ranges_of(self._frame, self._labels)

    @cached_property
    def _columns(self) -> dict[str, list[Any]]:
        """Every column as a Python list, for the plain-Python aggregate of a small table."""
        return {name: self._frame[name].to_list() for name in self._frame.columns}

    def find(
        self, filters: Sequence[Filter], sort: Sequence[SortKey], offset: int, limit: int
    ) -> tuple[int, list[Record]]:
        """Return how many rows match `filters`, and the page `offset:offset+limit` in `sort` order."""
        keys, descending = _order(sort)
        if filters:
            candidates = _collect(self._matching(filters).select(keys), len(self))
        else:  # no plan to run: selecting columns of the stored frame copies nothing
            candidates = self._frame.select(keys)
        if keys == ["id"] and not descending[0]:  # rows are stored in id order
            page = candidates.slice(offset, limit)
        elif candidates.height <= _EAGER_SORT_ROWS:
            page = candidates.sort(keys, descending=descending).slice(offset, limit)
        else:
            page = self._sorted_page(candidates, keys, descending, offset, limit)
        return candidates.height, self._reader.records(page["id"].to_list())

    def _sorted_page(
        self, candidates: pl.DataFrame, keys: list[str], descending: list[bool], offset: int, limit: int
    ) -> pl.DataFrame:
        """A page of many rows: a top-k on the streaming engine near the start, deeper a whole sort in
        memory (`_TOP_K_SHARE`), by one packed number when the keys fit in one (service/packed_order.py).
        """
        if (offset + limit) * _TOP_K_SHARE <= candidates.height:
            return _collect(candidates.lazy().sort(keys, descending=descending).slice(offset, limit), candidates.height)
        packed = packed_order(self._ranges, keys, descending)
        by, directions = ([packed], [False]) if packed is not None else ([pl.col(key) for key in keys], descending)
        page = candidates.lazy().select(pl.col("id").sort_by(by, descending=directions).slice(offset, limit))
        return page.collect(engine="in-memory")

    def seek(
        self, filters: Sequence[Filter], sort: Sequence[SortKey], position: Position | None, backwards: bool, size: int
    ) -> SeekPage:
        """The `size` matching rows just after `position` in `sort` order, or just before it `backwards`.

        Keyset paging: rows strictly beyond the position in the order (sort keys, then id) are
        kept, and the usual sort + slice (a top-k on large inputs) takes `size` + 1 of them, the
        extra one telling whether more follow. Backwards, the order is reversed, then the page.
        No position: the first (or, backwards, the last) page.
        """
        keys, descending = _order(sort)
        walk = [not d for d in descending] if backwards else descending
        candidates = _collect(self._matching(filters).select(keys), len(self)) if filters else self._frame.select(keys)
        page = self._within_first_value(candidates, keys, walk, position, size) if position is not None else None
        if page is None:
            beyond = None if position is None else self._beyond(keys, walk, position)
            page = _top(candidates, keys, walk, beyond, size + 1)
        more, page = page.height > size, page.head(size)
        if backwards:
            page = page.reverse()
        rows = self._labelled((page.with_columns(pl.col("date").to_physical()) if "date" in keys else page).to_dicts())
        positions = [tuple(row[key] for key in keys) for row in rows]
        return SeekPage(candidates.height, self._reader.records(page["id"].to_list()), positions, more)

    def _within_first_value(
        self, candidates: pl.DataFrame, keys: list[str], walk: list[bool], position: Position, size: int
    ) -> pl.DataFrame | None:
        """The page among the rows whose first sort value is the cursor's, or None if they do not fill it.

        Why: with a text first key of few values (`member_name` over millions of rows) nearly every
        page lies inside one value's rows, and a top-k over those on the other keys costs about
        half the top-k over every row beyond the cursor (docs/performance.md). Only tried where
        values average many pages of rows, so that running out (and paying both) is rare.
        """
        first = keys[0]
        values = len(self._labels.get(first, ()))
        if not values or candidates.height <= _EAGER_SORT_ROWS or candidates.height < values * size * _TIE_GROUP_PAGES:
            return None
        same = self._comparisons(first, position[0])[0] & self._beyond(keys[1:], walk[1:], position[1:])
        page = _top(candidates.lazy().filter(same), keys[1:], walk[1:], None, size + 1)
        return page if page.height > size else None

    def _beyond(self, keys: list[str], descending: list[bool], position: Position) -> pl.Expr:
        """Rows strictly after `position` in the order (keys, descending): the OR over each key of
        "equal on every key before it and beyond on this one" (the last key, id, is unique).
        """
        terms: list[pl.Expr] = []
        equal_so_far: list[pl.Expr] = []
        for column, desc, value in zip(keys, descending, position, strict=True):
            equal, greater, less = self._comparisons(column, value)
            terms.append(pl.all_horizontal([*equal_so_far, less if desc else greater]))
            equal_so_far.append(equal)
        return pl.any_horizontal(terms)

    def _comparisons(self, column: str, value: str | int) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        """`column` ==, > and < a cursor's value. Text compares by position among the sorted labels
        (so a value the data no longer holds still falls between its neighbours); dates as days.
        """
        if column not in self._labels:
            physical = pl.col(column).to_physical() if column == "date" else pl.col(column)
            return physical == value, physical > value, physical < value
        categories, code = self._labels[column], pl.col(column)
        index = bisect_left(categories, value)
        if index < len(categories) and categories[index] == value:
            return code == index, code > index, code < index
        return pl.lit(False), code >= index, code < index

    def aggregate(
        self,
        filters: Sequence[Filter],
        group_filters: Sequence[Filter],
        dimensions: Sequence[str],
        sort: Sequence[SortKey],
        offset: int,
        limit: int,
    ) -> tuple[int, list[Group], list[Group]]:
        """Group the matching rows by `dimensions` and currency: the group count, one page, and per-currency totals.

        Each group carries its dimension values, `currency`, and `total`, `average` (rounded
        half to even), `min`, `max` in exact integer cents and `count`; `sort` may name
        dimensions and metrics (`average` orders by total / count as a float: groups whose
        averages differ past 2**53 cents may tie there). `group_filters`
        keep the groups whose metrics pass (the average as served). Ties are broken by the dimensions,
        then currency, ascending. The totals (one group per currency, in currency order) are
        folded from the groups kept, not from a second pass over the rows. Two plans in all (the
        groups, sorted; their totals), because each costs about 0.1 ms even over a few groups;
        on a small table, no plan (`_PLAIN_AGGREGATE_ROWS`).
        """
        keys = [*dimensions, "currency"]
        named = {key.field for key in sort}
        order = [(key.field, key.descending) for key in sort] + [(key, False) for key in keys if key not in named]
        if len(self) <= _PLAIN_AGGREGATE_ROWS:
            tests = [self._row_test(condition) for condition in filters]
            rows, sums = plain_aggregate.aggregate(self._columns, tests, keys, group_filters, order)
            return len(rows), self._served(rows[offset : offset + limit]), self._served(sums)
        groups = self._matching(filters).group_by(keys).agg(*_GROUP_METRICS)
        if group_filters:
            groups = groups.filter([OPERATORS[f.operator].on_column(_METRIC[f.field], f.value) for f in group_filters])
        by = [(pl.col("total") / pl.col("count")) if name == "average" else pl.col(name) for name, _ in order]
        kept = _collect(groups.sort(by, descending=[down for _, down in order]), len(self))
        totals = _collect(kept.lazy().group_by("currency").agg(*_FOLDED_METRICS).sort("currency"), kept.height)
        return kept.height, self._served(kept.slice(offset, limit).to_dicts()), self._served(totals.to_dicts())

    def _matching(self, filters: Sequence[Filter]) -> pl.LazyFrame:
        """The rows that satisfy every filter, as a lazy plan (one collect per query)."""
        rows = self._frame.lazy()
        return rows.filter([self._predicate(f) for f in filters]) if filters else rows

    def _labelled(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The few rows an answer shows, each coded column's label in place of its code (in Python: cheaper there)."""
        for row in rows:
            for name in row.keys() & self._labels.keys():
                row[name] = self._labels[name][row[name]]
        return rows

    def _served(self, groups: list[Group]) -> list[Group]:
        """Groups as an answer shows them: labels in place of codes, and the average."""
        rows = self._labelled(groups)
        for row in rows:
            row["average"] = average_cents(row["total"], row["count"])
        return rows

    def get(self, expense_id: int) -> Record | None:
        """The row with this id, or None."""
        if not 1 <= expense_id <= self._frame.height:
            return None
        return self._reader.record(expense_id)

    def _predicate(self, condition: Filter) -> pl.Expr:
        """A text condition is decided once per distinct label, then matched by code."""
        column, matching = COLUMN_OF[condition.field], self._passing_codes(condition)
        if matching is None:
            return OPERATORS[condition.operator].on_column(pl.col(column), condition.value)
        if len(matching) == 1:  # an equality runs in two thirds of the time of a one-value is_in
            return pl.col(column) == matching[0]
        return pl.col(column).is_in(matching)

    def _row_test(self, condition: Filter) -> plain_aggregate.RowTest:
        """The same condition as `_predicate`, as a test of one row's value (for plain_aggregate)."""
        column, matching = COLUMN_OF[condition.field], self._passing_codes(condition)
        if matching is not None:
            return column, frozenset(matching).__contains__
        test, value = OPERATORS[condition.operator].on_value, condition.value
        return column, lambda cell: test(cell, value)

    def _passing_codes(self, condition: Filter) -> list[int] | None:
        """The codes whose labels pass a condition on a text column (None for other columns)."""
        column = COLUMN_OF[condition.field]
        if column not in self._labels:
            return None
        test = OPERATORS[condition.operator].on_value
        return [code for code, label in enumerate(self._labels[column]) if test(label, condition.value)]


def _top(
    rows: pl.DataFrame | pl.LazyFrame, keys: list[str], descending: list[bool], beyond: pl.Expr | None, count: int
) -> pl.DataFrame:
    """The first `count` of `rows` (those `beyond` a position, if given) in the order (keys, descending):
    an eager sort on few rows, a lazy top-k on many, a plain slice in id order.
    """
    read = rows.height if isinstance(rows, pl.DataFrame) else None
    if isinstance(rows, pl.DataFrame) and rows.height > _EAGER_SORT_ROWS:
        rows = rows.lazy()
    if beyond is not None:
        rows = rows.filter(beyond)
    if keys == ["id"]:  # rows are stored in id order
        rows = rows.tail(count).reverse() if descending[0] else rows.head(count)
    else:
        rows = rows.sort(keys, descending=descending).head(count)
    return _collect(rows, read) if isinstance(rows, pl.LazyFrame) else rows


def _collect(plan: pl.LazyFrame, rows: int | None) -> pl.DataFrame:
    """Run a plan that reads `rows` rows on the engine that is faster at that size (`_IN_MEMORY_ROWS`).

    None: a plan `_top` was given lazily, which it only is over more than `_EAGER_SORT_ROWS` rows.
    """
    return plan.collect(engine="in-memory" if rows is not None and rows <= _IN_MEMORY_ROWS else "auto")


def _order(sort: Sequence[SortKey]) -> tuple[list[str], list[bool]]:
    """The engine columns and directions of the served order: the sort, then id to break ties."""
    order = ordering(tuple(sort))
    return [COLUMN_OF[key.field] for key in order], [key.descending for key in order]
