"""Rows back to API records, by plain indexing into the snapshot's columns.

Why: a page of 20 records or one record by id is read on every request; asking the
dataframe for them (take, cast, to_dicts) cost more than the query itself at small
sizes. Each column is read through a typed memory view of the snapshot's Arrow buffer
(the mapped file itself: nothing is copied per worker), codes are looked up in their
column's labels and days in the ISO text of each distinct day of the file.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import polars as pl
import pyarrow as pa

from service.money import amount
from service.snapshot import TEXT_FIELDS, Snapshot

Record = dict[str, Any]

#: The memoryview format of each Arrow type the snapshot stores.
_FORMATS: dict[pa.DataType, Literal["B", "H", "I", "q", "i"]] = {
    pa.uint8(): "B",
    pa.uint16(): "H",
    pa.uint32(): "I",
    pa.int64(): "q",
    pa.date32(): "i",
}
_EPOCH = date(1970, 1, 1).toordinal()


class RecordReader:
    """Reads records (id, attributes in their rendered order) of a snapshot whose row i has id i + 1."""

    def __init__(self, snapshot: Snapshot) -> None:
        table = snapshot.table
        self._labels = {name: snapshot.labels[name] for name in TEXT_FIELDS}
        self._codes = {name: _view(table.column(name)) for name in TEXT_FIELDS}
        self._cents = _view(table.column("cents"))
        self._days = _view(table.column("date"))
        distinct = pl.Series(pl.from_arrow(table.column("date"))).unique().to_list()  # whatever the range between them
        self._iso = {day.toordinal() - _EPOCH: day.isoformat() for day in distinct}

    def record(self, expense_id: int) -> Record:
        """The record with this id (1-based; the caller checks the range)."""
        row = expense_id - 1
        labels, codes = self._labels, self._codes
        return {
            "id": expense_id,
            "departments": labels["departments"][codes["departments"][row]],
            "project_name": labels["project_name"][codes["project_name"][row]],
            "amount": amount(self._cents[row]),
            "currency": labels["currency"][codes["currency"][row]],
            "date": self._iso[self._days[row]],
            "member_name": labels["member_name"][codes["member_name"][row]],
        }

    def records(self, ids: list[int]) -> list[Record]:
        return [self.record(expense_id) for expense_id in ids]


def _view(column: pa.ChunkedArray) -> memoryview[int]:
    """The column's values as a typed view of its Arrow buffer (one chunk, no nulls: the snapshot's form)."""
    array = column.combine_chunks()
    values = array.buffers()[1]
    start, stop = int(array.offset), int(array.offset) + len(array)
    raw = memoryview(b"") if values is None or start == stop else memoryview(values)
    return raw.cast("B").cast(_FORMATS[array.type])[start:stop]
