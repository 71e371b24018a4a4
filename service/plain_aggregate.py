"""`/aggregates` over a small table in plain Python: the Polars plans' answers without their fixed cost.

Why: at the user's own size (149 rows) the two Polars plans of an aggregate cost about 0.5 ms
whatever the rows, a third of the whole request; a loop over the rows costs a few tens of
microseconds (docs/performance.md, "What changed"). It is the engine's second way to answer
the same question, so it takes the same description (the engine's arguments, every filter
already turned into a test of one value by the operators' table), uses the same average,
and the exact-answer tests run it beside the Polars plans (tests/conftest.py, `both_engines`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from service.money import average_cents
from service.operators import OPERATORS
from service.query import Filter

Group = dict[str, Any]
#: A row filter: the column it reads, and the test of that column's value.
RowTest = tuple[str, Callable[[Any], bool]]


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
    rows = [{**dict(zip(keys, key, strict=True)), **_metrics(values)} for key, values in amounts.items()]
    for condition in group_filters:
        passes, value = OPERATORS[condition.operator].on_value, condition.value
        rows = [row for row in rows if passes(_metric(row, condition.field), value)]
    for name, down in reversed(order):  # stable sorts, the last key first: ties keep the later keys' order
        rows.sort(key=_average_order if name == "average" else itemgetter(name), reverse=down)
    return rows, _totals(rows)


def _metrics(cents: list[int]) -> Group:
    return {"total": sum(cents), "count": len(cents), "min": min(cents), "max": max(cents)}


def _metric(group: Group, name: str) -> int:
    """A metric as a group filter compares it: the average as served."""
    return average_cents(group["total"], group["count"]) if name == "average" else int(group[name])


def _average_order(group: Group) -> float:
    """The average as the Polars plan orders groups by it: total / count as a float."""
    return float(group["total"]) / float(group["count"])


def _totals(groups: list[Group]) -> list[Group]:
    """One group per currency, in currency order, folded from the groups kept."""
    by_currency: dict[Any, Group] = {}
    for group in groups:
        folded = by_currency.get(group["currency"])
        if folded is None:
            by_currency[group["currency"]] = {key: group[key] for key in ("currency", "total", "count", "min", "max")}
        else:
            folded["total"] += group["total"]
            folded["count"] += group["count"]
            folded["min"] = min(folded["min"], group["min"])
            folded["max"] = max(folded["max"], group["max"])
    return [by_currency[currency] for currency in sorted(by_currency)]
