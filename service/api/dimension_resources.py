"""Resource objects of the dimension types (a department, a project, a member), ready to render.

Why kept per type and process: a resource's `totals` are the engine's aggregate of its label
(service/engine/dimensions.py), made once per data version; here they are also written to JSON
once (`json_fragment`), and each label's path segment escaped once, so a page that includes
twenty members, or `/members` itself, only assembles dicts. Ids are labels as served in the
records; URLs carry them escaped (service/web/raw_paths.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

import orjson

from service.api.aggregates import served
from service.api.dimension_types import DIMENSION_TYPES, RECORDS, DimensionType
from service.engine.dimensions import LabelTotals
from service.engine.table import ExpenseTable
from service.query.names import MemberNames
from service.web.json_provider import json_fragment
from service.web.raw_paths import segment

ResourceObject = dict[str, Any]


class DimensionIndex:
    """One dimension type over one table: its labels, their totals as JSON, their URL segments."""

    def __init__(self, kind: DimensionType, table: ExpenseTable, names: MemberNames) -> None:
        self.kind = kind
        self._table = table
        self._name, self._totals, self._records = (names.out(name) for name in ("name", "totals", RECORDS))
        self._count = names.out("count")

    @cached_property
    def labels(self) -> LabelTotals:
        """The engine's labels and totals of this type's column, computed on first use, then kept."""
        return self._table.label_totals(self.kind.column)

    @cached_property
    def _totals_json(self) -> list[orjson.Fragment]:
        return [json_fragment([served(group) for group in groups]) for groups in self.labels.totals]

    @cached_property
    def _segments(self) -> list[str]:
        return [segment(label) for label in self.labels.labels]

    def position(self, label: str) -> int | None:
        """Where a label is among this type's resources, or None if no record holds it."""
        return self.labels.position(label)

    def url(self, position: int, root: str) -> str:
        return f"{root}/{self.kind.type}/{self._segments[position]}"

    def resource(self, position: int, fields: tuple[str, ...] | None, root: str) -> ResourceObject:
        """The resource at `position`, its fields chosen by a sparse fieldset (None: all)."""
        label, url = self.labels.labels[position], self.url(position, root)
        attributes: dict[str, Any] = {}
        if fields is None or "name" in fields:
            attributes[self._name] = label
        if fields is None or "totals" in fields:
            attributes[self._totals] = self._totals_json[position]
        resource: ResourceObject = {"type": self.kind.type, "id": label, "attributes": attributes}
        if fields is None or RECORDS in fields:
            records = {"links": {"related": f"{url}/{RECORDS}"}, "meta": {self._count: self.labels.counts[position]}}
            resource["relationships"] = {self._records: records}
        resource["links"] = {"self": url}
        return resource


class Dimensions:
    """Every dimension type over one table, by type and by the expanses' relationship to it."""

    def __init__(self, table: ExpenseTable, names: MemberNames) -> None:
        self.by_type = {kind.type: DimensionIndex(kind, table, names) for kind in DIMENSION_TYPES}
        self.by_relationship = {index.kind.relationship: index for index in self.by_type.values()}

    def __iter__(self) -> Iterator[DimensionIndex]:
        return iter(self.by_type.values())

    def warm(self) -> None:
        """Compute every type's totals now (at start-up), so no request pays for them."""
        for index in self.by_type.values():
            _ = index.labels
