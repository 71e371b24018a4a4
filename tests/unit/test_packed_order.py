"""A packed sort key orders rows as the keys themselves do, and there is none when 64 bits cannot hold them."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from service.engine.packed_order import packed_order, ranges_of
from tests.helpers.hypothesis_profiles import examples

KEYS = ("code", "cents", "day")


@st.composite
def tables(draw: st.DrawFn) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """Rows with a coded text column, signed cents and dates (before 1970 too), many of them equal."""
    rows = draw(st.integers(1, 40))
    labels = draw(st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=5, unique=True))
    cents = st.integers(-(10**12), 10**12) | st.sampled_from([-1, 0, 1])
    days = st.integers(-800_000, 2_900_000).map(lambda n: date(1970, 1, 1) + timedelta(days=n // 1000))
    frame = pl.DataFrame(
        {
            "id": range(1, rows + 1),
            "code": draw(st.lists(st.integers(0, len(labels) - 1), min_size=rows, max_size=rows)),
            "cents": draw(st.lists(cents, min_size=rows, max_size=rows)),
            "day": draw(st.lists(days, min_size=rows, max_size=rows)),
        },
        schema={"id": pl.Int64, "code": pl.UInt8, "cents": pl.Int64, "day": pl.Date},
    )
    return frame, {"code": labels}


@settings(max_examples=examples(300))
@given(tables(), st.permutations(KEYS), st.integers(1, 3), st.lists(st.booleans(), min_size=4, max_size=4))
def test_the_packed_number_sorts_as_the_keys_then_id(
    table: tuple[pl.DataFrame, dict[str, list[str]]], order: list[str], used: int, descending: list[bool]
) -> None:
    frame, coded = table
    keys = [*order[:used], "id"]
    packed = packed_order(ranges_of(frame, coded), keys, descending[: len(keys)])
    assert packed is not None  # 3 + 41 + 12 + 6 bits at most
    by_columns = frame.sort(keys, descending=descending[: len(keys)])["id"].to_list()
    by_number = frame.sort(packed)["id"].to_list()
    assert by_number == by_columns


def test_keys_that_need_more_than_64_bits_have_no_packed_number() -> None:
    frame = pl.DataFrame({"id": [1, 2], "cents": [-(2**40), 2**40], "day": [date(1, 1, 1), date(9999, 12, 31)]})
    ranges = ranges_of(frame, {})
    assert ranges == {"id": (1, 2), "cents": (-(2**40), 2**40), "day": (-719162, 2932896)}
    assert packed_order(ranges, ["cents", "id"], [True, False]) is not None
    assert packed_order(ranges, ["cents", "day", "id"], [False, False, False]) is None  # 42 + 22 + 1 bits
    assert packed_order(ranges, ["elsewhere", "id"], [False, False]) is None  # a column with no known range


def test_an_empty_table_has_ranges_only_for_coded_columns() -> None:
    empty = pl.DataFrame({"id": [], "code": []}, schema={"id": pl.Int64, "code": pl.UInt8})
    assert ranges_of(empty, {"code": []}) == {"code": (0, 0)}
