"""The query engine's facade: expense rows held in a Polars frame, queried without Python loops.

Why Polars: docs/decisions/0001-engine.md measures it against DuckDB and SQLite on the
query mix this API serves. The frame is the data snapshot (service/data/snapshot.py), mapped,
not copied. Text columns are codes into their sorted labels, so sorting them is an integer
sort, text predicates are decided once per distinct label, and labels replace codes only in
the few rows or groups an answer shows. Each job lives in a module of its own: filters.py,
pages.py (by offset), keyset.py (by cursor), aggregate.py (groups), dimensions.py (the labels of
a text column with their totals, made once per table); this class is what the resources call.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl

from service.data.snapshot import Snapshot
from service.engine import export
from service.engine.aggregate import aggregate
from service.engine.dimensions import LabelTotals, label_totals
from service.engine.keyset import SeekPage, seek
from service.engine.metrics import Group
from service.engine.pages import find
from service.engine.records import Record
from service.engine.stored import StoredRows
from service.query.cursors import Position
from service.query.model import Filter, SortKey


class ExpenseTable:
    """All expense rows, in id order (row i has id i + 1)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._rows = StoredRows(snapshot)
        self._label_totals: dict[str, LabelTotals] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, expense_id: int) -> Record | None:
        """The row with this id, or None."""
        if not 1 <= expense_id <= len(self._rows):
            return None
        return self._rows.reader.record(expense_id)

    def find(
        self, filters: Sequence[Filter], sort: Sequence[SortKey], offset: int, limit: int
    ) -> tuple[int, list[Record]]:
        """How many rows match `filters`, and the page `offset:offset+limit` in `sort` order (pages.py)."""
        return find(self._rows, filters, sort, offset, limit)

    def seek(
        self, filters: Sequence[Filter], sort: Sequence[SortKey], position: Position | None, backwards: bool, size: int
    ) -> SeekPage:
        """The `size` matching rows just after `position` in `sort` order, or just before it (keyset.py)."""
        return seek(self._rows, filters, sort, position, backwards, size)

    def export(
        self, filters: Sequence[Filter], sort: Sequence[SortKey], names: Sequence[str]
    ) -> Iterator[pl.DataFrame]:
        """Every matching row in `sort` order, in batches of `id` and the attributes `names` (export.py)."""
        return export.batches(self._rows, filters, sort, names)

    def aggregate(
        self,
        filters: Sequence[Filter],
        group_filters: Sequence[Filter],
        dimensions: Sequence[str],
        sort: Sequence[SortKey],
        offset: int,
        limit: int,
    ) -> tuple[int, list[Group], list[Group]]:
        """The group count, one page of groups and the totals per currency (service/engine/aggregate.py)."""
        return aggregate(self._rows, filters, group_filters, dimensions, sort, offset, limit)

    def label_totals(self, column: str) -> LabelTotals:
        """Every label of the text column `column` with its totals: aggregated the first time, then kept.

        The table holds one data version for its whole life (a reload builds a new one), so
        these totals are computed once per version in each process (service/engine/dimensions.py).
        """
        found = self._label_totals.get(column)
        if found is None:
            found = self._label_totals[column] = label_totals(self._rows, column)
        return found
