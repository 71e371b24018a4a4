"""Questions finance users ask of totals: metric filters (like SQL HAVING) and totals per ISO week.

Expected answers are computed here from the rows with Decimal (tests/integration/test_aggregates.py's
`expected_groups`), never taken from the service.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import HEADER
from tests.helpers.reference import Row
from tests.integration.test_aggregates import KEYS, as_decimal, expected_groups, fetch

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
METRICS = ["total", "count", "average", "min", "max"]


def middle_value(groups: dict[tuple[str, ...], dict[str, Any]], metric: str) -> Any:
    """A threshold some groups pass and some do not: the median of the metric over the groups."""
    values = sorted(metrics[metric] for metrics in groups.values())
    return values[len(values) // 2]


def kept_rows(rows: list[Row], dimensions: list[str], keys: set[tuple[str, ...]]) -> list[Row]:
    return [row for row in rows if tuple(KEYS[d](row) for d in [*dimensions, "currency"]) in keys]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("op", list(COMPARE))
@pytest.mark.parametrize("group_by", ["member_name", "project_name,date_month"])
def test_a_metric_filter_keeps_the_groups_that_pass_and_totals_what_it_keeps(
    client: FlaskClient, rows: list[Row], metric: str, op: str, group_by: str
) -> None:
    dimensions = group_by.split(",")
    groups = expected_groups(rows, dimensions)
    threshold = middle_value(groups, metric)
    kept = {key for key, metrics in groups.items() if COMPARE[op](metrics[metric], threshold)}
    body = fetch(client, f"group_by={group_by}&filter[{metric}][{op}]={threshold}")
    keys = [*dimensions, "currency"]
    assert sorted(tuple(g["attributes"][k] for k in keys) for g in body["data"]) == sorted(kept)
    assert body["meta"]["count"] == len(kept)
    grand_totals = {(t["currency"],): as_decimal(t) for t in body["meta"]["grand_totals"]}
    assert grand_totals == expected_groups(kept_rows(rows, dimensions, kept), [])


def test_record_filters_select_records_first_then_metric_filters_select_groups(
    client: FlaskClient, rows: list[Row]
) -> None:
    sales = [row for row in rows if row.departments == "Sales"]
    groups = expected_groups(sales, ["member_name"])
    threshold = middle_value(groups, "total")
    count_floor = min(metrics["count"] for metrics in groups.values())
    kept = {k for k, m in groups.items() if m["total"] >= threshold and m["count"] > count_floor}
    body = fetch(
        client,
        f"group_by=member_name&filter[departments]=Sales&filter[total][gte]={threshold}&filter[count][gt]={count_floor}",
    )
    assert {(g["attributes"]["member_name"], g["attributes"]["currency"]) for g in body["data"]} == kept
    grand_totals = {(t["currency"],): as_decimal(t) for t in body["meta"]["grand_totals"]}
    assert grand_totals == expected_groups(kept_rows(sales, ["member_name"], kept), [])


def test_in_lists_exact_amounts(client: FlaskClient, rows: list[Row]) -> None:
    groups = expected_groups(rows, ["member_name"])
    chosen = sorted({metrics["max"] for metrics in groups.values()})[:2]
    body = fetch(client, f"group_by=member_name&filter[max][in]={','.join(str(v) for v in chosen)}")
    kept = {key for key, metrics in groups.items() if metrics["max"] in chosen}
    assert {(g["attributes"]["member_name"], g["attributes"]["currency"]) for g in body["data"]} == kept


def test_nin_excludes_exact_amounts(client: FlaskClient, rows: list[Row]) -> None:
    groups = expected_groups(rows, ["member_name"])
    excluded = sorted({metrics["max"] for metrics in groups.values()})[:2]
    body = fetch(client, f"group_by=member_name&filter[max][nin]={','.join(str(v) for v in excluded)}")
    kept = {key for key, metrics in groups.items() if metrics["max"] not in excluded}
    assert {(g["attributes"]["member_name"], g["attributes"]["currency"]) for g in body["data"]} == kept


def test_a_filter_that_keeps_no_group_has_empty_totals(client: FlaskClient) -> None:
    body = fetch(client, "group_by=departments&filter[count][gt]=1000000000")
    assert (body["data"], body["meta"]["count"], body["meta"]["grand_totals"]) == ([], 0, [])


def test_totals_per_iso_week_in_chronological_order(client: FlaskClient, rows: list[Row]) -> None:
    expected: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        key = (KEYS["date_week"](row), row.currency)
        expected[key] = expected.get(key, Decimal(0)) + row.amount
    body = fetch(client, "group_by=date_week")
    got = [(g["attributes"]["date_week"], g["attributes"]["currency"]) for g in body["data"]]
    assert got == sorted(expected)  # YYYY-Www labels sort as the weeks run
    assert {key: Decimal(str(g["attributes"]["total"])) for key, g in zip(got, body["data"], strict=True)} == expected
    descending = fetch(client, "group_by=date_week&sort=-date_week")
    assert [g["attributes"]["date_week"] for g in descending["data"]] == [week for week, _ in reversed(got)]


def test_iso_weeks_belong_to_their_iso_year(client_for: Callable[[str], FlaskClient]) -> None:
    client = client_for(HEADER + "IT,P,1.00€,1/1/2021,Sam\nIT,P,2.00€,12/31/2024,Sam\nIT,P,3.00€,1/4/2021,Sam\n")
    body = fetch(client, "group_by=date_week")
    assert [(g["attributes"]["date_week"], g["attributes"]["count"]) for g in body["data"]] == [
        ("2020-W53", 1),
        ("2021-W01", 1),
        ("2025-W01", 1),
    ]


def test_an_average_filter_compares_the_average_as_served(client: FlaskClient, rows: list[Row]) -> None:
    """`filter[average][eq]=X` keeps the groups whose served (half-to-even) average is X, not its floor."""
    groups = expected_groups(rows, ["member_name", "date_month"])
    exact = {key: metrics["total"] / metrics["count"] for key, metrics in groups.items()}
    rounded_up = [key for key in groups if groups[key]["average"] > exact[key]]
    assert rounded_up, "no group's average rounds up: this test could not tell rounding from truncation"
    for key in rounded_up:
        average = groups[key]["average"]
        body = fetch(client, f"group_by=member_name,date_month&filter[average][eq]={average}")
        kept = {tuple(g["attributes"][k] for k in ["member_name", "date_month", "currency"]) for g in body["data"]}
        assert key in kept, (key, average)
