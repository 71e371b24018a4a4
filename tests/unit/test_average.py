"""The served average: one formula, evaluated by Python for the groups shown and by Polars for filters, both exact.

Expected values come from `decimal` (ROUND_HALF_EVEN at 80 digits), not from the formula.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Context, Decimal

import polars as pl
import pytest

from service.data.money import average_cents

EXACT = Context(prec=80, rounding=ROUND_HALF_EVEN)

_rng = random.Random(14)
PAIRS = [
    *((total, count) for total in range(-30, 31) for count in range(1, 9)),  # every tie and sign near zero
    *((_rng.randint(-(10**21), 10**21), _rng.randint(1, 10**7)) for _ in range(2000)),
    (2 * 10**19 + 1, 2),  # a tie past Int64
    (-(2 * 10**19) - 1, 2),
    (10**30 + 5, 10),
    (10**30 + 15, 10),
]


def expected(total: int, count: int) -> int:
    return int(EXACT.divide(Decimal(total), Decimal(count)).quantize(Decimal(1), context=EXACT))


def test_python_rounds_half_to_even() -> None:
    assert [average_cents(total, count) for total, count in PAIRS] == [expected(t, c) for t, c in PAIRS]


@pytest.mark.parametrize("engine", ["in-memory", "streaming"])
def test_polars_rounds_half_to_even(engine: str) -> None:
    groups = pl.LazyFrame(
        {
            "total": pl.Series([total for total, _ in PAIRS], dtype=pl.Int128),
            "count": pl.Series([count for _, count in PAIRS], dtype=pl.UInt32),
        }
    )
    formula = average_cents(pl.col("total"), pl.col("count").cast(pl.Int128))
    got = groups.select(formula.alias("average")).collect(engine=engine)["average"].to_list()  # type: ignore[call-overload]
    assert got == [expected(t, c) for t, c in PAIRS]


def test_the_pairs_include_ties_rounded_down_and_up() -> None:
    ties = [(t, c) for t, c in PAIRS if (2 * t) % (2 * c) == c]  # total / count ends in exactly .5
    assert {expected(t, c) - t // c for t, c in ties} == {0, 1}
    assert any(t < 0 for t, _ in ties) and any(abs(t) > 2**63 for t, _ in ties)
