"""Amounts as JSON numbers: exact to the cent at any size, written as a float would print them where it can."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import orjson
import pytest

from service.data.money import amount, json_number

_rng = random.Random(6)
CENTS = [
    0,
    5,
    -5,
    10,
    -10,
    100,
    -100,
    4650,
    530900,
    119999,
    7036874417766401,  # no float has this cent
    99999999999999999,
    10**24 + 1,  # ten million rows of the largest amount
    -(10**24) - 1,
    *(_rng.randint(-(10**18), 10**18) for _ in range(500)),
]


def expected_text(cents: int) -> str:
    """Whole units, a point, the cents without trailing zeros (at least one digit): 5309.0, 46.5, -0.05."""
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{str(part).zfill(2).rstrip('0') or '0'}"


@pytest.mark.parametrize("cents", CENTS)
def test_an_amount_is_its_exact_decimal_text(cents: int) -> None:
    text = orjson.dumps(json_number(amount(cents))).decode()
    assert text == expected_text(cents)
    assert json.loads(text, parse_float=Decimal) == Decimal(cents) / 100


@pytest.mark.parametrize(
    ("value", "text"), [(Decimal("12"), "12.0"), (Decimal("1.5"), "1.5"), (Decimal("-7.250"), "-7.25")]
)
def test_decimals_not_made_by_amount_are_exact_too(value: Decimal, text: str) -> None:
    assert orjson.dumps(json_number(value)).decode() == text
