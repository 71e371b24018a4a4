"""The query grammar as tables: what parses to which `Query`, and what is refused where."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from service.errors import QueryError
from service.fields import ATTRIBUTES, QUERYABLE
from service.query import Filter, Page, Query, QuerySpec, SortKey, parse_query

SPEC = QuerySpec(
    resource_type="expanses",
    attributes=tuple(ATTRIBUTES),
    filterable=QUERYABLE,
    sortable=tuple(QUERYABLE),
    families=frozenset({"filter", "sort", "fields", "page"}),
)


def parse(query: str | list[tuple[str, str]]) -> Query:
    """Parse `a=1&b=2` (split on & and the first =, no decoding) or a list of pairs."""
    if isinstance(query, str):
        query = [(name, value) for name, _, value in (part.partition("=") for part in query.split("&") if part)]
    return parse_query(MultiDict(query), SPEC)


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


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("foo=1", "foo", "Unknown query parameter"),
        ("by=departments", "by", "Unknown query parameter"),
        ("Foo=1", "Foo", "Unknown query parameter"),
        ("group_by=departments", "group_by", "Unknown query parameter"),
        ("include=author", "include", "not supported"),
        ('filter=[{"name":"amount"}]', "filter", "expected filter[field]"),
        ("filter[]=x", "filter[]", "expected filter[field]"),
        ("filter[nope]=1", "filter[nope]", "Cannot filter on 'nope'"),
        ("filter[amount][like]=1", "filter[amount][like]", "Unknown operator 'like'"),
        ("filter[amount][contains]=1", "filter[amount][contains]", "text fields only"),
        ("filter[amount][gte]=abc", "filter[amount][gte]", "not an amount"),
        ("filter[amount]=1.234", "filter[amount]", "not an amount"),
        ("filter[amount]=1,200", "filter[amount]", "not an amount"),
        ("filter[amount]=NaN", "filter[amount]", "not an amount"),
        ("filter[amount]=Infinity", "filter[amount]", "not an amount"),
        ("filter[amount]=1e400", "filter[amount]", "not an amount"),
        ("filter[amount]=" + "9" * 16, "filter[amount]", "not an amount"),
        ("filter[date][lt]=2021-02-30", "filter[date][lt]", "not a date"),
        ("filter[date]=2/1/2021", "filter[date]", "not a date"),
        ("filter[date]=20210201", "filter[date]", "not a date"),
        ("filter[id]=0", "filter[id]", "not an id"),
        ("filter[id]=01", "filter[id]", "not an id"),
        ("filter[member_name]=", "filter[member_name]", "needs a value"),
        ("filter[member_name][in]=", "filter[member_name][in]", "needs a value"),
        ("filter[member_name][in]=Sam,,Ann", "filter[member_name][in]", "empty item"),
        ("filter[id][in]=" + ",".join(["1"] * 101), "filter[id][in]", "at most 100"),
        ("filter[amount][gte][x]=1", "filter[amount][gte][x]", "Malformed"),
        ("sort=nope", "sort", "Cannot sort on 'nope'"),
        ("sort=", "sort", "Cannot sort on ''"),
        ("sort=amount,,date", "sort", "Cannot sort on ''"),
        ("sort[x]=amount", "sort[x]", "Malformed"),
        ("fields[expanses]=nope", "fields[expanses]", "not a field of expanses"),
        ("fields[expanses]=amount,", "fields[expanses]", "not a field of expanses"),
        ("fields[expanses]=id", "fields[expanses]", "not a field of expanses"),
        ("fields[people]=name", "fields[people]", "Unknown type 'people'"),
        ("fields=amount", "fields", "Malformed"),
        ("page[number]=0", "page[number]", "from 1 to"),
        ("page[number]=-1", "page[number]", "from 1 to"),
        ("page[number]=abc", "page[number]", "from 1 to"),
        ("page[number]=1000000001", "page[number]", "from 1 to"),
        ("page[size]=0", "page[size]", "from 1 to 1000"),
        ("page[size]=1001", "page[size]", "from 1 to 1000"),
        ("page[size]=٣", "page[size]", "from 1 to 1000"),
        ("page[offset]=1", "page[offset]", "Malformed"),
        ("page=1", "page", "Malformed"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(query: str, parameter: str, words: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.parameter == parameter
    assert words in caught.value.detail


def test_a_field_sorted_again_is_dropped() -> None:
    assert parse("sort=amount,-date,-amount").sort == (SortKey("amount"), SortKey("date", True))


def test_a_repeated_parameter_is_refused() -> None:
    with pytest.raises(QueryError) as caught:
        parse([("sort", "amount"), ("sort", "date")])
    assert caught.value.parameter == "sort"
    assert "2 times" in caught.value.detail


def test_families_outside_the_spec_are_unknown() -> None:
    detail_spec = QuerySpec("expanses", tuple(ATTRIBUTES), QUERYABLE, tuple(QUERYABLE), frozenset({"fields"}))
    with pytest.raises(QueryError) as caught:
        parse_query(MultiDict([("sort", "amount")]), detail_spec)
    assert caught.value.parameter == "sort"


AGGREGATE_SPEC = QuerySpec(
    "aggregates",
    ("departments", "date_month", "currency", "total"),
    QUERYABLE,
    ("departments", "date_month", "currency", "total"),
    frozenset({"filter", "sort", "fields", "page", "group_by"}),
    dimensions=("departments", "member_name", "date_month"),
)


def test_group_by_parses_in_order() -> None:
    query = parse_query(MultiDict([("group_by", "date_month,departments")]), AGGREGATE_SPEC)
    assert query.group_by == ("date_month", "departments")


@pytest.mark.parametrize(
    ("value", "words"),
    [("amount", "Cannot group by 'amount'"), ("", "Cannot group by ''"), ("departments,departments", "twice")],
)
def test_bad_group_by_is_refused(value: str, words: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(MultiDict([("group_by", value)]), AGGREGATE_SPEC)
    assert caught.value.parameter == "group_by"
    assert words in caught.value.detail
