"""Sorted pages of 30,000 generated rows: the eager sort and the lazy top-k give the order a plain Python sort gives.

Why: `ExpenseTable.find` sorts at most `EAGER_SORT_ROWS` candidate rows eagerly; more through
a lazy sort + slice (a top-k) near the start, or a whole sort for pages deeper in
(`TOP_K_SHARE`). The small hand-made tables of test_engine.py only reach the first. One
table of cases covers them all, each case asserting which side of the size threshold it is
on, with expectations from the test's own CSV reader and `list.sort`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from data.generate import write_csv
from service.data.csv_source import load_expenses
from service.data.snapshot import build
from service.engine import export, packed_order
from service.engine.table import ExpenseTable
from service.engine.thresholds import EAGER_SORT_ROWS, TOP_K_SHARE
from service.query.model import Filter, SortKey
from tests.helpers.orders import served_order, value_of
from tests.helpers.reference import Row, read_rows

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")


@pytest.fixture(params=["packed key", "by columns"], autouse=True)
def whole_sorts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deep pages sort every row by one packed number (service/engine/packed_order.py), or by the columns
    when the keys need more than 64 bits; the generated rows always fit, so the second is forced.
    """
    if request.param == "by columns":
        monkeypatch.setattr(packed_order, "BITS", 0)


ROWS = 30_000
SEED = 11

#: Every sortable field (what each orders by: tests/helpers/orders.py).
SORTABLE = ("id", "departments", "project_name", "amount", "currency", "date", "member_name")

#: (name, filters, the same condition on a row, whether more than EAGER_SORT_ROWS rows match)
FILTERS: list[tuple[str, list[Filter], Callable[[Row], bool], bool]] = [
    ("none", [], lambda r: True, True),
    ("amount>=3000", [Filter("amount", "gte", 300_000)], lambda r: r.cents >= 300_000, True),
    (
        "departments in HR,IT,Sales",
        [Filter("departments", "in", ("HR", "IT", "Sales"))],
        lambda r: r.departments in ("HR", "IT", "Sales"),
        True,
    ),
    ("id<=10001", [Filter("id", "lte", EAGER_SORT_ROWS + 1)], lambda r: r.id <= EAGER_SORT_ROWS + 1, True),
    ("id<=10000", [Filter("id", "lte", EAGER_SORT_ROWS)], lambda r: r.id <= EAGER_SORT_ROWS, False),
    ("member_name=Sam", [Filter("member_name", "eq", "Sam")], lambda r: r.member_name == "Sam", False),
    (
        "date<2021-04-01 and project contains a",
        [Filter("date", "lt", date(2021, 4, 1)), Filter("project_name", "contains", "a")],
        lambda r: r.date < date(2021, 4, 1) and "a" in r.project_name.lower(),
        False,
    ),
]

SORTS: list[list[SortKey]] = [
    *([SortKey(field, descending)] for field in SORTABLE for descending in (False, True)),
    [SortKey("departments"), SortKey("amount", True)],
    [SortKey("date", True), SortKey("member_name")],
    [SortKey("project_name"), SortKey("date"), SortKey("amount", True)],
    [SortKey("member_name", True), SortKey("departments", True), SortKey("amount")],
    [SortKey("departments"), SortKey("id", True)],
    [SortKey("currency", True), SortKey("project_name", True)],
]


def sort_id(sort: list[SortKey]) -> str:
    return ",".join(("-" if key.descending else "") + key.field for key in sort)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExpenseTable, list[Row]]:
    path: Path = tmp_path_factory.mktemp("large") / "expanses.csv"
    write_csv(path, ROWS, SEED)
    return ExpenseTable(build(load_expenses(path))), read_rows(path)


def expected_order(rows: list[Row], sort: list[SortKey]) -> list[Row]:
    """Rows in the order of `sort`, ties by id ascending (tests/helpers/orders.py)."""
    return served_order(rows, [(key.field, key.descending) for key in sort])


@pytest.mark.parametrize("sort", SORTS, ids=[sort_id(sort) for sort in SORTS])
@pytest.mark.parametrize(("filters", "keep", "lazy"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS])
def test_pages_of_a_sort_are_those_of_a_plain_python_sort(
    generated: tuple[ExpenseTable, list[Row]],
    filters: list[Filter],
    keep: Callable[[Row], bool],
    lazy: bool,
    sort: list[SortKey],
) -> None:
    table, rows = generated
    expected = expected_order([row for row in rows if keep(row)], sort)
    count = len(expected)
    assert (count > EAGER_SORT_ROWS) is lazy, f"{count} matching rows: this case no longer takes the path it tests"
    pages = {"first": (0, 20), "middle": (count // 2 - 3, 50), "last": (count - 7, 20), "past the end": (count + 5, 20)}
    pages["a thousand"] = (0, 1000)
    for page, (offset, limit) in pages.items():
        got_count, records = table.find(filters, sort, offset, limit)
        assert got_count == count, page
        want = [{"id": row.id, **row.attributes(), "amount": row.amount} for row in expected[offset : offset + limit]]
        assert [r["id"] for r in records] == [w["id"] for w in want], page
        assert records == want, page


def test_the_cases_cover_both_paths_and_rows_that_tie(generated: tuple[ExpenseTable, list[Row]]) -> None:
    """Both sides of the threshold are in the table, and every attribute repeats, so ties must be broken by id."""
    _, rows = generated
    assert {lazy for *_, lazy in FILTERS} == {True, False}
    assert len(rows) == ROWS > 2 * EAGER_SORT_ROWS
    assert 20 * TOP_K_SHARE <= EAGER_SORT_ROWS  # so a lazy case's first page is a top-k, its middle a whole sort
    for field in SORTABLE:
        if field != "id":
            assert len({value_of(field)(row) for row in rows}) < 0.6 * len(rows), field


@pytest.mark.parametrize("sort", SORTS, ids=[sort_id(sort) for sort in SORTS])
@pytest.mark.parametrize(("filters", "keep"), [f[1:3] for f in FILTERS], ids=[f[0] for f in FILTERS])
def test_an_export_comes_in_small_batches_in_the_order_of_a_plain_python_sort(
    generated: tuple[ExpenseTable, list[Row]],
    filters: list[Filter],
    keep: Callable[[Row], bool],
    sort: list[SortKey],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batches far smaller than one value's run of rows (thousands of rows share a member): memory stays flat."""
    monkeypatch.setattr(export, "BATCH_ROWS", 1000)
    table, rows = generated
    batches = list(table.export(filters, sort, ["amount", "member_name"]))
    assert all(batch.height <= 1000 for batch in batches)
    expected = expected_order([row for row in rows if keep(row)], sort)
    got = [(n, cents, member) for batch in batches for n, member, cents in zip(*_columns(batch), strict=True)]
    assert got == [(row.id, row.cents, row.member_name) for row in expected]


def _columns(batch: pl.DataFrame) -> tuple[list[int], list[str], list[int]]:
    return batch["id"].to_list(), batch["member_name"].to_list(), batch["amount"].to_list()
