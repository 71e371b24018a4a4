"""`/aggregates` over a small table in plain Python: the Polars plans' answers without their fixed cost.

Why: at the user's own size (149 rows) the two Polars plans of an aggregate cost about 0.5 ms
whatever the rows, a third of the whole request; a loop over the rows costs a few tens of
microseconds (decision 0008). It is the engine's second way to answer the same question, so
it takes the same description (every filter already a test of one value, service/engine/filters.py),
reads the same metric table (service/engine/metrics.py), and the exact-answer tests run it
beside the Polars plans (tests/conftest.py, `both_engines`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from service.engine import metrics
from service.engine.filters import RowTest
from service.engine.metrics import Group
from service.query.model import Filter
from service.query.operators import OPERATORS


def aggregate(
    columns: Mapping[str, Sequence[Any]],
    tests: Sequence[RowTest],
    keys: Sequence[str],
    group_filters: Sequence[Filter],
    order: Sequence[tuple[str, bool]],
) -> tuple[list[Group], list[Group]]:
    """The groups of the rows passing every test, by `keys` (codes), kept by `group_filters`,
    sorted by `order` ((name, descending) pairs that end with every key); and their totals by currency.
    """
    selected: Sequence[int] = range(len(columns["id"]))
    for column, test in tests:
        values = columns[column]
        selected = [row for row in selected if test(values[row])]
    amounts: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    group_of = zip(*([values[row] for row in selected] for values in (columns[name] for name in keys)), strict=True)
    for key, cents in zip(group_of, [columns["cents"][row] for row in selected], strict=True):
        amounts[key].append(cents)
    groups = [{**dict(zip(keys, key, strict=True)), **metrics.of_cents(values)} for key, values in amounts.items()]
    for condition in group_filters:
        passes, value = OPERATORS[condition.operator].on_value, condition.value
        groups = [group for group in groups if passes(metrics.value(group, condition.field), value)]
    for name, down in reversed(order):  # stable sorts, the last key first: ties keep the later keys' order
        groups.sort(key=metrics.sort_key(name), reverse=down)
    return groups, _totals(groups)


def _totals(groups: list[Group]) -> list[Group]:
    """One group per currency, in currency order, folded from the groups kept."""
    by_currency: dict[Any, list[Group]] = defaultdict(list)
    for group in groups:
        by_currency[group["currency"]].append(group)
    return [{"currency": currency, **metrics.fold(by_currency[currency])} for currency in sorted(by_currency)]
