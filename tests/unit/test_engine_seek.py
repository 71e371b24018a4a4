"""`ExpenseTable.seek`, the keyset page, against a plain Python reading of the same rows.

The reference sorts the rows with a comparison written here (each key in its direction, then
id) and keeps those strictly after (or before) the position; positions are drawn from the rows
and from values the data does not hold (text between or beyond its categories), since a cursor
may outlive the data it was made on.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from unittest import mock

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.data.csv_source import ExpenseColumns
from service.data.snapshot import build
from service.engine import thresholds
from service.engine.table import ExpenseTable
from service.query.model import Filter, SortKey
from tests.helpers.hypothesis_profiles import examples
from tests.helpers.reference import Row

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

EPOCH = date(1970, 1, 1)
NAMES = ["Ann", "Bob", "Sam", "Zoe", "Émile"]
FIELDS = ["departments", "project_name", "amount", "currency", "date", "member_name", "id"]


def row_of(number: int, departments: str, project: str, cents: int, currency: str, day: int, member: str) -> Row:
    """A row of the reference reader's kind, its day given as days since 1970-01-01 (as a cursor holds a date)."""
    return Row(number, departments, project, cents, currency, EPOCH + timedelta(days=day), member)


def cursor_value(row: Row, field: str) -> str | int:
    """The row's value of an API field, as the engine compares it (and a cursor holds it)."""
    if field == "amount":
        return row.cents
    if field == "date":
        return (row.date - EPOCH).days
    value: str | int = getattr(row, field)
    return value


def table_of(rows: list[Row]) -> ExpenseTable:
    return ExpenseTable(
        build(
            ExpenseColumns(
                {
                    "departments": pl.Series([r.departments for r in rows], dtype=pl.String),
                    "project_name": pl.Series([r.project_name for r in rows], dtype=pl.String),
                    "amount": pl.Series([r.cents for r in rows], dtype=pl.Int64),
                    "currency": pl.Series([r.currency for r in rows], dtype=pl.String),
                    "date": pl.Series([r.date for r in rows], dtype=pl.Date),
                    "member_name": pl.Series([r.member_name for r in rows], dtype=pl.String),
                }
            )
        )
    )


def compare(a: tuple[str | int, ...], b: tuple[str | int, ...], descending: list[bool]) -> int:
    for x, y, down in zip(a, b, descending, strict=True):
        if x != y:
            smaller = x < y  # type: ignore[operator]
            return (-1 if smaller else 1) * (-1 if down else 1)
    return 0


def reference(
    rows: list[Row], sort: list[SortKey], position: tuple[str | int, ...] | None, backwards: bool, size: int
) -> tuple[list[int], bool]:
    """Ids of the page and whether more rows lie beyond it in the direction walked."""
    fields = [key.field for key in sort] + ([] if any(key.field == "id" for key in sort) else ["id"])
    descending = [key.descending for key in sort] + [False] * (len(fields) - len(sort))

    def key(row: Row) -> tuple[str | int, ...]:
        return tuple(cursor_value(row, field) for field in fields)

    def by_key(a: Row, b: Row) -> int:
        return compare(key(a), key(b), descending)

    ordered = sorted(rows, key=functools.cmp_to_key(by_key))
    if position is not None:
        side = -1 if backwards else 1
        ordered = [row for row in ordered if compare(key(row), position, descending) == side]
    if backwards:
        page = ordered[-size:]
        return [row.id for row in page], len(ordered) > size
    return [row.id for row in ordered[:size]], len(ordered) > size


