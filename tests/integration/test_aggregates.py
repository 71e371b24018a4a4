"""GET /aggregates on each exact-answer dataset: exact metrics computed here with Decimal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import HEADER
from tests.helpers.jsonapi import document, walk
from tests.helpers.reference import Dataset, Row

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

CENT = Decimal("0.01")

KEYS: dict[str, Callable[[Row], str]] = {
    "departments": lambda r: r.departments,
    "project_name": lambda r: r.project_name,
    "member_name": lambda r: r.member_name,
    "date": lambda r: r.date.isoformat(),
    "date_week": lambda r: "{:04d}-W{:02d}".format(*r.date.isocalendar()[:2]),  # ISO year and week
    "date_month": lambda r: f"{r.date.year:04d}-{r.date.month:02d}",
    "date_quarter": lambda r: f"{r.date.year:04d}-Q{(r.date.month - 1) // 3 + 1}",
    "date_year": lambda r: f"{r.date.year:04d}",
    "currency": lambda r: r.currency,  # always an implicit, last dimension
}


def expected_groups(rows: list[Row], dimensions: list[str]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Group and total independently of the service: stdlib dicts and Decimal; keys end with the currency."""
    amounts: dict[tuple[str, ...], list[Decimal]] = defaultdict(list)
    for row in rows:
        amounts[tuple(KEYS[d](row) for d in [*dimensions, "currency"])].append(row.amount)
    return {
        key: {
            "total": sum(values, Decimal(0)),
            "count": len(values),
            "average": (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_EVEN),
            "min": min(values),
            "max": max(values),
        }
        for key, values in amounts.items()
    }


def fetch(client: FlaskClient, query: str) -> dict[str, Any]:
    response = client.get(f"/aggregates?{query}&page[size]=1000")
    assert response.status_code == 200, response.get_data(as_text=True)
    return document(response)


def as_decimal(attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": Decimal(str(attributes["total"])),
        "count": attributes["count"],
        "average": Decimal(str(attributes["average"])),
        "min": Decimal(str(attributes["min"])),
        "max": Decimal(str(attributes["max"])),
    }


def test_no_group_by_is_the_grand_total(client: FlaskClient, rows: list[Row], dataset: Dataset) -> None:
    expected = expected_groups(rows, [])  # one group per currency
    assert {currency: metrics["total"] for (currency,), metrics in expected.items()} == dataset.totals
    body = fetch(client, "")
    assert [group["id"] for group in body["data"]] == [currency for (currency,) in sorted(expected)]
    for group in body["data"]:
        assert group["type"] == "aggregates" and group["attributes"]["currency"] == group["id"]
        assert as_decimal(group["attributes"]) == expected[(group["id"],)]
        assert Decimal(str(group["attributes"]["total"])) == dataset.totals[group["id"]]
    assert body["meta"]["count"] == len(expected)
    assert body["meta"]["grand_totals"] == [g["attributes"] for g in body["data"]]


GROUPINGS = [
    ("departments", None),
    ("project_name", None),
    ("member_name", None),
    ("date", None),
    ("departments,member_name", None),
    ("project_name,date", None),
    (
        "member_name",
        (
            "filter[departments]=Sales&filter[date][gte]=2021-07-01",
            lambda r: r.departments == "Sales" and r.date >= date(2021, 7, 1),
        ),
    ),
    (
        "departments",
        ("filter[amount][gte]=1400&filter[member_name]=Sam", lambda r: r.amount >= 1400 and r.member_name == "Sam"),
    ),
    ("departments,project_name", ("filter[project_name][contains]=mars", lambda r: "mars" in r.project_name.lower())),
]


@pytest.mark.parametrize(("group_by", "filtering"), GROUPINGS, ids=[f"{g}|{f[0] if f else ''}" for g, f in GROUPINGS])
def test_groups_have_exact_metrics(
    client: FlaskClient,
    rows: list[Row],
    group_by: str,
    filtering: tuple[str, Callable[[Row], bool]] | None,
) -> None:
    query, keep = filtering or ("", lambda r: True)
    kept = [r for r in rows if keep(r)]
    keys = [*group_by.split(","), "currency"]
    expected = expected_groups(kept, group_by.split(","))
    body = fetch(client, f"group_by={group_by}&{query}")
    got = {tuple(g["attributes"][k] for k in keys): as_decimal(g["attributes"]) for g in body["data"]}
    assert got == expected
    assert body["meta"]["count"] == len(expected)
    assert [tuple(g["attributes"][k] for k in keys) for g in body["data"]] == sorted(expected)
    assert len({g["id"] for g in body["data"]}) == len(expected)
    grand_totals = {(t["currency"],): as_decimal(t) for t in body["meta"]["grand_totals"]}
    assert grand_totals == expected_groups(kept, [])
    assert [t["currency"] for t in body["meta"]["grand_totals"]] == [currency for (currency,) in sorted(grand_totals)]


