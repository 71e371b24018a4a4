"""The labels of one text column as resources of their own: each label's totals, counted once per data version.

Why here, and from `aggregate`: a department's totals must be exactly what
`/aggregates?group_by=departments` says, so they are that aggregate, run once when the table is
built (the data never changes while a process serves it), not once per request. Listing labels
is then a walk over the sorted labels (a few, or a few thousand), with the filter operators' own
test of one value (service/query/operators.py), as text filters on records are decided.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from service.engine.aggregate import aggregate
from service.engine.metrics import Group
from service.engine.stored import StoredRows
from service.query.model import Filter
from service.query.operators import OPERATORS


@dataclass(frozen=True)
class LabelTotals:
    """Every label of a column with rows, sorted, each with its rows' count and its totals by currency."""

    #: The labels, sorted (code-point order), only those some row holds.
    labels: Sequence[str]
    #: For each label: one group per currency (`currency` and every metric, in cents), by currency.
    totals: Sequence[list[Group]]
    #: For each label: how many rows hold it.
    counts: Sequence[int]

    def __len__(self) -> int:
        return len(self.labels)

    def position(self, label: str) -> int | None:
        """Where `label` is among the labels, or None when no row holds it."""
        index = bisect_left(self.labels, label)
        return index if index < len(self.labels) and self.labels[index] == label else None

    def find(self, filters: Sequence[Filter], descending: bool, offset: int, limit: int) -> tuple[int, list[int]]:
        """How many labels pass every filter (on `name`), and the positions `offset:offset+limit` of them by name."""
        tests = [(OPERATORS[condition.operator].on_value, condition.value) for condition in filters]
        passing = [i for i, label in enumerate(self.labels) if all(test(label, value) for test, value in tests)]
        if descending:
            passing.reverse()
        return len(passing), passing[offset : offset + limit]


def label_totals(rows: StoredRows, column: str) -> LabelTotals:
    """The totals of every label of `column`: the groups of `/aggregates?group_by=<column>`, all of them."""
    _, groups, _ = aggregate(rows, (), (), (column,), (), 0, max(1, len(rows)))
    by_label: dict[str, list[Group]] = {}
    for group in groups:  # ordered by label, then currency
        by_label.setdefault(group.pop(column), []).append(group)
    labels = sorted(by_label)
    totals = [by_label[label] for label in labels]
    return LabelTotals(labels, totals, [sum(group["count"] for group in groups) for groups in totals])
