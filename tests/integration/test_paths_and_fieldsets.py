"""What clients in their default settings send: paths with a trailing slash, and empty sparse fieldsets."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import document

PATHS = [
    "/",
    "/health",
    "/expanses",
    "/expanses?filter[member_name]=Sam&sort=-amount&page[size]=3&page[number]=2",
    "/expanses/3",
    "/aggregates?group_by=departments",
    "/openapi.json",
    "/members",
    "/members/Sam",
    "/members/Sam/expanses?include=member&page[size]=3",
    "/expanses/3/member",
    "/expanses/3/relationships/member",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_trailing_slash_gets_the_same_answer(sample_client: FlaskClient, path: str) -> None:
    """Served, not redirected: the same document, whose links name the canonical path."""
    route, _, query = path.partition("?")
    slashed = sample_client.get(f"{route.rstrip('/')}/" + (f"?{query}" if query else ""))
    plain = sample_client.get(path)
    assert (slashed.status_code, plain.status_code) == (200, 200)
    assert "Location" not in slashed.headers
    assert slashed.get_json() == plain.get_json()


@pytest.mark.parametrize("path", ["/expanses//", "/expanses/3//", "/nowhere/", "/members/Sam//", "/members//Sam"])
def test_only_one_trailing_slash_is_forgiven(sample_client: FlaskClient, path: str) -> None:
    assert sample_client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "resource_type"),
    [
        ("/expanses?fields[expanses]=&page[size]=3", "expanses"),
        ("/expanses/3?fields[expanses]=", "expanses"),
        ("/aggregates?group_by=member_name&fields[aggregates]=", "aggregates"),
        ("/members?fields[members]=", "members"),
        ("/expanses/3?fields[expanses]=&include=member&fields[members]=", "expanses"),
    ],
)
def test_an_empty_sparse_fieldset_gives_resources_without_attributes(
    sample_client: FlaskClient, path: str, resource_type: str
) -> None:
    body = document(sample_client.get(path))
    full = document(sample_client.get(path.replace(f"fields[{resource_type}]=", "")))
    resources = body["data"] if isinstance(body["data"], list) else [body["data"]]
    complete = full["data"] if isinstance(full["data"], list) else [full["data"]]
    assert resources and all(resource["attributes"] == {} for resource in resources)
    assert all("relationships" not in resource for resource in resources + body.get("included", []))
    assert [(r["type"], r["id"], r.get("links")) for r in resources] == [
        (r["type"], r["id"], r.get("links")) for r in complete
    ]
    assert body.get("meta", {}).get("count") == full.get("meta", {}).get("count")
