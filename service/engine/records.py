"""Rows back to API records, by plain indexing into the snapshot's columns.

Why: a page of 20 records or one record by id is read on every request; asking the
dataframe for them (take, cast, to_dicts) cost more than the query itself at small
sizes. Each column is read through a typed memory view of the snapshot's Arrow buffer
(the mapped file itself: nothing is copied per worker), by a reader chosen by the
attribute's kind (service/data/fields.py): codes are looked up in their column's labels
(service/data/labels.py), cents
become exact amounts, days the ISO text of each distinct day of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from service.data.fields import ATTRIBUTES, Kind
from service.data.money import amount
from service.data.snapshot import COLUMN_OF, Snapshot, column_values

Record = dict[str, Any]

_EPOCH = date(1970, 1, 1).toordinal()


class RecordReader:
    """Reads records (id, attributes in their rendered order) of a snapshot whose row i has id i + 1."""

    def __init__(self, snapshot: Snapshot) -> None:
        table = snapshot.table
        readers = {Kind.TEXT: _text_reader, Kind.MONEY: _money_reader, Kind.DATE: _date_reader}
        self._attributes = [
            (name, readers[kind](snapshot, column_values(table.column(COLUMN_OF[name])), name))
            for name, kind in ATTRIBUTES.items()
        ]

    def record(self, expense_id: int) -> Record:
        """The record with this id (1-based; the caller checks the range)."""
        row = expense_id - 1
        record: Record = {"id": expense_id}
        for name, read in self._attributes:
            record[name] = read(row)
        return record

    def records(self, ids: list[int]) -> list[Record]:
        return [self.record(expense_id) for expense_id in ids]


def _text_reader(snapshot: Snapshot, codes: memoryview[int], name: str) -> Callable[[int], Any]:
    labels = snapshot.labels[name]
    decoded = labels.decoded  # a small set's tuple: indexing it is the cheapest lookup
    if decoded is not None:
        return lambda row: decoded[codes[row]]
    return lambda row: labels[codes[row]]


def _money_reader(snapshot: Snapshot, cents: memoryview[int], name: str) -> Callable[[int], Any]:
    return lambda row: amount(cents[row])


def _date_reader(snapshot: Snapshot, days: memoryview[int], name: str) -> Callable[[int], Any]:
    """ISO text of each distinct day the snapshot lists, made once, whatever the range between them."""
    iso = {day.toordinal() - _EPOCH: day.isoformat() for day in snapshot.days}
    return lambda row: iso[days[row]]
