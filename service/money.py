"""Money: exact amounts from integer cents, and their exact JSON numbers.

Why not `cents / 100`: a float has no exact cent past about 35 trillion (70368744177664.01
came out as .02), while the data and sums are exact integers. Records and groups carry
`Decimal` amounts; the JSON provider writes each as the decimal text made here (an orjson
`Fragment` goes out as given): 5309.0, 9999.29, 46.5, as a float would print them where a
float can.
"""

from __future__ import annotations

from decimal import Decimal

import orjson


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
