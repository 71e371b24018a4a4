"""Engine queries on a small hand-made table: filters, sorts, paging and counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from service.data.csv_source import ExpenseColumns
from service.data.fields import DIMENSIONS
from service.data.snapshot import build
from service.engine import indexed
from service.engine.table import ExpenseTable
from service.query.model import Filter, SortKey

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

# id:            1        2        3        4        5
COLUMNS = ExpenseColumns(
    {
        "departments": pl.Series(["IT", "HR", "IT", "Sales", "HR"]),
        "project_name": pl.Series(["Mars-NS1", "Gaama", "mars-2", "Gaama", "Asterin"]),
        "amount": pl.Series([119_999, 400, -50, 400, 1_000_000]),
        "currency": pl.Series(["EUR", "EUR", "USD", "EUR", "EUR"]),
        "date": pl.Series([date(2021, 1, 5), date(2021, 2, 1), date(2021, 1, 5), date(2022, 1, 1), date(2021, 7, 1)]),
        "member_name": pl.Series(["Sam", "Ann", "Sam", "Zoe", "Ann"]),
    }
)


@pytest.fixture(scope="module")
def table() -> ExpenseTable:
    return ExpenseTable(build(COLUMNS))


def ids(table: ExpenseTable, filters: list[Filter], sort: list[SortKey] | None = None) -> list[int]:
    count, records = table.find(filters, sort or [], 0, 100)
    assert count == len(records)
    return [record["id"] for record in records]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Filter("member_name", "eq", "Sam"), [1, 3]),
        (Filter("member_name", "eq", "Nobody"), []),
        (Filter("member_name", "ne", "Sam"), [2, 4, 5]),
        (Filter("member_name", "gt", "Ann"), [1, 3, 4]),
        (Filter("member_name", "lte", "Sam"), [1, 2, 3, 5]),
        (Filter("member_name", "in", ("Zoe", "Nobody")), [4]),
        (Filter("project_name", "contains", "MARS"), [1, 3]),
        (Filter("project_name", "contains", "aa"), [2, 4]),
        (Filter("amount", "eq", 400), [2, 4]),
        (Filter("amount", "lt", 0), [3]),
        (Filter("amount", "gte", 119_999), [1, 5]),
        (Filter("amount", "in", (400, 1)), [2, 4]),
        (Filter("date", "lt", date(2021, 2, 1)), [1, 3]),
        (Filter("date", "eq", date(2021, 1, 5)), [1, 3]),
        (Filter("id", "gt", 3), [4, 5]),
        (Filter("currency", "eq", "USD"), [3]),
    ],
)
def test_each_operator_on_each_kind(table: ExpenseTable, condition: Filter, expected: list[int]) -> None:
    assert ids(table, [condition]) == expected


def test_filters_are_anded(table: ExpenseTable) -> None:
    assert ids(table, [Filter("departments", "eq", "IT"), Filter("amount", "gt", 0)]) == [1]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ([], [1, 2, 3, 4, 5]),
        ([SortKey("id", True)], [5, 4, 3, 2, 1]),
        ([SortKey("amount")], [3, 2, 4, 1, 5]),
        ([SortKey("amount", True)], [5, 1, 2, 4, 3]),
        ([SortKey("departments"), SortKey("amount", True)], [5, 2, 1, 3, 4]),
        ([SortKey("date", True), SortKey("member_name")], [4, 5, 2, 1, 3]),
        ([SortKey("project_name")], [5, 2, 4, 1, 3]),
    ],
)
def test_sorts_break_ties_by_id(table: ExpenseTable, sort: list[SortKey], expected: list[int]) -> None:
    assert ids(table, [], sort) == expected


def test_page_slices_after_sorting_and_count_is_of_all_matches(table: ExpenseTable) -> None:
    count, records = table.find([Filter("amount", "gt", 0)], [SortKey("amount", True)], 1, 2)
    assert count == 4
    assert [r["id"] for r in records] == [1, 2]


def test_records_carry_exact_amounts_and_iso_dates(table: ExpenseTable) -> None:
    assert table.get(1) == {
        "id": 1,
        "departments": "IT",
        "project_name": "Mars-NS1",
        "amount": Decimal("1199.99"),
        "currency": "EUR",
        "date": "2021-01-05",
        "member_name": "Sam",
    }
    assert table.get(0) is None
    assert table.get(6) is None


def test_an_empty_table_answers_empty(table: ExpenseTable) -> None:
    empty = ExpenseTable(build(ExpenseColumns()))
    assert len(empty) == 0
    assert empty.find([Filter("member_name", "eq", "Sam")], [SortKey("amount")], 0, 20) == (0, [])
    assert empty.get(1) is None


def test_every_aggregate_dimension_is_a_column(table: ExpenseTable) -> None:
    assert set(DIMENSIONS) <= set(table._rows.frame.columns)


def test_aggregate_groups_by_dimension_and_currency_in_cents(table: ExpenseTable) -> None:
    count, groups, _ = table.aggregate([Filter("amount", "gt", 0)], [], ["date_year"], [SortKey("total", True)], 0, 10)
    assert count == 2
    # averages in cents, rounded half to even: 1,120,399 / 3 = 373,466.33 -> 373,466
    assert groups == [
        {
            "date_year": "2021",
            "currency": "EUR",
            **{"total": 1_120_399, "count": 3, "min": 400, "max": 1_000_000, "average": 373_466},
        },
        {"date_year": "2022", "currency": "EUR", "total": 400, "count": 1, "min": 400, "max": 400, "average": 400},
    ]


def test_each_path_collects_on_its_engine(
    table: ExpenseTable, both_engines: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paths of `both_engines` really are the engines named: every plan runs on the one named,
    and with plain Python the aggregate runs no plan at all.
    """
    engines: list[str] = []
    collect = pl.LazyFrame.collect

    def spy(plan: pl.LazyFrame, **options: Any) -> Any:
        engines.append(str(options.get("engine", "auto")))
        return collect(plan, **options)

    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    table.find([Filter("amount", "gt", 0)], [SortKey("amount")], 0, 2)
    plans_to_find = len(engines)
    table.aggregate([Filter("amount", "gt", 0)], [], ["departments"], [SortKey("total")], 0, 2)
    assert plans_to_find == 0 if both_engines == "indexed pages" else plans_to_find >= 1  # an index walk plans nothing
    assert len(engines) == plans_to_find if both_engines == "plain Python" else len(engines) > plans_to_find
    assert set(engines) == {"auto" if both_engines == "default engine" else "in-memory"}


def test_indexed_pages_are_read_through_the_index(
    table: ExpenseTable, both_engines: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the "indexed pages" path a sorted first page comes from the index walk, on every other from the rest."""
    walks: list[bool] = []
    walk = indexed.first_rows

    def spy(*args: Any) -> Any:
        found = walk(*args)
        walks.append(found is not None)
        return found

    monkeypatch.setattr(indexed, "first_rows", spy)
    table.find([Filter("amount", "gt", 0)], [SortKey("amount", descending=True)], 0, 2)
    assert walks == ([True] if both_engines == "indexed pages" else [])
