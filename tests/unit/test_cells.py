"""The two cell parsers, as tables of inputs and exact outputs or reasons."""

from __future__ import annotations

from datetime import date

import pytest

from service.data.cells import parse_amount, parse_us_date


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("1,200.00€", 120_000, "EUR"),
        ("800.00€", 80_000, "EUR"),
        ("4.00€", 400, "EUR"),
        ("4€", 400, "EUR"),
        ("4.5€", 450, "EUR"),
        ("1199.99", 119_999, "EUR"),
        ("-1,200.00€", -120_000, "EUR"),
        ("- 12.34 €", -1_234, "EUR"),
        ("$1,234,567.89", 123_456_789, "USD"),
        ("£0.01", 1, "GBP"),
        ("0", 0, "EUR"),
        ("999,999,999,999,999.99€", 99_999_999_999_999_999, "EUR"),
    ],
)
def test_amounts_parse_to_exact_cents_and_currency(text: str, cents: int, currency: str) -> None:
    assert parse_amount(text) == (cents, currency)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("€", "not a money amount"),
        ("1.2.3€", "not a money amount"),
        ("1,00,0€", "not a money amount"),
        ("1,2000€", "not a money amount"),
        ("12.345€", "not a money amount"),
        ("abc", "not a money amount"),
        ("1e3", "not a money amount"),
        ("NaN", "not a money amount"),
        ("€5€", "two currency signs"),
        ("5¥", "not a money amount"),
        ("١٢٣", "not a money amount"),
        ("1" * 16 + "€", "more than 15 digits"),
    ],
)
def test_bad_amounts_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [("10/2/2021", date(2021, 10, 2)), ("1/1/2022", date(2022, 1, 1)), ("02/29/2024", date(2024, 2, 29))],
)
def test_us_dates_parse(text: str, day: date) -> None:
    assert parse_us_date(text) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2/30/2021", "does not exist"),
        ("2/29/2021", "does not exist"),
        ("13/1/2021", "does not exist"),
        ("0/1/2021", "does not exist"),
        ("2021-01-02", "M/D/YYYY"),
        ("1/2/21", "M/D/YYYY"),
        ("", "M/D/YYYY"),
        ("1/2/2021 ", "M/D/YYYY"),
    ],
)
def test_bad_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_us_date(text)
