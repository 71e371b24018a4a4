"""The rows as the engine holds them: the snapshot's frame, the labels of its coded columns, its records.

Why one object: every job of the engine (filters, pages by offset or keyset, groups) reads
the same frame and labels; what some of them derive once (ranges for packed sort keys, Python
lists for small tables) is made the first time it is needed and kept here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import polars as pl

from service.data.labels import Labels
from service.data.snapshot import INDEXED, Snapshot, column_values, index_name
from service.engine.packed_order import Ranges, ranges_of
from service.engine.records import RecordReader


class StoredRows:
    """All expense rows, in id order (row i has id i + 1), mapped from the snapshot, not copied."""

    def __init__(self, snapshot: Snapshot) -> None:
        indexes = {index_name(column) for column in INDEXED}
        table = snapshot.table.select([name for name in snapshot.table.column_names if name not in indexes])
        #: The rows' columns, without the indexes (nothing is copied: the columns are the snapshot's).
        self.frame = pl.DataFrame(pl.from_arrow(table, rechunk=False))
        #: The sorted labels of each coded column: where text predicates are decided, and what codes stand for.
        self.labels: Mapping[str, Labels] = snapshot.labels
        self.reader = RecordReader(snapshot)
        #: Each indexed column's values, and its index (rows' positions in (value, id) order), as typed views.
        self.values = {column: column_values(snapshot.table.column(column)) for column in INDEXED}
        self.indexes = {column: column_values(snapshot.table.column(index_name(column))) for column in INDEXED}

    def __len__(self) -> int:
        return self.frame.height

    @cached_property
    def ranges(self) -> Ranges:
        """Every column's range, to pack sort keys into one number: read the first time a deep page needs it."""
        return ranges_of(self.frame, self.labels)

    @cached_property
    def columns(self) -> dict[str, list[Any]]:
        """Every column as a Python list, for the plain-Python aggregate of a small table."""
        return {name: self.frame[name].to_list() for name in self.frame.columns}

    def labelled(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The few rows an answer shows, each coded column's label in place of its code (in Python: cheaper there)."""
        for row in rows:
            for name in row.keys() & self.labels.keys():
                row[name] = self.labels[name][row[name]]
        return rows