@pytest.mark.parametrize("metric", ["total", "count", "average", "min", "max"])
def test_sort_by_a_metric_descending_then_by_dimension(client: FlaskClient, rows: list[Row], metric: str) -> None:
    expected = expected_groups(rows, ["member_name"])
    order = sorted(expected, key=lambda key: (-expected[key][metric], key))
    body = fetch(client, f"group_by=member_name&sort=-{metric}")
    assert [(g["attributes"]["member_name"], g["attributes"]["currency"]) for g in body["data"]] == order


def test_sort_by_a_dimension_descending(client: FlaskClient, rows: list[Row]) -> None:
    body = fetch(client, "group_by=departments,member_name&sort=-member_name")
    attributes = [g["attributes"] for g in body["data"]]
    keys = [(a["departments"], a["member_name"], a["currency"]) for a in attributes]
    assert keys == sorted(
        sorted(expected_groups(rows, ["departments", "member_name"])), key=lambda k: k[1], reverse=True
    )


def test_sparse_fieldset_and_pagination(client: FlaskClient, rows: list[Row]) -> None:
    expected = expected_groups(rows, ["date"])
    url = "/aggregates?group_by=date&fields[aggregates]=total,count&page[size]=7"
    pages = walk(lambda url: document(client.get(url)), url, 7)
    groups = [group for page in pages for group in page["data"]]
    assert pages[0]["meta"]["count"] == len(expected)
    assert all(set(group["attributes"]) == {"total", "count"} for group in groups)
    assert [group["id"] for group in groups] == [f"{day}/{currency}" for (day, currency) in sorted(expected)]


def test_a_fieldset_may_name_attributes_not_grouped_by(client: FlaskClient) -> None:
    body = document(client.get("/aggregates?group_by=departments&fields[aggregates]=member_name,total"))
    assert {name for group in body["data"] for name in group["attributes"]} == {"total"}


def test_nothing_matching_means_no_groups(client: FlaskClient) -> None:
    body = document(client.get("/aggregates?group_by=departments&filter[member_name]=Nobody"))
    assert body["data"] == [] and body["meta"] == {"count": 0, "grand_totals": []}


DATES = HEADER + "\n".join(
    [
        "IT,P,10.00€,1/31/2021,Sam",
        "IT,P,20.00€,2/1/2021,Sam",
        "IT,P,0.01€,3/31/2021,Ann",
        "IT,P,5.00€,4/1/2021,Ann",
        "IT,P,7.50€,12/31/2021,Sam",
        "IT,P,1.00€,1/1/2022,Sam",
    ]
)


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (
            "date_month",
            {"2021-01": 10.0, "2021-02": 20.0, "2021-03": 0.01, "2021-04": 5.0, "2021-12": 7.5, "2022-01": 1.0},
        ),
        ("date_quarter", {"2021-Q1": 30.01, "2021-Q2": 5.0, "2021-Q4": 7.5, "2022-Q1": 1.0}),
        ("date_year", {"2021": 42.51, "2022": 1.0}),
    ],
)
def test_date_buckets_on_a_hand_checked_fixture(
    client_for: Callable[[str], FlaskClient], group_by: str, expected: dict[str, float]
) -> None:
    body = document(client_for(DATES).get(f"/aggregates?group_by={group_by}"))
    assert {g["attributes"][group_by]: g["attributes"]["total"] for g in body["data"]} == expected
    assert [g["attributes"][group_by] for g in body["data"]] == sorted(expected)


MIXED = HEADER + "\n".join(
    [
        "IT,P,100.00€,1/1/2021,Sam",
        "IT,P,$50.00,1/2/2021,Sam",
        "HR,P,£1.25,1/3/2021,Ann",
        "IT,P,1.50€,1/4/2021,Ann",
        "IT,P,$0.50,1/5/2021,Ann",
    ]
)


def test_different_currencies_are_never_added_together(client_for: Callable[[str], FlaskClient]) -> None:
    client = client_for(MIXED)
    body = document(client.get("/aggregates?group_by=departments"))
    got = {
        (g["attributes"]["departments"], g["attributes"]["currency"]): g["attributes"]["total"] for g in body["data"]
    }
    assert got == {("HR", "GBP"): 1.25, ("IT", "EUR"): 101.5, ("IT", "USD"): 50.5}
    assert {g["id"] for g in body["data"]} == {"HR/GBP", "IT/EUR", "IT/USD"}
    totals = {t["currency"]: (t["total"], t["count"]) for t in body["meta"]["grand_totals"]}
    assert totals == {"EUR": (101.5, 2), "GBP": (1.25, 1), "USD": (50.5, 2)}
    [usd] = document(client.get("/aggregates?filter[currency]=USD"))["data"]
    assert usd["attributes"] == {
        "currency": "USD",
        "total": 50.5,
        "count": 2,
        "average": 25.25,
        "min": 0.5,
        "max": 50.0,
    }
