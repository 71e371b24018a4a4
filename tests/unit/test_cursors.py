"""Cursor tokens (service/query/cursors.py): what round-trips, and every ill-formed cursor refused as a 400.

The layout is checked by building tokens by hand here (base64url of a JSON array), the way a
client forging one would, rather than with the module's own encoder.
"""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.data.fields import Kind
from service.query.cursors import MAX_LENGTH, decode, digest, encode
from service.query.errors import QueryError
from service.web.errors import query_error_object
from tests.helpers.hypothesis_profiles import examples

KINDS = [Kind.TEXT, Kind.MONEY, Kind.DATE, Kind.ID]
ORDER = [("member_name", False), ("amount", True), ("date", False), ("id", False)]
MADE_FOR = digest(ORDER, [])
INT64 = 2**63


def token(value: object) -> str:
    """Base64url without padding of the JSON text of `value`: a cursor written by hand."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def refused(text: str, parameter: str = "page[after]") -> QueryError:
    with pytest.raises(QueryError) as caught:
        decode(text, parameter, KINDS, MADE_FOR)
    assert caught.value.parameter == parameter
    assert query_error_object(caught.value)["status"] == "400"
    return caught.value


values = st.tuples(
    st.text(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-(2**63), 2**63 - 1),
)


@given(values)
@settings(max_examples=examples(200))
def test_every_position_of_the_right_kinds_comes_back_as_it_went(position: tuple[str, int, int, int]) -> None:
    text = encode(position, MADE_FOR)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode(text, "page[after]", KINDS, MADE_FOR) == position


def test_a_cursor_is_base64url_of_compact_json_digest_then_values() -> None:
    """A hand-made cursor is read like one the API gave: no secret is involved (decision 0006)."""
    position = ("Sam", 140_000, 18_628, 17)
    compact = json.dumps([MADE_FOR, *position], separators=(",", ":")).encode()
    assert encode(position, MADE_FOR) == base64.urlsafe_b64encode(compact).rstrip(b"=").decode()
    assert decode(token([MADE_FOR, *position]), "page[before]", KINDS, MADE_FOR) == position  # any JSON spacing


@pytest.mark.parametrize(
    "text",
    [
        "",  # nothing
        "not base64!",  # outside the alphabet
        "WyJh=",  # padding is not part of a cursor
        "A",  # a length base64 cannot have
        "AAAA",  # bytes that are not JSON
        token("a string"),  # JSON, not an array
        token([]),  # no digest
        token([7, "Sam", 1, 2, 3]),  # a digest that is not text
        token([MADE_FOR, "Sam", 1, 2]),  # one value short
        token([MADE_FOR, "Sam", 1, 2, 3, 4]),  # one value too many
        token([MADE_FOR, 5, 1, 2, 3]),  # a number where text belongs
        token([MADE_FOR, "Sam", "1", 2, 3]),  # text where cents belong
        token([MADE_FOR, "Sam", 1.5, 2, 3]),  # a fraction of a cent
        token([MADE_FOR, "Sam", True, 2, 3]),  # a boolean is not a number here
        token([MADE_FOR, "Sam", None, 2, 3]),
        token([MADE_FOR, "Sam", INT64, 2, 3]),  # past 64-bit cents
        token([MADE_FOR, "Sam", 1, 2**31, 3]),  # past the days a date can have
        token([MADE_FOR, "Sam", 1, 2, -(INT64 + 1)]),
        token([MADE_FOR, "Sam", 1, 2, 10**30]),
        token([MADE_FOR, ["Sam"], 1, 2, 3]),
        token({"digest": MADE_FOR}),
        token([[[[[[[[[[]]]]]]]]]]),
        base64.urlsafe_b64encode(b"[" * 1400 + b"]" * 1400).decode().rstrip("="),  # nested past any limit
        base64.urlsafe_b64encode(b'["\xff\xfe"]').decode().rstrip("="),  # not UTF-8
    ],
)
def test_an_ill_formed_cursor_is_a_400_naming_its_parameter(text: str) -> None:
    error = refused(text)
    assert "not a cursor this API gave" in error.detail


def test_a_cursor_over_the_length_limit_is_refused_before_it_is_read() -> None:
    text = encode(("x" * MAX_LENGTH, 1, 2, 3), MADE_FOR)
    assert "characters long" in refused(text, "page[before]").detail


def test_a_cursor_made_for_another_query_is_refused_as_such() -> None:
    other = digest([("member_name", True), ("amount", True), ("date", False), ("id", False)], [])
    error = refused(encode(("Sam", 1, 2, 3), other))
    assert "made for another sort or other filters" in error.detail


@given(st.text(max_size=300))
@settings(max_examples=examples(300))
def test_any_text_is_a_position_or_a_400_never_another_error(text: str) -> None:
    try:
        position = decode(text, "page[after]", KINDS, MADE_FOR)
    except QueryError as error:
        assert error.parameter == "page[after]"
    else:
        assert len(position) == len(KINDS)


@given(st.binary(max_size=200))
@settings(max_examples=examples(300))
def test_any_bytes_under_base64url_are_a_position_or_a_400(data: bytes) -> None:
    text = base64.urlsafe_b64encode(data).decode().rstrip("=")
    try:
        decode(text, "page[after]", KINDS, MADE_FOR)
    except QueryError as error:
        assert error.parameter == "page[after]"


@given(st.lists(st.one_of(st.text(max_size=5), st.integers(), st.floats(), st.booleans(), st.none()), max_size=6))
@settings(max_examples=examples(300))
def test_any_json_array_behind_the_right_digest_is_type_checked(items: list[object]) -> None:
    text = base64.urlsafe_b64encode(json.dumps([MADE_FOR, *items]).encode()).decode().rstrip("=")
    fits = len(items) == 4 and isinstance(items[0], str)
    fits = fits and all(type(item) is int for item in items[1:])
    fits = fits and all(-INT64 <= item < INT64 for item in (items[1], items[3]))  # type: ignore[operator]
    fits = fits and -(2**31) <= items[2] < 2**31  # type: ignore[operator]
    if fits:
        assert decode(text, "page[after]", KINDS, MADE_FOR) == tuple(items)
    else:
        refused(text)


def test_the_digest_depends_on_the_order_and_the_filters_not_on_how_they_are_written() -> None:
    sam = ("member_name", "eq", "Sam")
    teams = ("departments", "in", ("IT", "HR"))
    assert digest(ORDER, [sam, teams]) == digest(ORDER, [teams, sam])  # filters are AND-ed
    assert digest(ORDER, [("departments", "in", ("HR", "IT", "HR"))]) == digest(ORDER, [teams])
    different = [
        digest(ORDER, []),
        digest(ORDER, [sam]),
        digest(ORDER, [("member_name", "ne", "Sam")]),
        digest(ORDER, [("member_name", "eq", "Ann")]),
        digest(ORDER, [("date", "gte", date(2021, 1, 1))]),
        digest(ORDER, [("date", "gte", date(2021, 1, 2))]),
        digest([("member_name", False), ("id", False)], []),
        digest([("member_name", True), ("id", False)], []),
        digest([("id", False)], []),
        digest([("id", True)], []),
    ]
    assert len(set(different)) == len(different)
    assert all(len(item) == 8 for item in different)
