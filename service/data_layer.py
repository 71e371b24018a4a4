"""The library's data layers over our CSV-backed engine.

Why: `ResourceList`/`ResourceDetail` ask a data layer for `(count, records)` and for one
object; these answer from the `ExpenseTable` with the already-validated `Query`.
"""

from __future__ import annotations

import re
from typing import Any

from flask_rest_jsonapi_next.data_layers.base import BaseDataLayer

from service.engine import ExpenseTable
from service.errors import NotFoundError
from service.query import Query
from service.records import Record

_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,9}")


class TableDataLayer(BaseDataLayer):  # type: ignore[misc]
    """A read-only data layer over the expense table."""

    def __init__(self, table: ExpenseTable) -> None:
        super().__init__({})
        self.table = table


class ExpenseDataLayer(TableDataLayer):
    """Expense records: collections and single records, nothing else."""

    def get_collection(self, query: Query) -> tuple[int, list[Record], dict[str, Any]]:
        """Matching count, the requested page in the requested order, and no extra meta."""
        count, records = self.table.find(query.filters, query.sort, query.page.offset, query.page.size)
        return count, records, {}

    def get_object(self, view_kwargs: dict[str, Any], qs: Any = None) -> Record:
        """The record whose id is in the URL; unknown or non-canonical ids are 404."""
        raw_id = view_kwargs["id"]
        record = self.table.get(int(raw_id)) if _CANONICAL_ID.fullmatch(raw_id) else None
        if record is None:
            raise NotFoundError(f"There is no expanse with id {raw_id!r}; ids run from 1 to {len(self.table)}.")
        return record
