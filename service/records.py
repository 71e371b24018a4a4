"""Rows back to API records, by plain indexing into compact per-column arrays.

Why: a page of 20 records or one record by id is read on every request; asking the
dataframe for them (take, cast, to_dicts) cost more than the query itself at small
sizes. The columns are kept as arrays of small codes into each column's distinct values
(dates as ISO text, once per distinct day of the file), so a record is a handful of list lookups and
a million rows cost about 20 MB.
"""

from __future__ import annotations

from array import array
from typing import Any

import polars as pl

from service.money import amount

Record = dict[str, Any]

#: The text attributes, each read as a code into its distinct values.
_CODED = ("departments", "project_name", "currency", "member_name")


class RecordReader:
    """Reads records (id, attributes in their rendered order) of a frame whose row i has id i + 1."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._values: dict[str, list[Any]] = {}
        self._codes: dict[str, array[int]] = {}
        for name in _CODED:
            column = frame[name]
            assert isinstance(column.dtype, pl.Enum)  # the engine stores text as Enums
            self._values[name] = column.dtype.categories.to_list()
            self._codes[name] = array("I", column.to_physical().to_list())
        days = frame["date"]
        distinct = days.unique().sort()  # as many as the file has, whatever the range between them
        self._values["date"] = [day.isoformat() for day in distinct.to_list()]
        self._codes["date"] = array("I", distinct.search_sorted(days).to_list())
        self._cents = array("q", frame["cents"].to_list())

    def record(self, expense_id: int) -> Record:
        """The record with this id (1-based; the caller checks the range)."""
        row = expense_id - 1
        values, codes = self._values, self._codes
        return {
            "id": expense_id,
            "departments": values["departments"][codes["departments"][row]],
            "project_name": values["project_name"][codes["project_name"][row]],
            "amount": amount(self._cents[row]),
            "currency": values["currency"][codes["currency"][row]],
            "date": values["date"][codes["date"][row]],
            "member_name": values["member_name"][codes["member_name"][row]],
        }

    def records(self, ids: list[int]) -> list[Record]:
        return [self.record(expense_id) for expense_id in ids]
