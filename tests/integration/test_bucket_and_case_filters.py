"""Filters on the date buckets and `ieq` on each exact-answer dataset, on /expanses and /aggregates.

Expected answers come from the reference reader's rows (tests/helpers/reference.py): each row's
week, month, quarter and year written here from its day (tests/integration/test_aggregates.py
`KEYS`), and case folded by Python, never by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import HEADER
from tests.helpers.jsonapi import document, walk
from tests.helpers.reference import Row
from tests.integration.test_aggregates import KEYS, as_decimal, expected_groups, fetch

# Every test here runs on each of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

Predicate = Callable[[Row], bool]


def bucket(name: str) -> Callable[[Row], str]:
    return KEYS[name]


year, quarter, month, week = (bucket(f"date_{unit}") for unit in ("year", "quarter", "month", "week"))

FILTERS: list[tuple[str, Predicate]] = [
    ("filter[date_year]=2021", lambda r: year(r) == "2021"),
    ("filter[date_year][eq]=2022", lambda r: year(r) == "2022"),
    ("filter[date_year][ne]=2021", lambda r: year(r) != "2021"),
    ("filter[date_year]=1999", lambda r: False),  # well formed, no records
    ("filter[date_year][in]=2021,1999", lambda r: year(r) == "2021"),
    ("filter[date_quarter]=2021-Q1", lambda r: quarter(r) == "2021-Q1"),
    ("filter[date_quarter][gte]=2021-Q3", lambda r: quarter(r) >= "2021-Q3"),
    ("filter[date_quarter][lt]=2021-Q2", lambda r: quarter(r) < "2021-Q2"),
    ("filter[date_quarter][nin]=2021-Q1,2021-Q4", lambda r: quarter(r) not in ("2021-Q1", "2021-Q4")),
    ("filter[date_month]=2021-03", lambda r: month(r) == "2021-03"),
    ("filter[date_month][in]=2021-03,2021-12,2022-01", lambda r: month(r) in ("2021-03", "2021-12", "2022-01")),
    ("filter[date_month][gt]=2021-10&filter[date_month][lte]=2022-02", lambda r: "2021-10" < month(r) <= "2022-02"),
    (
        "filter[date_month][ne]=2021-03&filter[departments]=IT",
        lambda r: month(r) != "2021-03" and r.departments == "IT",
    ),
    ("filter[date_week]=2021-W07", lambda r: week(r) == "2021-W07"),
    ("filter[date_week][lte]=2021-W02", lambda r: week(r) <= "2021-W02"),  # 2021-01-03 is in 2020-W53
    ("filter[date_week]=2021-W53", lambda r: False),  # 2021 has 52 ISO weeks
    ("filter[date_week][in]=2020-W53,2021-W52", lambda r: week(r) in ("2020-W53", "2021-W52")),
    ("filter[date_year]=2021&filter[date_month][gte]=2021-11", lambda r: year(r) == "2021" and month(r) >= "2021-11"),
    ("filter[member_name][ieq]=sam", lambda r: r.member_name.lower() == "sam"),
    ("filter[member_name][ieq]=JENNIFER", lambda r: r.member_name.lower() == "jennifer"),
    ("filter[departments][ieq]=it", lambda r: r.departments.lower() == "it"),
    ("filter[currency][ieq]=eur", lambda r: r.currency.lower() == "eur"),
    ("filter[project_name][ieq]=ALPHADEO", lambda r: r.project_name.lower() == "alphadeo"),
    ("filter[member_name][ieq]=sa", lambda r: False),  # equality, not a substring
    (
        "filter[member_name][ieq]=sam&filter[date_quarter]=2021-Q4",
        lambda r: r.member_name.lower() == "sam" and quarter(r) == "2021-Q4",
    ),
]


def ids_of(client: FlaskClient, query: str) -> tuple[int, list[str]]:
    body = document(client.get(f"/expanses?{query}&page[size]=1000"))
    return body["meta"]["count"], [resource["id"] for resource in body["data"]]


@pytest.mark.parametrize(("query", "predicate"), FILTERS, ids=[q for q, _ in FILTERS])
def test_expanses_match_exactly_the_rows_the_filter_describes(
    client: FlaskClient, rows: list[Row], query: str, predicate: Predicate
) -> None:
    expected = [str(row.id) for row in rows if predicate(row)]
    assert ids_of(client, query) == (len(expected), expected)


@pytest.mark.parametrize("group_by", ["member_name", "date_month"])
@pytest.mark.parametrize(("query", "predicate"), FILTERS, ids=[q for q, _ in FILTERS])
def test_aggregates_group_exactly_the_rows_the_filter_keeps(
    client: FlaskClient, rows: list[Row], query: str, predicate: Predicate, group_by: str
) -> None:
    kept = [row for row in rows if predicate(row)]
    expected = expected_groups(kept, [group_by])
    body = fetch(client, f"group_by={group_by}&{query}")
    got = {(g["attributes"][group_by], g["attributes"]["currency"]): as_decimal(g["attributes"]) for g in body["data"]}
    assert got == expected
    assert [tuple(g["attributes"][k] for k in (group_by, "currency")) for g in body["data"]] == sorted(expected)
    assert {(t["currency"],): as_decimal(t) for t in body["meta"]["grand_totals"]} == expected_groups(kept, [])


def test_a_bucket_filter_and_group_filter_together(client: FlaskClient, rows: list[Row]) -> None:
    """Records are filtered by their bucket before grouping; metric filters then keep groups."""
    kept = [row for row in rows if quarter(row) in ("2021-Q2", "2021-Q3")]
    expected = {key: metrics for key, metrics in expected_groups(kept, ["date_month"]).items() if metrics["count"] > 8}
    body = fetch(client, "group_by=date_month&filter[date_quarter][in]=2021-Q2,2021-Q3&filter[count][gt]=8")
    assert {(g["attributes"]["date_month"], g["attributes"]["currency"]) for g in body["data"]} == set(expected)


@pytest.mark.parametrize(
    "query", ["filter[date_month][in]=2021-03,2021-04,2021-05", "filter[member_name][ieq]=SAM&filter[date_year]=2021"]
)
def test_page_links_keep_the_filters(client: FlaskClient, query: str) -> None:
    _, expected = ids_of(client, query)
    pages = walk(lambda url: document(client.get(url)), f"/expanses?{query}&sort=-amount&page[size]=4", 4)
    seen = [item["id"] for page in pages for item in page["data"]]
    assert sorted(seen, key=int) == expected and len(seen) == len(set(seen))


#: Labels that differ only by case, as a file may hold them.
CASES = HEADER + "\n".join(
    [
        "IT,P,1.00€,1/4/2021,Sam",
        "IT,P,2.00€,1/4/2021,sam",
        "IT,P,4.00€,1/4/2021,SAM",
        "IT,P,8.00€,1/4/2021,Samuel",
        "IT,P,16.00€,1/4/2021,Émile",
        "IT,P,32.00€,1/4/2021,émile",
    ]
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("filter[member_name][ieq]=sAm", ["1", "2", "3"]),
        ("filter[member_name][ieq]=ÉMILE", ["5", "6"]),
        ("filter[member_name]=sam", ["2"]),  # eq stays exact
        ("filter[member_name][ieq]=samu", []),
    ],
)
def test_ieq_keeps_every_label_equal_ignoring_case(
    client_for: Callable[[str], FlaskClient], query: str, expected: list[str]
) -> None:
    client = client_for(CASES)
    assert ids_of(client, query) == (len(expected), expected)
    totals: list[dict[str, Any]] = fetch(client, query)["meta"]["grand_totals"]
    assert sum(t["count"] for t in totals) == len(expected)
