"""Pages by keyset (cursor mode): the rows just after, or just before, a position in the served order.

Why values, not offsets: a position is a row's sort-key values and id (decision 0006), so
"the page after it" is "rows beyond these values", right whatever changed between requests.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from service.engine import thresholds
from service.engine.filters import matching
from service.engine.plans import collect, served_order, top
from service.engine.records import Record
from service.engine.stored import StoredRows
from service.query.cursors import Position
from service.query.model import Filter, SortKey


@dataclass(frozen=True)
class SeekPage:
    """A page in cursor mode: the matching count, the records in order, each one's position, and whether more follow."""

    count: int
    records: list[Record]
    #: Each record's sort-key values and id, as cursors hold them (text, cents, days since 1970-01-01, id).
    positions: list[Position]
    #: Whether rows follow the page in the direction walked (after it, or before it when walking backwards).
    more: bool


def seek(
    rows: StoredRows,
    filters: Sequence[Filter],
    sort: Sequence[SortKey],
    position: Position | None,
    backwards: bool,
    size: int,
) -> SeekPage:
    """The `size` matching rows just after `position` in `sort` order, or just before it `backwards`.

    Rows strictly beyond the position in the order (sort keys, then id) are kept, and the usual
    sort + slice (a top-k on large inputs) takes `size` + 1 of them, the extra one telling
    whether more follow. Backwards, the order is reversed, then the page. No position: the
    first (or, backwards, the last) page.
    """
    keys, descending = served_order(sort)
    walk = [not d for d in descending] if backwards else descending
    candidates = collect(matching(rows, filters).select(keys), len(rows)) if filters else rows.frame.select(keys)
    page = _within_first_value(rows, candidates, keys, walk, position, size) if position is not None else None
    if page is None:
        beyond = None if position is None else _beyond(rows, keys, walk, position)
        page = top(candidates, keys, walk, beyond, size + 1)
    more, page = page.height > size, page.head(size)
    if backwards:
        page = page.reverse()
    shown = rows.labelled((page.with_columns(pl.col("date").to_physical()) if "date" in keys else page).to_dicts())
    positions = [tuple(row[key] for key in keys) for row in shown]
    return SeekPage(candidates.height, rows.reader.records(page["id"].to_list()), positions, more)


def _within_first_value(
    rows: StoredRows, candidates: pl.DataFrame, keys: list[str], walk: list[bool], position: Position, size: int
) -> pl.DataFrame | None:
    """The page among the rows whose first sort value is the cursor's, or None if they do not fill it.

    Why: with a text first key of few values (`member_name` over millions of rows) nearly every
    page lies inside one value's rows, and a top-k over those on the other keys costs about
    half the top-k over every row beyond the cursor. Only tried where values average many pages
    of rows (`thresholds.TIE_GROUP_PAGES`), so that running out (and paying both) is rare.
    """
    first = keys[0]
    values = len(rows.labels.get(first, ()))
    if (
        not values
        or candidates.height <= thresholds.EAGER_SORT_ROWS
        or candidates.height < values * size * thresholds.TIE_GROUP_PAGES
    ):
        return None
    same = _comparisons(rows, first, position[0])[0] & _beyond(rows, keys[1:], walk[1:], position[1:])
    page = top(candidates.lazy().filter(same), keys[1:], walk[1:], None, size + 1)
    return page if page.height > size else None


def _beyond(rows: StoredRows, keys: list[str], descending: list[bool], position: Position) -> pl.Expr:
    """Rows strictly after `position` in the order (keys, descending): the OR over each key of
    "equal on every key before it and beyond on this one" (the last key, id, is unique).
    """
    terms: list[pl.Expr] = []
    equal_so_far: list[pl.Expr] = []
    for column, desc, value in zip(keys, descending, position, strict=True):
        equal, greater, less = _comparisons(rows, column, value)
        terms.append(pl.all_horizontal([*equal_so_far, less if desc else greater]))
        equal_so_far.append(equal)
    return pl.any_horizontal(terms)


def _comparisons(rows: StoredRows, column: str, value: str | int) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """`column` ==, > and < a cursor's value. Text compares by position among the sorted labels
    (so a value the data no longer holds still falls between its neighbours); dates as days.
    """
    if column not in rows.labels:
        physical = pl.col(column).to_physical() if column == "date" else pl.col(column)
        return physical == value, physical > value, physical < value
    categories, code = rows.labels[column], pl.col(column)
    index = bisect_left(categories, value)
    if index < len(categories) and categories[index] == value:
        return code == index, code > index, code < index
    return pl.lit(False), code >= index, code < index
