"""Money: text to exact cents, cents to exact amounts and JSON numbers, and the average of cents.

Why not `cents / 100`: a float has no exact cent past about 35 trillion (70368744177664.01
came out as .02), while the data and sums are exact integers. Records and groups carry
`Decimal` amounts; the JSON provider writes each as the decimal text made here (an orjson
`Fragment` goes out as given): 5309.0, 9999.29, 46.5, as a float would print them where a
float can.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, overload

import orjson

if TYPE_CHECKING:
    import polars as pl


#: Amounts are held as integer cents; this many digits before the point keeps every sum exact in 64 bits.
MAX_WHOLE_DIGITS = 15


def cents_of(whole: str, decimals: str | None, negative: bool) -> int:
    """The cents of an amount written as whole digits and up to two decimal digits (the one conversion).

    The CSV's cells (service/data/cells.py) and filter values (service/query/values.py) have
    grammars of their own; both end here. Raises ValueError past `MAX_WHOLE_DIGITS` significant digits.
    """
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise ValueError(f"more than {MAX_WHOLE_DIGITS} digits before the point")
    cents = int(whole) * 100 + int((decimals or "0").ljust(2, "0"))
    return -cents if negative else cents


def amount(cents: int) -> Decimal:
    """The exact amount of `cents`."""
    return Decimal(cents).scaleb(-2)


def json_number(value: Decimal) -> orjson.Fragment:
    """An amount as a JSON number, exact to the cent at any size."""
    text = str(value)
    if text[-3:-2] == "." and "E" not in text:  # two decimals, as `amount` makes them: a third of the time
        return orjson.Fragment(text[:-1] if text.endswith("0") else text)
    cents = int(value.scaleb(2))
    whole, part = divmod(abs(cents), 100)
    decimals = f"{part:02d}".rstrip("0") or "0"
    return orjson.Fragment(f"{'-' if cents < 0 else ''}{whole}.{decimals}")


@overload
def average_cents(total: int, count: int) -> int: ...
@overload
def average_cents(total: pl.Expr, count: pl.Expr) -> pl.Expr: ...
def average_cents(total: Any, count: Any) -> Any:
    """total / count in whole cents, rounded half to even, in integers: the average served and filtered on.

    One formula for every place that needs it: Polars evaluates it over every group when a
    metric filter names the average, Python over the few groups an answer shows (Polars
    spends hundreds of microseconds on an expression this size even over five groups) and
    over a small table's groups (service/engine/plain_aggregate.py).
    """
    floor = total // count  # floor division, so the remainder is never negative
    twice_remainder = (total - floor * count) * 2
    return floor + ((twice_remainder > count) | ((twice_remainder == count) & (floor % 2 == 1)))
