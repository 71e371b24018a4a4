"""Real JSON:API client libraries in their default configuration consume the API unchanged:
jsonapi-requests and jsonapi-client (Python), kitsu, devour-client and jsona (Node.js).

Each lists with a filter and a sort, follows pagination to the end, fetches one record and reads
an error; the answers are checked against the API's own documents fetched with plain requests.
Each also fetches `/expanses?include=member`, resolves the first record's member through its
relationship, reads its totals, and walks that member's records by `links.next`: those answers
are computed from the CSV (the shipped sample, which the live server serves).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonapi_client
import jsonapi_requests
import pytest
import requests
from jsonapi_requests.request_factory import ApiClientError

from tests.helpers.live_server import REPO
from tests.helpers.reference import read_rows
from tests.helpers.totals import as_served, totals_by_label

JS_CLIENT = REPO / "tests" / "contract" / "js"
LIST_QUERY = {"filter[member_name]": "Sam", "filter[amount][gte]": "1400", "sort": "-amount", "page[size]": "5"}


def all_matching(base_url: str) -> dict[str, Any]:
    """The reference answer: every matching record, in order, in one page."""
    response = requests.get(f"{base_url}/expanses", params={**LIST_QUERY, "page[size]": "1000"}, timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def first_member() -> dict[str, Any]:
    """What a client must understand of `/expanses?include=member`: the first record's member, with its
    totals, and the ids of that member's records in id order (the related collection's default)."""
    rows = read_rows(REPO / "data" / "expanses.csv")
    name = rows[0].member_name
    return {
        "member": {"type": "members", "id": name, "totals": totals_by_label(rows, "members")[name]},
        "memberWalk": [str(row.id) for row in rows if row.member_name == name],
    }


def as_understood(seen: dict[str, Any]) -> dict[str, Any]:
    """A client's answer with its totals' money read exactly, to compare with `first_member`."""
    return {
        "member": {**seen["member"], "totals": as_served(seen["member"]["totals"])},
        "memberWalk": seen["memberWalk"],
    }


def with_linkage(resource: dict[str, Any]) -> dict[str, Any]:
    """A record as devour keeps it: attributes, and each to-one relationship as its linkage."""
    linkage = {name: relationship["data"] for name, relationship in resource["relationships"].items()}
    return {
        "id": resource["id"],
        "type": resource["type"],
        **resource["attributes"],
        **linkage,
        "links": resource["links"],
    }


def test_python_client_jsonapi_requests(base_url: str) -> None:
    api = jsonapi_requests.Api.config({"API_ROOT": base_url})  # its defaults: a slash appended to every path
    reference = all_matching(base_url)

    first = api.endpoint("expanses").get(params=LIST_QUERY)
    assert [item.id for item in first.data] == [item["id"] for item in reference["data"][:5]]
    assert first.content.meta["count"] == reference["meta"]["count"]
    assert first.data[0].attributes.as_data() == reference["data"][0]["attributes"]

    walked, page, pages = [item.id for item in first.data], first, 1
    while page.content.links.as_data().get("next"):
        assert pages < -(-reference["meta"]["count"] // 5), "links.next goes on past the last page"
        # the client has no link-following call: its endpoints take a path and the parameters apart
        link = urlsplit(page.content.links.as_data()["next"])
        page = api.endpoint(link.path).get(params=dict(parse_qsl(link.query)))
        walked += [item.id for item in page.data]
        pages += 1
    assert walked == [item["id"] for item in reference["data"]]
    assert pages == -(-reference["meta"]["count"] // 5)

    one = api.endpoint("expanses/3").get()
    assert one.data.id == "3" and one.data.type == "expanses"
    assert (
        one.data.attributes.as_data() == requests.get(f"{base_url}/expanses/3", timeout=10).json()["data"]["attributes"]
    )

    with pytest.raises(ApiClientError) as caught:
        api.endpoint("expanses").get(params={"filter[amount][gte]": "abc"})
    assert caught.value.status_code == 400
    [error] = json.loads(caught.value.content)["errors"]
    assert error["source"] == {"parameter": "filter[amount][gte]"}

    # include: the client keeps `included` as it came; a user resolves the linkage by (type, id)
    compound = api.endpoint("expanses").get(params={"include": "member"}).content
    included = {(resource.type, resource.id): resource for resource in compound.included}
    linkage = compound.data[0].relationships["member"].data
    member = included[(linkage.type, linkage.id)]
    related = urlsplit(member.relationships["expanses"].links.as_data()["related"])
    page = api.endpoint(related.path).get()
    member_walk = [item.id for item in page.data]
    while page.content.links.as_data().get("next"):
        link = urlsplit(page.content.links.as_data()["next"])
        page = api.endpoint(link.path).get(params=dict(parse_qsl(link.query)))
        member_walk += [item.id for item in page.data]
    seen = {"type": member.type, "id": member.id, "totals": member.attributes.as_data()["totals"]}
    assert as_understood({"member": seen, "memberWalk": member_walk}) == first_member()


def test_python_client_jsonapi_client(base_url: str) -> None:
    """jsonapi-client's default Session: the member through `r.member`, its records by `links.next`."""
    with jsonapi_client.Session(base_url) as session:
        record = session.get("expanses", jsonapi_client.Inclusion("member")).resources[0]
        member = record.member  # resolved from `included`, no further request
        related = session.fetch_document_by_url(member.relationships.expanses.url)
        member_walk = [item.id for item in related.iterator()]  # follows links.next
        seen = {"type": member.type, "id": member.id, "totals": member.totals}
    assert as_understood({"member": seen, "memberWalk": member_walk}) == first_member()


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make test installs the JS client)")
def test_javascript_client_kitsu(base_url: str) -> None:
    assert (JS_CLIENT / "node_modules" / "kitsu").is_dir(), "run `npm ci` in tests/contract/js (make test does)"
    run = subprocess.run(
        ["node", "client.mjs", base_url], cwd=JS_CLIENT, capture_output=True, text=True, timeout=60, check=True
    )
    seen = json.loads(run.stdout)
    reference = all_matching(base_url)
    expected = [
        {"type": r["type"], "id": r["id"], "links": r["links"], **r["attributes"], **r["relationships"]}
        for r in reference["data"]
    ]
    assert seen["firstPage"] == expected[:5]
    assert seen["count"] == reference["meta"]["count"]
    assert seen["walked"] == [r["id"] for r in reference["data"]]
    assert seen["pages"] == -(-reference["meta"]["count"] // 5)
    one = requests.get(f"{base_url}/expanses/3", timeout=10).json()["data"]
    assert seen["one"] == {
        "type": "expanses",
        "id": "3",
        "links": one["links"],
        **one["attributes"],
        **one["relationships"],
    }
    assert seen["error"]["status"] == 400
    assert seen["error"]["errors"][0]["source"] == {"parameter": "filter[amount][gte]"}
    assert as_understood(seen["included"]) == first_member()


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make test installs the JS clients)")
def test_javascript_client_devour(base_url: str, tmp_path: Path) -> None:
    assert (JS_CLIENT / "node_modules" / "devour-client").is_dir(), "run `npm ci` in tests/contract/js (make test does)"
    out = tmp_path / "devour.json"
    subprocess.run(
        ["node", "devour.mjs", base_url, str(out)], cwd=JS_CLIENT, capture_output=True, timeout=60, check=True
    )
    seen = json.loads(out.read_text(encoding="utf-8"))
    reference = all_matching(base_url)
    assert seen["firstPage"] == [with_linkage(r) for r in reference["data"][:5]]
    assert seen["count"] == reference["meta"]["count"]
    assert seen["walked"] == [r["id"] for r in reference["data"]]
    assert seen["pages"] == -(-reference["meta"]["count"] // 5)
    one = requests.get(f"{base_url}/expanses/3", timeout=10).json()["data"]
    assert seen["one"] == with_linkage(one)
    bad = requests.get(f"{base_url}/expanses", params={"filter[amount][gte]": "abc"}, timeout=10).json()["errors"][0]
    assert seen["error"] == {"0": {"title": bad["title"], "detail": bad["detail"]}}
    assert as_understood(seen["included"]) == first_member()


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make test installs the JS clients)")
def test_javascript_client_jsona(base_url: str) -> None:
    assert (JS_CLIENT / "node_modules" / "jsona").is_dir(), "run `npm ci` in tests/contract/js (make test does)"
    run = subprocess.run(
        ["node", "jsona.mjs", base_url], cwd=JS_CLIENT, capture_output=True, text=True, timeout=60, check=True
    )
    assert as_understood(json.loads(run.stdout)["included"]) == first_member()