texts = st.sampled_from(NAMES)
row_values = st.tuples(
    st.sampled_from(["HR", "IT", "Sales"]),
    st.sampled_from(["Gaama", "Mars-NS1", "mars-2"]),
    st.integers(-3, 3).map(lambda n: n * 100),  # few values, so ties are common
    st.sampled_from(["EUR", "USD"]),
    st.integers(-2, 2),
    texts,
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Row], list[SortKey], tuple[str | int, ...] | None, bool, int]:
    values = draw(st.lists(row_values, min_size=1, max_size=25))
    rows = [row_of(number, *cells) for number, cells in enumerate(values, start=1)]
    fields = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=3))
    sort = [SortKey(field, draw(st.booleans())) for field in fields]
    order = fields + ([] if "id" in fields else ["id"])
    position: tuple[str | int, ...] | None = None
    choice = draw(st.sampled_from(["none", "row", "anywhere"]))
    if choice == "row":
        row = draw(st.sampled_from(rows))
        position = tuple(cursor_value(row, field) for field in order)
    elif choice == "anywhere":  # values the data may not hold: text between or beyond its categories
        anything: dict[str, st.SearchStrategy[str | int]] = {
            "departments": st.sampled_from(["", "A", "HR", "Hz", "IT", "J", "Sales", "zz"]),
            "project_name": st.sampled_from(["", "Gaama", "Gb", "Mars-NS1", "m", "mars-2", "~"]),
            "currency": st.sampled_from(["", "EUR", "F", "USD", "ZZZ"]),
            "member_name": st.sampled_from(["", "Al", "Ann", "Sam", "Sb", "Émile", "Ω"]),
            "amount": st.integers(-500, 500),
            "date": st.integers(-4, 4),
            "id": st.integers(-2, 30),
        }
        position = tuple(draw(anything[field]) for field in order)
    return rows, sort, position, draw(st.booleans()), draw(st.integers(1, 6))


@pytest.mark.parametrize("paths", ["as built", "large-input paths forced"])
@given(cases())
@settings(max_examples=examples(300))
def test_a_keyset_page_is_the_rows_just_beyond_the_position_in_the_served_order(
    paths: str, case: tuple[list[Row], list[SortKey], tuple[str | int, ...] | None, bool, int]
) -> None:
    """Forced: the lazy top-k, and the first look among the rows sharing the cursor's first value
    (with its fallback when they run out), which the engine otherwise keeps for large inputs.
    """
    rows, sort, position, backwards, size = case
    eager_rows, tie_pages = (thresholds.EAGER_SORT_ROWS, thresholds.TIE_GROUP_PAGES) if paths == "as built" else (0, 0)
    with (
        mock.patch.object(thresholds, "EAGER_SORT_ROWS", eager_rows),
        mock.patch.object(thresholds, "TIE_GROUP_PAGES", tie_pages),
    ):
        page = table_of(rows).seek([], sort, position, backwards, size)
    expected_ids, expected_more = reference(rows, sort, position, backwards, size)
    assert [record["id"] for record in page.records] == expected_ids
    assert page.more == expected_more
    assert page.count == len(rows)
    fields = [key.field for key in sort] + ([] if any(key.field == "id" for key in sort) else ["id"])
    by_id = {row.id: row for row in rows}
    assert page.positions == [tuple(cursor_value(by_id[i], field) for field in fields) for i in expected_ids]


def test_filters_select_before_the_keyset_and_the_count_ignores_the_cursor() -> None:
    rows = [row_of(n, "IT" if n % 2 else "HR", "Gaama", n * 100, "EUR", 0, NAMES[n % 5]) for n in range(1, 21)]
    table = table_of(rows)
    sort = [SortKey("amount", descending=True)]
    page = table.seek([Filter("departments", "eq", "IT")], sort, (1500, 15), False, 3)
    assert [record["id"] for record in page.records] == [13, 11, 9]
    assert page.count == 10 and page.more
    page = table.seek([Filter("departments", "eq", "IT")], sort, (1500, 15), True, 3)
    assert [record["id"] for record in page.records] == [19, 17] and page.count == 10 and not page.more


def test_large_inputs_take_the_lazy_top_k_path_with_the_same_answer() -> None:
    """Over 10,000 candidates the engine plans a lazy top-k instead of an eager sort."""
    rows = [row_of(n, "IT", "Gaama", (n * 7919) % 1000, "EUR", n % 3, NAMES[n % 5]) for n in range(1, 12_001)]
    table = table_of(rows)
    for sort in ([SortKey("member_name"), SortKey("amount", True)], [SortKey("id", True)], []):
        for backwards in (False, True):
            order = [key.field for key in sort] + ([] if any(k.field == "id" for k in sort) else ["id"])
            position = tuple(cursor_value(rows[6000], field) for field in order)
            page = table.seek([], sort, position, backwards, 20)
            expected, more = reference(rows, sort, position, backwards, 20)
            assert [record["id"] for record in page.records] == expected and page.more == more
