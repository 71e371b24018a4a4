"""`include`: compound documents on /expanses (pages by number and by cursor), one record and a label's records.

What JSON:API 1.1 asks ("Compound Documents", "Inclusion of Related Resources") and what the API
chose where it leaves a choice (docs/decisions/0011-relationships.md): each included resource
once, in the order the records first name it, with its totals; full linkage; `included: []` for
`include=`; no `included` without `include`; a relationship left out by `fields[expanses]`
loses its linkage but its resources are still included.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import document, error
from tests.helpers.reference import Row
from tests.helpers.totals import TYPES, as_served, counts_by_label, label_of, totals_by_label

PROFILED = {
    "Accept": 'application/vnd.api+json; profile="https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"'
}
CURSOR_PROFILE = "https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"
RELATIONSHIP_TYPES = {relationship: resource_type for resource_type, (_, relationship) in TYPES.items()}


def expected_included(records: list[Row], include: list[str], rows: list[Row]) -> list[tuple[str, str]]:
    """(type, id) of every resource to include, once, in the order the records first name them."""
    found: list[tuple[str, str]] = []
    for record in records:
        for relationship in include:
            key = (RELATIONSHIP_TYPES[relationship], label_of(record, RELATIONSHIP_TYPES[relationship]))
            if key not in found:
                found.append(key)
    return found


def check_included(body: dict[str, Any], rows: list[Row], records: list[Row], include: list[str]) -> None:
    """Every resource to include, once, with its exact totals and count; full linkage from the data."""
    assert [(r["type"], r["id"]) for r in body["included"]] == expected_included(records, include, rows)
    for resource in body["included"]:
        label, resource_type = resource["id"], resource["type"]
        assert as_served(resource["attributes"]["totals"]) == totals_by_label(rows, resource_type)[label]
        assert resource["relationships"]["expanses"]["meta"]["count"] == counts_by_label(rows, resource_type)[label]
        assert resource["links"]["self"] == f"http://localhost/{resource_type}/{quote(label, safe='')}"
    data = body["data"] if isinstance(body["data"], list) else [body["data"]]
    linked = {(r["data"]["type"], r["data"]["id"]) for item in data for r in item.get("relationships", {}).values()}
    assert {(r["type"], r["id"]) for r in body["included"]} <= linked


INCLUDES = ["member", "department,project,member", "project,project", "member,department"]


@pytest.mark.parametrize("include", INCLUDES)
def test_a_page_includes_each_related_resource_once(client: FlaskClient, rows: list[Row], include: str) -> None:
    kept = [r for r in rows if r.member_name == "Sam"]
    order = sorted(kept, key=lambda r: (-r.amount, r.id))[5:10]
    body = document(
        client.get(f"/expanses?filter[member_name]=Sam&sort=-amount&page[size]=5&page[number]=2&include={include}")
    )
    assert [item["id"] for item in body["data"]] == [str(r.id) for r in order]
    check_included(body, rows, order, list(dict.fromkeys(include.split(","))))


def test_every_page_of_the_collection_includes_what_its_records_name(client: FlaskClient, rows: list[Row]) -> None:
    for number in range(1, -(-len(rows) // 40) + 1):
        body = document(client.get(f"/expanses?page[size]=40&page[number]={number}&include=department,project,member"))
        check_included(body, rows, rows[(number - 1) * 40 : number * 40], ["department", "project", "member"])


def test_one_record_includes_its_related_resources(client: FlaskClient, rows: list[Row]) -> None:
    for row in rows[:10]:
        body = document(client.get(f"/expanses/{row.id}?include=member,project"))
        check_included(body, rows, [row], ["member", "project"])


def test_a_cursor_page_includes_what_its_records_name(client: FlaskClient, rows: list[Row]) -> None:
    order = sorted(rows, key=lambda r: (r.project_name, -r.amount, r.id))
    first = document(
        client.get("/expanses?sort=project_name,-amount&page[size]=7&include=project", headers=PROFILED), CURSOR_PROFILE
    )
    check_included(first, rows, order[:7], ["project"])
    after = document(client.get(first["links"]["next"]), CURSOR_PROFILE)
    assert [item["id"] for item in after["data"]] == [str(r.id) for r in order[7:14]]
    check_included(after, rows, order[7:14], ["project"])
    assert "include=project" in first["links"]["next"]


def test_a_labels_records_include_their_resources(client: FlaskClient, rows: list[Row]) -> None:
    kept = [r for r in rows if r.departments == "IT"][:20]
    body = document(client.get("/departments/IT/expanses?include=department,member"))
    check_included(body, rows, kept, ["department", "member"])
    assert body["included"][0] == document(client.get("/departments/IT"))["data"]


def test_include_empty_asks_for_nothing_and_no_include_gives_no_included(client: FlaskClient) -> None:
    assert document(client.get("/expanses?page[size]=3&include="))["included"] == []
    assert document(client.get("/expanses/1?include="))["included"] == []
    assert "included" not in document(client.get("/expanses?page[size]=3"))
    assert "included" not in document(client.get("/expanses/1"))


def test_included_resources_obey_their_sparse_fieldsets(client: FlaskClient) -> None:
    query = "include=member,department&fields[members]=name&fields[departments]=expanses&page[size]=10"
    body = document(client.get(f"/expanses?{query}"))
    for resource in body["included"]:
        if resource["type"] == "members":
            assert resource["attributes"] == {"name": resource["id"]} and "relationships" not in resource
        else:
            assert resource["attributes"] == {} and list(resource["relationships"]) == ["expanses"]


def test_a_relationship_left_out_of_the_fieldset_is_still_included(client: FlaskClient, rows: list[Row]) -> None:
    """The sparse-fieldset exception to full linkage (JSON:API 1.1, "Compound Documents"), as the spec's
    own example `GET /articles?include=author&fields[articles]=title,body` answers."""
    body = document(client.get("/expanses?fields[expanses]=amount&include=member&page[size]=5"))
    assert all("relationships" not in item for item in body["data"])
    assert [(r["type"], r["id"]) for r in body["included"]] == expected_included(rows[:5], ["member"], rows)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/expanses?include=expanses", "expanses can include department, project, member"),
        ("/expanses?include=member.expanses", "one relationship long"),
        ("/expanses/1?include=owner", "Cannot include 'owner'"),
        ("/members/Sam/expanses?include=members", "Cannot include 'members'"),
        ("/members?include=expanses", "not supported here"),
        ("/members/Sam?include=expanses", "not supported here"),
        ("/expanses/1/member?include=expanses", "not supported here"),
        ("/aggregates?include=member", "not supported here"),
    ],
)
def test_what_cannot_be_included_is_a_400_naming_include(client: FlaskClient, path: str, words: str) -> None:
    assert words in error(client.get(path), 400, "include")["detail"]
