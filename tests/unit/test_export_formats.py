"""CSV bytes from batches: dates and amounts written as the JSON:API answer shows them, whatever the batch."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from service.web.export_formats import csv_chunks, ndjson_chunks

START = date(2021, 3, 1)


def batch_of(days: list[date], cents: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"id": range(1, len(days) + 1), "amount": cents, "date": days})


def exported(days: list[date], cents: list[int]) -> list[dict[str, str]]:
    body = b"".join(csv_chunks([batch_of(days, cents)], ["id", "amount", "date"], frozenset({"amount"})))
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize(
    "days",
    [
        [START + timedelta(days=n % 7) for n in range(50)],  # many rows, few days
        [START, date(1, 1, 1), date(9999, 12, 31), START + timedelta(days=400)],  # few rows, centuries apart
        [START] * 3,
    ],
    ids=["dense", "sparse", "one-day"],
)
def test_dates_are_iso_days_in_row_order(days: list[date]) -> None:
    rows = exported(days, [100] * len(days))
    assert [row["date"] for row in rows] == [day.isoformat() for day in days]
    lines = b"".join(ndjson_chunks([batch_of(days, [100] * len(days))], frozenset({"amount"}))).splitlines()
    assert [json.loads(line)["date"] for line in lines] == [day.isoformat() for day in days]


def test_amounts_keep_exactly_their_cents() -> None:
    cents = [0, 7, -5, -50, 120000, -12345, 99999999999]
    rows = exported([START] * len(cents), cents)
    assert [row["amount"] for row in rows] == [f"{Decimal(value) / 100:.2f}" for value in cents]
