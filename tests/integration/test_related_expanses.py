"""GET /{type}/{id}/expanses: the whole /expanses query language, scoped to one label, links pointing back to it.

Expected records and orders come from the reference reader's rows, filtered and sorted here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import document, error, walk
from tests.helpers.reference import Row
from tests.helpers.totals import TYPES, counts_by_label, label_of

pytestmark = pytest.mark.usefixtures("both_engines")

PROFILE = "https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"
PROFILED = {"Accept": f'application/vnd.api+json; profile="{PROFILE}"'}


def labels(rows: list[Row]) -> list[tuple[str, str]]:
    return [(resource_type, label) for resource_type in TYPES for label in sorted(counts_by_label(rows, resource_type))]


def test_each_labels_records_in_id_order_by_page_number(client: FlaskClient, rows: list[Row]) -> None:
    for resource_type, label in labels(rows):
        path = f"/{resource_type}/{quote(label, safe='')}/expanses"
        pages = walk(lambda url: document(client.get(url)), f"{path}?page[size]=7", 7)
        expected = [str(r.id) for r in rows if label_of(r, resource_type) == label]
        assert [item["id"] for page in pages for item in page["data"]] == expected
        assert pages[0]["meta"] == {"count": len(expected)}
        assert all(page["links"]["self"].startswith(f"http://localhost{path}?") for page in pages)


QUERIES = [
    ("filter[amount][gte]=1400&sort=-amount", lambda r: r.amount >= Decimal(1400), lambda r: (-r.amount, r.id)),
    (
        "filter[date][lt]=2022-01-01&sort=date,-amount",
        lambda r: r.date < date(2022, 1, 1),
        lambda r: (r.date, -r.amount, r.id),
    ),
    (
        "filter[project_name][contains]=a&sort=project_name",
        lambda r: "a" in r.project_name.lower(),
        lambda r: (r.project_name, r.id),
    ),
    ("filter[member_name]=Ann", lambda r: r.member_name == "Ann", lambda r: r.id),
]


@pytest.mark.parametrize(("query", "keep", "order"), QUERIES, ids=[query for query, *_ in QUERIES])
def test_filters_and_sorts_apply_within_the_label(client: FlaskClient, rows: list[Row], query, keep, order) -> None:
    for label in ("Sam", "Ann"):
        expected = sorted((r for r in rows if r.member_name == label and keep(r)), key=order)
        body = document(client.get(f"/members/{label}/expanses?{query}&fields[expanses]=amount,member&page[size]=1000"))
        assert [item["id"] for item in body["data"]] == [str(r.id) for r in expected]
        assert body["meta"]["count"] == len(expected)
        assert all(item["relationships"]["member"]["data"]["id"] == label for item in body["data"])


def test_a_cursor_walk_sees_the_labels_records_once_each_in_order(client: FlaskClient, rows: list[Row]) -> None:
    expected = [
        str(r.id)
        for r in sorted((r for r in rows if r.departments == "IT"), key=lambda r: (r.member_name, -r.amount, r.id))
    ]
    url: str | None = "/departments/IT/expanses?sort=member_name,-amount&page[size]=6"
    seen: list[str] = []
    headers = PROFILED
    while url:
        body = document(client.get(url, headers=headers), PROFILE)
        seen += [item["id"] for item in body["data"]]
        assert body["links"]["first"].startswith("http://localhost/departments/IT/expanses?")
        url, headers = body["links"]["next"], {}
    assert seen == expected


def test_a_cursor_is_refused_on_another_label_and_on_the_whole_collection(client: FlaskClient) -> None:
    first = document(client.get("/members/Sam/expanses?sort=-amount&page[size]=3", headers=PROFILED), PROFILE)
    cursor = first["data"][-1]["meta"]["page"]["cursor"]
    for path in ("/members/Ann/expanses", "/departments/Sam/expanses", "/expanses"):
        item = error(client.get(f"{path}?sort=-amount&page[after]={cursor}"), 400, "page[after]")
        assert "made for another sort or other filters" in item["detail"] or "no longer holds" in item["detail"]
    # the same rows in the same order: a label's records are /expanses filtered on the label
    same = document(
        client.get(f"/expanses?filter[member_name]=Sam&sort=-amount&page[size]=3&page[after]={cursor}"), PROFILE
    )
    after = document(client.get(first["links"]["next"]), PROFILE)
    assert [item["id"] for item in same["data"]] == [item["id"] for item in after["data"]]


def test_the_labels_related_link_leads_to_its_records(client: FlaskClient, rows: list[Row]) -> None:
    member = document(client.get("/members/Jennifer"))["data"]["relationships"]["expanses"]
    body = document(client.get(member["links"]["related"]))
    assert body["meta"]["count"] == member["meta"]["count"] == sum(r.member_name == "Jennifer" for r in rows)
