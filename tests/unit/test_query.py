"""The query grammar as tables: what parses to which `Query`, and what is refused where."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import MultiDict

from service.api.specs import detail_spec, list_spec
from service.config import Settings
from service.query.errors import QueryError
from service.query.model import Filter, Page, Query, SortKey
from service.query.parser import parse_query
from tests.helpers.bad_queries import BAD_QUERIES, EXPANSES, BadQuery

#: What `/expanses` accepts, with page numbers only.
SPEC = replace(list_spec(Settings()), cursor_pagination=False)


def parse(query: str) -> Query:
    """Parse a query string as a server reads it (`a=1&b=%5B`: split on &, then decoded)."""
    return parse_query(MultiDict(parse_qsl(query, keep_blank_values=True)), SPEC)


def test_empty_query_has_defaults() -> None:
    assert parse("") == Query(filters=(), sort=(), fields=None, page=Page(1, 20))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("filter[member_name]=Sam", Filter("member_name", "eq", "Sam")),
        ("filter[amount][gte]=1400", Filter("amount", "gte", 140_000)),
        ("filter[amount]=4", Filter("amount", "eq", 400)),
        ("filter[amount][lt]=-12.5", Filter("amount", "lt", -1_250)),
        ("filter[amount][ne]=0.01", Filter("amount", "ne", 1)),
        ("filter[date][lt]=2021-02-01", Filter("date", "lt", date(2021, 2, 1))),
        ("filter[id][in]=1,2,30", Filter("id", "in", (1, 2, 30))),
        ("filter[departments][in]=HR,IT", Filter("departments", "in", ("HR", "IT"))),
        ("filter[project_name][contains]=mars", Filter("project_name", "contains", "mars")),
        ("filter[currency]=EUR", Filter("currency", "eq", "EUR")),
        ("filter[date][in]=2021-01-01,2021-01-02", Filter("date", "in", (date(2021, 1, 1), date(2021, 1, 2)))),
    ],
)
def test_filters_parse_to_typed_values(query: str, expected: Filter) -> None:
    assert parse(query).filters == (expected,)


def test_filters_on_the_same_field_are_all_kept() -> None:
    query = parse("filter[amount][gt]=1000&filter[amount][lte]=2000&filter[member_name]=Sam")
    assert query.filters == (
        Filter("amount", "gt", 100_000),
        Filter("amount", "lte", 200_000),
        Filter("member_name", "eq", "Sam"),
    )


def test_sort_fields_and_page_parse() -> None:
    query = parse("sort=departments,-amount,id&fields[expanses]=amount,date&page[number]=3&page[size]=1000")
    assert query.sort == (SortKey("departments"), SortKey("amount", True), SortKey("id"))
    assert query.fields == ("amount", "date")
    assert query.page == Page(3, 1000)
    assert query.page.offset == 2000


#: The bad queries that /expanses reads (tests/helpers/bad_queries.py): the parser alone refuses each.
READ_BY_EXPANSES = [case for case in BAD_QUERIES if case.words_on == EXPANSES and EXPANSES in case.paths]


@pytest.mark.parametrize("case", READ_BY_EXPANSES, ids=[case.query[:60] for case in READ_BY_EXPANSES])
def test_bad_parameters_are_refused_naming_the_parameter(case: BadQuery) -> None:
    with pytest.raises(QueryError) as caught:
        parse(case.query)
    assert caught.value.parameter == case.parameter
    assert case.words in caught.value.detail


def test_a_field_sorted_again_is_dropped() -> None:
    assert parse("sort=amount,-date,-amount").sort == (SortKey("amount"), SortKey("date", True))


def test_families_outside_the_spec_are_unknown() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(MultiDict([("sort", "amount")]), detail_spec(Settings()))
    assert caught.value.parameter == "sort"


AGGREGATE_SPEC = replace(
    SPEC,
    resource_type="aggregates",
    attributes=("departments", "date_month", "currency", "total"),
    sortable=("departments", "date_month", "currency", "total"),
    families=frozenset({"filter", "sort", "fields", "page", "group_by"}),
    dimensions=("departments", "member_name", "date_month"),
)


def test_group_by_parses_in_order() -> None:
    query = parse_query(MultiDict([("group_by", "date_month,departments")]), AGGREGATE_SPEC)
    assert query.group_by == ("date_month", "departments")
