"""GET /departments, /projects, /members and one of each, on each exact-answer dataset.

Every label of the data is a resource whose totals and record count are computed here from the
CSV (tests/helpers/totals.py), and equal what /aggregates?group_by=<column> serves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from tests.helpers.jsonapi import document, error, walk
from tests.helpers.reference import Dataset, Row
from tests.helpers.totals import TYPES, as_served, counts_by_label, totals_by_label

ROOT = "http://localhost"


@pytest.fixture(params=list(TYPES))
def resource_type(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_client(dataset: Dataset, both_engines: str) -> Iterator[FlaskClient]:
    """An app built under this test's engine path: the totals are computed when an app starts, so a
    session-wide app would have computed them on the first path only."""
    yield create_app(Settings(csv_path=dataset.path, response_cache_mb=0)).test_client()


def every(client: FlaskClient, path: str) -> list[dict[str, Any]]:
    """Every resource of a collection, walked by links.next."""
    pages = walk(lambda url: document(client.get(url)), f"{path}{'&' if '?' in path else '?'}page[size]=2", 2)
    return [resource for page in pages for resource in page["data"]]


def expected_resource(rows: list[Row], resource_type: str, label: str) -> dict[str, Any]:
    url = f"{ROOT}/{resource_type}/{quote(label, safe='')}"
    return {
        "type": resource_type,
        "id": label,
        "attributes": {"name": label, "totals": totals_by_label(rows, resource_type)[label]},
        "relationships": {
            "expanses": {
                "links": {"related": f"{url}/expanses"},
                "meta": {"count": counts_by_label(rows, resource_type)[label]},
            }
        },
        "links": {"self": url},
    }


def exact(resource: dict[str, Any]) -> dict[str, Any]:
    """A served resource with its totals' money read exactly."""
    return {**resource, "attributes": {**resource["attributes"], "totals": as_served(resource["attributes"]["totals"])}}


def test_a_collection_lists_every_label_by_name_with_its_exact_totals(
    fresh_client: FlaskClient, rows: list[Row], resource_type: str
) -> None:
    labels = sorted(totals_by_label(rows, resource_type))
    served = every(fresh_client, f"/{resource_type}")
    assert [resource["id"] for resource in served] == labels
    assert [exact(resource) for resource in served] == [
        expected_resource(rows, resource_type, label) for label in labels
    ]
    assert document(fresh_client.get(f"/{resource_type}"))["meta"] == {"count": len(labels)}


def test_totals_are_the_aggregate_of_the_label(client: FlaskClient, resource_type: str) -> None:
    """The issue's equality: /members' totals are exactly /aggregates?group_by=member_name's groups."""
    column = {"departments": "departments", "projects": "project_name", "members": "member_name"}[resource_type]
    groups = document(client.get(f"/aggregates?group_by={column}&page[size]=1000"))["data"]
    from_aggregates: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        attributes = dict(group["attributes"])
        from_aggregates.setdefault(attributes.pop(column), []).append(attributes)
    served = {resource["id"]: resource["attributes"]["totals"] for resource in every(client, f"/{resource_type}")}
    assert served == from_aggregates


def test_every_label_is_served_at_its_own_url(client: FlaskClient, rows: list[Row], resource_type: str) -> None:
    for label in sorted(totals_by_label(rows, resource_type)):
        body = document(client.get(f"/{resource_type}/{quote(label, safe='')}"))
        assert exact(body["data"]) == expected_resource(rows, resource_type, label)
        assert body["links"] == {"self": body["data"]["links"]["self"]}


FILTERS = [
    ("filter[name]=Sam", lambda label: label == "Sam"),
    ("filter[name][ne]=Sam", lambda label: label != "Sam"),
    ("filter[name][contains]=A", lambda label: "a" in label.lower()),
    ("filter[name][starts_with]=M", lambda label: label.startswith("M")),
    ("filter[name][in]=IT,HR,Gaama,Ann,nobody", lambda label: label in {"IT", "HR", "Gaama", "Ann", "nobody"}),
    ("filter[name][nin]=IT,Gaama,Ann", lambda label: label not in {"IT", "Gaama", "Ann"}),
    ("filter[name][gte]=J&filter[name][lt]=S", lambda label: "J" <= label < "S"),
]


@pytest.mark.parametrize(("query", "keep"), FILTERS, ids=[query for query, _ in FILTERS])
def test_filters_on_name_take_the_text_operators(
    client: FlaskClient, rows: list[Row], resource_type: str, query: str, keep: Any
) -> None:
    expected = sorted(label for label in totals_by_label(rows, resource_type) if keep(label))
    body = document(client.get(f"/{resource_type}?{query}&page[size]=1000"))
    assert [resource["id"] for resource in body["data"]] == expected
    assert body["meta"]["count"] == len(expected)


def test_sort_by_name_descending_and_pages_by_number(client: FlaskClient, rows: list[Row], resource_type: str) -> None:
    labels = sorted(totals_by_label(rows, resource_type), reverse=True)
    assert [resource["id"] for resource in every(client, f"/{resource_type}?sort=-name")] == labels
    second = document(client.get(f"/{resource_type}?sort=-name&page[size]=2&page[number]=2"))
    assert [resource["id"] for resource in second["data"]] == labels[2:4]
    assert second["links"]["self"] == f"{ROOT}/{resource_type}?sort=-name&page%5Bnumber%5D=2&page%5Bsize%5D=2"


@pytest.mark.parametrize(
    ("fields", "attributes", "relationships"),
    [("name", ["name"], False), ("totals,name", ["name", "totals"], False), ("expanses", [], True), ("", [], False)],
)
def test_sparse_fieldsets_choose_attributes_and_the_relationship(
    client: FlaskClient, resource_type: str, fields: str, attributes: list[str], relationships: bool
) -> None:
    for resource in document(client.get(f"/{resource_type}?fields[{resource_type}]={fields}"))["data"]:
        assert list(resource["attributes"]) == attributes
        assert ("relationships" in resource) is relationships
        assert resource["links"]["self"].startswith(f"{ROOT}/{resource_type}/")


@pytest.mark.parametrize("label", ["nobody", "sam", "Sam ", "%20Sam", "Sam%2F", "%FF"])
def test_a_label_no_record_holds_is_a_404(client: FlaskClient, resource_type: str, label: str) -> None:
    item = error(client.get(f"/{resource_type}/{label}"), 404)
    assert f"/{resource_type} lists them" in item["detail"]
    error(client.get(f"/{resource_type}/{label}/expanses"), 404)
