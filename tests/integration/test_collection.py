"""GET /expanses on each exact-answer dataset: exact records, filters, sorts, fieldsets, paging."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import document, walk
from tests.helpers.orders import served_order, sort_keys
from tests.helpers.reference import Dataset, Row

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

Predicate = Callable[[Row], bool]


def get_all(client: FlaskClient, query: str = "") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One page of 1000 (more than the dataset): the first document and its resources."""
    separator = "&" if query else ""
    response = client.get(f"/expanses?{query}{separator}page[size]=1000")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = document(response)
    return body, body["data"]


def test_every_record_equals_its_row(client: FlaskClient, rows: list[Row], dataset: Dataset) -> None:
    body, resources = get_all(client)
    assert body["meta"]["count"] == len(rows) == dataset.count
    assert [r["id"] for r in resources] == [str(row.id) for row in rows]
    for resource, row in zip(resources, rows, strict=True):
        assert resource["type"] == "expanses"
        assert resource["attributes"] == row.attributes()
        assert Decimal(str(resource["attributes"]["amount"])) == row.amount
        assert resource["links"]["self"] == f"http://localhost/expanses/{row.id}"


def test_default_page_is_twenty_records_with_links(client: FlaskClient, rows: list[Row]) -> None:
    body = document(client.get("/expanses"))
    assert [r["id"] for r in body["data"]] == [str(row.id) for row in rows[:20]]
    assert body["meta"]["count"] == len(rows)
    assert body["links"]["prev"] is None
    assert body["links"]["next"].endswith("page%5Bnumber%5D=2&page%5Bsize%5D=20")
    assert body["links"]["last"].endswith(f"page%5Bnumber%5D={-(-len(rows) // 20)}&page%5Bsize%5D=20")


FILTERS: list[tuple[str, Predicate]] = [
    ("filter[member_name]=Sam", lambda r: r.member_name == "Sam"),
    ("filter[member_name][eq]=Sam", lambda r: r.member_name == "Sam"),
    ("filter[amount][gte]=1400&filter[member_name]=Sam", lambda r: r.amount >= 1400 and r.member_name == "Sam"),
    ("filter[amount]=4", lambda r: r.amount == 4),
    ("filter[amount]=4.00", lambda r: r.amount == 4),
    ("filter[amount]=1298", lambda r: r.amount == 1298),
    ("filter[amount]=51.11", lambda r: r.amount == Decimal("51.11")),
    ("filter[amount][gt]=1000&filter[amount][lte]=2000", lambda r: 1000 < r.amount <= 2000),
    ("filter[amount][lt]=500", lambda r: r.amount < 500),
    ("filter[amount][ne]=4", lambda r: r.amount != 4),
    ("filter[date][lt]=2021-02-01", lambda r: r.date < date(2021, 2, 1)),
    ("filter[date]=2022-01-01", lambda r: r.date == date(2022, 1, 1)),
    (
        "filter[date][gte]=2021-07-01&filter[departments]=Sales",
        lambda r: r.date >= date(2021, 7, 1) and r.departments == "Sales",
    ),
    ("filter[departments][ne]=HR", lambda r: r.departments != "HR"),
    ("filter[departments][in]=HR,IT", lambda r: r.departments in ("HR", "IT")),
    ("filter[member_name][in]=Sam,Ann,Nobody", lambda r: r.member_name in ("Sam", "Ann")),
    ("filter[project_name][contains]=mars", lambda r: "mars" in r.project_name.lower()),
    ("filter[project_name][contains]=ALPH", lambda r: "alph" in r.project_name.lower()),
    ("filter[departments][nin]=HR,IT", lambda r: r.departments not in ("HR", "IT")),
    ("filter[amount][nin]=1298,51.11", lambda r: r.amount not in (1298, Decimal("51.11"))),
    ("filter[id][nin]=1,2,3&filter[id][lte]=10", lambda r: 3 < r.id <= 10),
    ("filter[date][nin]=2022-01-01", lambda r: r.date != date(2022, 1, 1)),
    ("filter[project_name][starts_with]=Al", lambda r: r.project_name.startswith("Al")),
    ("filter[project_name][starts_with]=al", lambda r: r.project_name.startswith("al")),
    ("filter[member_name][starts_with]=J", lambda r: r.member_name.startswith("J")),
    ("filter[member_name][lt]=Jennifer", lambda r: r.member_name < "Jennifer"),
    ("filter[member_name][gte]=Matt", lambda r: r.member_name >= "Matt"),
    ("filter[id][in]=1,5,149", lambda r: r.id in (1, 5, 149)),
    ("filter[id][gt]=140", lambda r: r.id > 140),
    ("filter[currency]=EUR", lambda r: r.currency == "EUR"),
    ("filter[currency]=USD", lambda r: r.currency == "USD"),
    ("filter[member_name]=Nobody", lambda r: False),
    ("filter[member_name]=sam", lambda r: False),
]


