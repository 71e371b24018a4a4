"""`page[...]` as the parser reads it: page numbers, and cursor mode where the endpoint offers it."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
from werkzeug.datastructures import MultiDict

from service.api.specs import list_spec
from service.config import Settings
from service.query.cursor_profile import PROFILE, MaxPageSizeExceeded, RangePaginationNotSupported
from service.query.cursors import digest
from service.query.errors import QueryError
from service.query.model import Page, Query, QuerySpec
from service.query.parser import parse_query
from service.web.errors import query_error_object

#: What `/expanses` accepts, with page numbers only.
NUMBERED = replace(list_spec(Settings()), cursor_pagination=False)


@pytest.mark.parametrize("name", ["page[number]", "page[size]"])
@pytest.mark.parametrize("digits", [19, 4301, 7000])
def test_a_page_value_of_thousands_of_digits_is_a_400_not_a_crash(name: str, digits: int) -> None:
    """int() refuses strings of more than 4,300 digits with a ValueError, which used to become a 500."""
    with pytest.raises(QueryError) as caught:
        parse_query(MultiDict([(name, "9" * digits)]), NUMBERED)
    assert caught.value.parameter == name


CURSORS = replace(NUMBERED, cursor_pagination=True)


def parse(pairs: list[tuple[str, str]], spec: QuerySpec = CURSORS, profile: bool = False) -> Query:
    return parse_query(MultiDict(pairs), spec, profile_asked=profile)


def refusal(pairs: list[tuple[str, str]], spec: QuerySpec = CURSORS, profile: bool = False) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(pairs, spec, profile)
    return caught.value


def cursor(*values: object, made_for: str | None = None) -> str:
    """A cursor for `sort=member_name,-amount` (no filters), written by hand."""
    made_for = made_for or digest([("member_name", False), ("amount", True), ("id", False)], [])
    text = json.dumps([made_for, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


SORT = ("sort", "member_name,-amount")


def test_page_numbers_stay_the_default_without_a_cursor_or_the_profile() -> None:
    assert parse([("page[size]", "5")]).page == Page(1, 5)
    assert parse([("page[number]", "3")], profile=True).page == Page(3, 20)  # a number wins over the profile


def test_the_profile_asked_for_in_accept_makes_the_first_page_a_cursor_one() -> None:
    page = parse([SORT, ("page[size]", "5")], profile=True).page
    assert page.seek is not None and page.seek.position is None and page.size == 5
    assert parse([SORT], NUMBERED, profile=True).page == Page(1, 20)  # an endpoint without cursors ignores it


def test_a_cursor_is_read_in_the_request_s_order_with_ids_breaking_ties() -> None:
    after = parse([SORT, ("page[after]", cursor("Sam", 140_000, 17))]).page.seek
    assert after is not None and after.position == ("Sam", 140_000, 17) and not after.backwards
    before = parse([("page[before]", cursor("Sam", 140_000, 17)), SORT]).page.seek  # any parameter order
    assert before is not None and before.position == ("Sam", 140_000, 17) and before.backwards
    assert after.made_for == before.made_for


def test_a_cursor_from_another_sort_or_filter_is_refused_naming_it() -> None:
    text = cursor("Sam", 140_000, 17)
    for pairs in (
        [("sort", "member_name,amount"), ("page[after]", text)],
        [("sort", "-member_name,-amount"), ("page[after]", text)],
        [SORT, ("filter[departments]", "IT"), ("page[after]", text)],
    ):
        error = refusal(pairs)
        assert error.parameter == "page[after]" and "made for another sort" in error.detail


def test_page_number_with_a_cursor_is_refused_naming_page_number() -> None:
    for cursor_parameter in ("page[after]", "page[before]"):
        error = refusal([SORT, ("page[number]", "2"), (cursor_parameter, cursor("Sam", 1, 2))])
        assert error.parameter == "page[number]" and "cannot be combined" in error.detail


def test_after_and_before_together_are_the_profile_s_range_error() -> None:
    error = refusal([SORT, ("page[after]", cursor("Ann", 1, 2)), ("page[before]", cursor("Sam", 1, 2))])
    assert isinstance(error, RangePaginationNotSupported) and error.parameter == "page[before]"
    assert query_error_object(error)["links"] == {"type": f"{PROFILE}range-pagination-not-supported"}


@pytest.mark.parametrize("size", ["1001", "99999999999999999999", "9" * 5000])
def test_a_page_size_over_the_maximum_in_cursor_mode_is_the_profile_s_error(size: str) -> None:
    for pairs, profile in ([("page[size]", size), ("page[after]", cursor(1))], False), ([("page[size]", size)], True):
        error = refusal(pairs, profile=profile)
        assert isinstance(error, MaxPageSizeExceeded) and error.parameter == "page[size]"
        assert query_error_object(error)["meta"] == {"page": {"maxSize": 1000}}
        assert query_error_object(error)["links"] == {"type": f"{PROFILE}max-size-exceeded"}
    by_number = refusal([("page[size]", size)])
    assert not isinstance(by_number, MaxPageSizeExceeded) and by_number.parameter == "page[size]"


@pytest.mark.parametrize("size", ["0", "-1", "abc", "", "٣"])
def test_a_page_size_that_is_not_a_positive_number_is_a_plain_400_in_either_mode(size: str) -> None:
    for pairs, profile in ([("page[size]", size)], True), ([("page[size]", size)], False):
        error = refusal(pairs, profile=profile)
        assert not isinstance(error, MaxPageSizeExceeded) and error.parameter == "page[size]"


def test_cursors_on_an_endpoint_that_pages_by_number_only_are_refused_naming_them() -> None:
    for name in ("page[after]", "page[before]"):
        error = refusal([(name, cursor("Sam", 1, 2))], NUMBERED)
        assert error.parameter == name and "by number only" in error.detail
