"""Dates at the ends of the calendar: served right, and costing what the rows cost, not the range."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

from service.data.csv_source import load_expenses
from service.data.snapshot import build
from service.engine.table import ExpenseTable
from tests.conftest import HEADER

EXTREMES = HEADER + "IT,Gaama,1.00€,1/1/0001,Sam\nHR,Mars,2.00€,12/31/9999,Ann\n"
NEIGHBOURS = HEADER + "IT,Gaama,1.00€,1/1/2021,Sam\nHR,Mars,2.00€,1/2/2021,Ann\n"


def peak_bytes_to_build(path: Path) -> int:
    columns = load_expenses(path)
    tracemalloc.start()
    try:
        ExpenseTable(build(columns))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_two_rows_ten_thousand_years_apart_cost_what_two_neighbouring_rows_cost(
    csv_file: Callable[[str], Path], tmp_path: Path
) -> None:
    near = tmp_path / "near.csv"
    near.write_text(NEIGHBOURS, encoding="utf-8")
    assert peak_bytes_to_build(csv_file(EXTREMES)) < 4 * peak_bytes_to_build(near) + 1_000_000


def test_extreme_dates_are_served_and_bucketed_in_order(client_for: Callable[[str], FlaskClient]) -> None:
    client = client_for(EXTREMES)
    records = client.get("/expanses?sort=date").json
    assert records is not None
    assert [item["attributes"]["date"] for item in records["data"]] == ["0001-01-01", "9999-12-31"]
    for bucket, labels in {
        "date_year": ["0001", "9999"],
        "date_quarter": ["0001-Q1", "9999-Q4"],
        "date_month": ["0001-01", "9999-12"],
    }.items():
        groups = client.get(f"/aggregates?group_by={bucket}&sort={bucket}").json
        assert groups is not None
        assert [item["attributes"][bucket] for item in groups["data"]] == labels