@pytest.mark.parametrize(("query", "predicate"), FILTERS, ids=[q for q, _ in FILTERS])
def test_filters_match_exactly_the_rows_they_describe(
    client: FlaskClient, rows: list[Row], query: str, predicate: Predicate
) -> None:
    expected = [str(row.id) for row in rows if predicate(row)]
    body, resources = get_all(client, query)
    assert [r["id"] for r in resources] == expected
    assert body["meta"]["count"] == len(expected)


def expected_order(rows: list[Row], sort: str) -> list[str]:
    """Ids in the order of `sort`, computed independently (tests/helpers/orders.py)."""
    return [str(row.id) for row in served_order(rows, sort_keys(sort))]


@pytest.mark.parametrize(
    "sort",
    [
        "amount",
        "-amount",
        "departments,-amount",
        "-date,member_name",
        "project_name,date,-amount",
        "-id",
        "member_name",
    ],
)
def test_multi_key_sorts_order_exactly_with_ties_by_id(client: FlaskClient, rows: list[Row], sort: str) -> None:
    _, resources = get_all(client, f"sort={sort}")
    assert [r["id"] for r in resources] == expected_order(rows, sort)


def test_descending_ties_still_break_by_ascending_id(client: FlaskClient, rows: list[Row]) -> None:
    _, resources = get_all(client, "sort=-departments")
    hr = [int(r["id"]) for r in resources if r["attributes"]["departments"] == "HR"]
    assert hr == sorted(hr) and len(hr) == sum(row.departments == "HR" for row in rows)


def test_filter_sort_and_page_combine(client: FlaskClient, rows: list[Row]) -> None:
    matching = [r for r in rows if r.amount >= 1400 and r.member_name == "Sam"]
    expected = expected_order(matching, "-amount")
    body = document(
        client.get(
            "/expanses?filter[amount][gte]=1400&filter[member_name]=Sam&sort=-amount&page[size]=5&page[number]=2"
        )
    )
    assert [r["id"] for r in body["data"]] == expected[5:10]
    assert body["meta"]["count"] == len(matching)


@pytest.mark.parametrize("fields", ["departments,member_name,amount", "amount", "date,currency"])
def test_sparse_fieldsets_return_only_those_attributes(client: FlaskClient, rows: list[Row], fields: str) -> None:
    wanted = fields.split(",")
    _, resources = get_all(client, f"fields[expanses]={fields}")
    for resource, row in zip(resources, rows, strict=True):
        assert resource["attributes"] == {name: row.attributes()[name] for name in wanted}
        assert resource["id"] == str(row.id) and resource["links"]["self"]


@pytest.mark.parametrize("query", ["", "filter[departments]=HR&sort=-amount&fields[expanses]=amount"])
@pytest.mark.parametrize("size", [1, 7, 20, 149, 300, 1000])  # 149, 300: one dataset each, exactly
def test_walking_links_next_visits_every_match_once(client: FlaskClient, query: str, size: int) -> None:
    _, everything = get_all(client, query)
    pages = walk(lambda url: document(client.get(url)), f"/expanses?{query}&page[size]={size}", size)
    assert pages[0]["meta"]["count"] == len(everything)
    assert [r["id"] for page in pages for r in page["data"]] == [r["id"] for r in everything]
    assert len(pages) == max(1, -(-len(everything) // size))


def test_a_page_past_the_end_is_empty_and_points_back(client: FlaskClient, rows: list[Row]) -> None:
    last = -(-len(rows) // 20)
    body = document(client.get("/expanses?page[number]=99"))
    assert body["data"] == []
    assert body["meta"]["count"] == len(rows)
    assert body["links"]["next"] is None
    assert f"page%5Bnumber%5D={last}&" in body["links"]["prev"]
