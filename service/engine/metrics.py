"""The metrics of `amount` over a group of rows: one table that every way of making them reads.

Why one table: the Polars plans (over a group's rows, then folded into a currency's grand
totals), the plain-Python fold of small tables (service/engine/plain_aggregate.py), metric
filters (how a value is read: `kind`) and the rendering (which metrics are money) all read
it, so a metric is one entry here. Every value is an exact integer: cents, or a count. The
average is made from the total and the count (`average_cents`), wherever it is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import polars as pl

from service.data.fields import Kind
from service.data.money import average_cents

#: A group as the engine answers it: its dimension values (codes, then labels), `currency`, and its metrics.
Group = dict[str, Any]

#: How the values of several groups fold into one, in Python; Polars has a method of the same name.
_FOLDS: dict[str, Callable[[Sequence[int]], int]] = {"sum": sum, "min": min, "max": max}


@dataclass(frozen=True)
class Metric:
    """One metric: how its values are read and served, and how it is made from rows and from groups."""

    #: MONEY: integer cents, served as an exact amount; COUNT: a whole number.
    kind: Kind
    #: Made from a group's rows: in Polars (over the `cents` column) and in Python (over a list of cents).
    #: None for the average, made from the total and the count.
    of_rows: tuple[pl.Expr, Callable[[list[int]], int]] | None
    #: How groups fold into a currency's grand total: "sum", "min" or "max" (None: made again, the average).
    fold: str | None


METRICS: dict[str, Metric] = {
    "total": Metric(Kind.MONEY, (pl.col("cents").cast(pl.Int128).sum(), sum), "sum"),  # Int128: no sum overflows
    "count": Metric(Kind.COUNT, (pl.len(), len), "sum"),
    "average": Metric(Kind.MONEY, None, None),
    "min": Metric(Kind.MONEY, (pl.col("cents").min(), min), "min"),
    "max": Metric(Kind.MONEY, (pl.col("cents").max(), max), "max"),
}
#: How a filter on each metric reads its value (money exactly, as cents).
METRIC_KINDS = {name: metric.kind for name, metric in METRICS.items()}
_STORED = {name: metric for name, metric in METRICS.items() if metric.of_rows is not None and metric.fold is not None}


def of_rows() -> list[pl.Expr]:
    """Polars: each stored metric of a group, from its rows."""
    return [metric.of_rows[0].alias(name) for name, metric in _STORED.items() if metric.of_rows is not None]


def folded() -> list[pl.Expr]:
    """Polars: each stored metric of a currency, folded from its groups."""
    return [getattr(pl.col(name), metric.fold)() for name, metric in _STORED.items() if metric.fold is not None]


def value_of(name: str) -> pl.Expr:
    """Polars: a metric of a group as a filter compares it (the average as served)."""
    if name == "average":
        return average_cents(pl.col("total"), pl.col("count").cast(pl.Int128))
    return pl.col(name)


def order_of(name: str) -> pl.Expr:
    """Polars: what groups sort by for a metric or dimension (the average as total / count, a float)."""
    return pl.col("total") / pl.col("count") if name == "average" else pl.col(name)


def of_cents(cents: list[int]) -> Group:
    """Python: each stored metric of a group, from its rows' cents."""
    return {name: metric.of_rows[1](cents) for name, metric in _STORED.items() if metric.of_rows is not None}


def fold(groups: Sequence[Group]) -> Group:
    """Python: each stored metric folded from several groups (a currency's grand totals)."""
    return {
        name: _FOLDS[metric.fold]([group[name] for group in groups])
        for name, metric in _STORED.items()
        if metric.fold is not None
    }


def value(group: Group, name: str) -> int:
    """Python: a metric of a group as a filter compares it (the average as served)."""
    return average_cents(group["total"], group["count"]) if name == "average" else int(group[name])


def sort_key(name: str) -> Callable[[Group], Any]:
    """Python: what groups sort by for a metric or dimension, as the Polars plan does (`order_of`)."""
    return _average_order if name == "average" else itemgetter(name)


def _average_order(group: Group) -> float:
    return float(group["total"]) / float(group["count"])


def with_average(group: Group) -> Group:
    """A group as an answer shows it: its stored metrics and the average made from them."""
    group["average"] = average_cents(group["total"], group["count"])
    return group
