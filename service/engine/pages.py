"""Pages by offset: how many rows match, and the rows `offset:offset+limit` in the served order.

Why four ways: in a large table a first page is read through the index of the sort's first
key (service/engine/indexed.py); rows are stored in id order (a slice needs no sort); few
candidates sort eagerly; many are a top-k near the start and, past `thresholds.TOP_K_SHARE`, a whole sort
whose cost does not grow with the depth, by one packed number when the keys fit in one
(service/engine/packed_order.py; figures in docs/performance.md, "Deep pages").
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from service.engine import indexed, thresholds
from service.engine.filters import matching
from service.engine.packed_order import packed_order
from service.engine.plans import collect, served_order
from service.engine.records import Record
from service.engine.stored import StoredRows
from service.query.model import Filter, SortKey


def find(
    rows: StoredRows, filters: Sequence[Filter], sort: Sequence[SortKey], offset: int, limit: int
) -> tuple[int, list[Record]]:
    """Return how many rows match `filters`, and the page `offset:offset+limit` in `sort` order."""
    keys, descending = served_order(sort)
    if len(rows) > thresholds.INDEX_ROWS and keys != ["id"]:
        found = indexed.first_rows(rows, filters, keys, descending, offset, limit)
        if found is not None:
            count, page = found
            return count, rows.reader.records(page["id"].to_list())
    if filters:
        candidates = collect(matching(rows, filters).select(keys), len(rows))
    else:  # no plan to run: selecting columns of the stored frame copies nothing
        candidates = rows.frame.select(keys)
    if keys == ["id"] and not descending[0]:  # rows are stored in id order
        page = candidates.slice(offset, limit)
    elif candidates.height <= thresholds.EAGER_SORT_ROWS:
        page = candidates.sort(keys, descending=descending).slice(offset, limit)
    else:
        page = _sorted_page(rows, candidates, keys, descending, offset, limit)
    return candidates.height, rows.reader.records(page["id"].to_list())


def _sorted_page(
    rows: StoredRows, candidates: pl.DataFrame, keys: list[str], descending: list[bool], offset: int, limit: int
) -> pl.DataFrame:
    """A page of many rows: a top-k on the streaming engine near the start, deeper a whole sort in memory."""
    if (offset + limit) * thresholds.TOP_K_SHARE <= candidates.height:
        return collect(candidates.lazy().sort(keys, descending=descending).slice(offset, limit), candidates.height)
    packed = packed_order(rows.ranges, keys, descending)
    by, directions = ([packed], [False]) if packed is not None else ([pl.col(key) for key in keys], descending)
    page = candidates.lazy().select(pl.col("id").sort_by(by, descending=directions).slice(offset, limit))
    return page.collect(engine="in-memory")
