"""Running Polars plans: on the engine that is faster at their size, sorted pages, the served order.

Why apart: every job of the engine (pages by offset or keyset, groups) collects its plans
here, so the choice between Polars' in-memory and streaming engines is made in one place
(`thresholds.IN_MEMORY_ROWS`) and the tests can move it.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from service.data.snapshot import COLUMN_OF
from service.engine import thresholds
from service.query.model import SortKey, ordering


def collect(plan: pl.LazyFrame, rows: int | None) -> pl.DataFrame:
    """Run a plan that reads `rows` rows on the engine that is faster at that size.

    None: a plan `top` was given lazily, which it only is over more than `EAGER_SORT_ROWS` rows.
    """
    in_memory = rows is not None and rows <= thresholds.IN_MEMORY_ROWS
    return plan.collect(engine="in-memory" if in_memory else "auto")


def top(
    rows: pl.DataFrame | pl.LazyFrame, keys: list[str], descending: list[bool], beyond: pl.Expr | None, count: int
) -> pl.DataFrame:
    """The first `count` of `rows` (those `beyond` a position, if given) in the order (keys, descending):
    an eager sort on few rows, a lazy top-k on many, a plain slice in id order.
    """
    read = rows.height if isinstance(rows, pl.DataFrame) else None
    if isinstance(rows, pl.DataFrame) and rows.height > thresholds.EAGER_SORT_ROWS:
        rows = rows.lazy()
    if beyond is not None:
        rows = rows.filter(beyond)
    if keys == ["id"]:  # rows are stored in id order
        rows = rows.tail(count).reverse() if descending[0] else rows.head(count)
    else:
        rows = rows.sort(keys, descending=descending).head(count)
    return collect(rows, read) if isinstance(rows, pl.LazyFrame) else rows


def served_order(sort: Sequence[SortKey]) -> tuple[list[str], list[bool]]:
    """The engine columns and directions of the served order: the sort, then id to break ties."""
    order = ordering(tuple(sort))
    return [COLUMN_OF[key.field] for key in order], [key.descending for key in order]
