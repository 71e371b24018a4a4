"""Money out: integer cents written as an exact JSON number.

Why not `cents / 100`: a float has no exact cent past about 35 trillion (70368744177664.01
came out as .02), while the data and sums are exact integers. orjson writes a `Fragment`
as given, so the decimal text is made here from the integer: 5309.0, 9999.29, 46.5, as a
float would print them where a float can.
"""

from __future__ import annotations

import orjson


def money(cents: int) -> orjson.Fragment:
    """The amount as a JSON number, exact to the cent at any size."""
    whole, part = divmod(abs(cents), 100)
    decimals = f"{part:02d}".rstrip("0") or "0"
    return orjson.Fragment(f"{'-' if cents < 0 else ''}{whole}.{decimals}")
