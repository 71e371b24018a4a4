"""Relationships of every expanse (linkage and links), its related resources and its relationship documents.

Expected values: each row's labels as the reference reader reads the CSV, and each label's totals
(tests/helpers/totals.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import document, error
from tests.helpers.reference import Row
from tests.helpers.totals import TYPES, as_served, counts_by_label, label_of, totals_by_label

ROOT = "http://localhost"
RELATIONSHIPS = {relationship: resource_type for resource_type, (_, relationship) in TYPES.items()}


def expected_relationships(row: Row) -> dict[str, Any]:
    url = f"{ROOT}/expanses/{row.id}"
    return {
        relationship: {
            "links": {"self": f"{url}/relationships/{relationship}", "related": f"{url}/{relationship}"},
            "data": {"type": resource_type, "id": label_of(row, resource_type)},
        }
        for relationship, resource_type in RELATIONSHIPS.items()
    }


def test_every_record_has_its_department_project_and_member(client: FlaskClient, rows: list[Row]) -> None:
    body = document(client.get("/expanses?page[size]=1000"))
    assert [resource["relationships"] for resource in body["data"]] == [expected_relationships(r) for r in rows]
    for row in rows[:20]:
        one = document(client.get(f"/expanses/{row.id}"))["data"]
        assert one["relationships"] == expected_relationships(row)
        assert list(one) == ["type", "id", "attributes", "relationships", "links"]


@pytest.mark.parametrize("relationship", list(RELATIONSHIPS))
def test_the_related_resource_is_the_records_label_with_its_totals(
    client: FlaskClient, rows: list[Row], relationship: str
) -> None:
    resource_type = RELATIONSHIPS[relationship]
    totals, counts = totals_by_label(rows, resource_type), counts_by_label(rows, resource_type)
    for row in rows:
        label = label_of(row, resource_type)
        body = document(client.get(f"/expanses/{row.id}/{relationship}"))
        assert body["links"] == {"self": f"{ROOT}/expanses/{row.id}/{relationship}"}
        data = body["data"]
        assert (data["type"], data["id"], data["attributes"]["name"]) == (resource_type, label, label)
        assert as_served(data["attributes"]["totals"]) == totals[label]
        assert data["relationships"]["expanses"]["meta"] == {"count": counts[label]}
        assert data["links"] == {"self": f"{ROOT}/{resource_type}/{quote(label, safe='')}"}


@pytest.mark.parametrize("relationship", list(RELATIONSHIPS))
def test_the_relationship_document_is_the_linkage_with_both_links(
    client: FlaskClient, rows: list[Row], relationship: str
) -> None:
    for row in rows:
        body = document(client.get(f"/expanses/{row.id}/relationships/{relationship}"))
        url = f"{ROOT}/expanses/{row.id}"
        assert body == {
            "links": {"self": f"{url}/relationships/{relationship}", "related": f"{url}/{relationship}"},
            "data": expected_relationships(row)[relationship]["data"],
            "jsonapi": {"version": "1.1"},
        }


def test_every_link_of_a_record_leads_where_it_says(client: FlaskClient, rows: list[Row]) -> None:
    """Following each relationship's links (as a client does) answers the linkage and the related resource."""
    resource = document(client.get(f"/expanses/{rows[-1].id}"))["data"]
    for relationship in resource["relationships"].values():
        linkage = document(client.get(relationship["links"]["self"]))
        assert linkage["data"] == relationship["data"]
        related = document(client.get(relationship["links"]["related"]))["data"]
        assert {"type": related["type"], "id": related["id"]} == relationship["data"]
        assert document(client.get(related["links"]["self"]))["data"] == related


@pytest.mark.parametrize(
    ("fields", "kept"),
    [("amount", []), ("amount,member", ["member"]), ("project,department", ["department", "project"]), ("", [])],
)
def test_fields_of_expanses_choose_relationships_as_they_choose_attributes(
    client: FlaskClient, fields: str, kept: list[str]
) -> None:
    resource = document(client.get(f"/expanses/2?fields[expanses]={fields}"))["data"]
    assert list(resource.get("relationships", {})) == kept
    assert "relationships" in resource if kept else "relationships" not in resource


@pytest.mark.parametrize(
    "path",
    [
        "/expanses/0/member",
        "/expanses/9999/member",
        "/expanses/x/relationships/member",
        "/expanses/1/owner",
        "/expanses/1/relationships/owner",
        "/expanses/1/relationships",
        "/members/Sam/relationships/expanses",
    ],
)
def test_what_is_not_there_is_a_404(client: FlaskClient, path: str) -> None:
    error(client.get(path), 404)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("include=member", "include"), ("fields[members]=name", "fields[members]"), ("page[size]=1", "page[size]")],
)
def test_a_relationship_document_takes_no_parameter(client: FlaskClient, query: str, parameter: str) -> None:
    item = error(client.get(f"/expanses/1/relationships/member?{query}"), 400, parameter)
    if parameter == "include":
        assert "nothing can be included" in item["detail"]
