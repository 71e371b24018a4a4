"""Real JSON:API client libraries in their default configuration consume the API unchanged:
jsonapi-requests (Python), kitsu and devour-client (Node.js).

Each lists with a filter and a sort, follows pagination to the end, fetches one record and reads
an error; the answers are checked against the API's own documents fetched with plain requests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonapi_requests
import pytest
import requests
from jsonapi_requests.request_factory import ApiClientError

from tests.helpers.live_server import REPO

JS_CLIENT = REPO / "tests" / "contract" / "js"
LIST_QUERY = {"filter[member_name]": "Sam", "filter[amount][gte]": "1400", "sort": "-amount", "page[size]": "5"}


def all_matching(base_url: str) -> dict[str, Any]:
    """The reference answer: every matching record, in order, in one page."""
    response = requests.get(f"{base_url}/expanses", params={**LIST_QUERY, "page[size]": "1000"}, timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


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


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make test installs the JS client)")
def test_javascript_client_kitsu(base_url: str) -> None:
    assert (JS_CLIENT / "node_modules" / "kitsu").is_dir(), "run `npm ci` in tests/contract/js (make test does)"
    run = subprocess.run(
        ["node", "client.mjs", base_url], cwd=JS_CLIENT, capture_output=True, text=True, timeout=60, check=True
    )
    seen = json.loads(run.stdout)
    reference = all_matching(base_url)
    expected = [{"type": r["type"], "id": r["id"], "links": r["links"], **r["attributes"]} for r in reference["data"]]
    assert seen["firstPage"] == expected[:5]
    assert seen["count"] == reference["meta"]["count"]
    assert seen["walked"] == [r["id"] for r in reference["data"]]
    assert seen["pages"] == -(-reference["meta"]["count"] // 5)
    one = requests.get(f"{base_url}/expanses/3", timeout=10).json()["data"]
    assert seen["one"] == {"type": "expanses", "id": "3", "links": one["links"], **one["attributes"]}
    assert seen["error"]["status"] == 400
    assert seen["error"]["errors"][0]["source"] == {"parameter": "filter[amount][gte]"}


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (make test installs the JS clients)")
def test_javascript_client_devour(base_url: str, tmp_path: Path) -> None:
    assert (JS_CLIENT / "node_modules" / "devour-client").is_dir(), "run `npm ci` in tests/contract/js (make test does)"
    out = tmp_path / "devour.json"
    subprocess.run(
        ["node", "devour.mjs", base_url, str(out)], cwd=JS_CLIENT, capture_output=True, timeout=60, check=True
    )
    seen = json.loads(out.read_text(encoding="utf-8"))
    reference = all_matching(base_url)
    expected = [{"id": r["id"], "type": r["type"], **r["attributes"], "links": r["links"]} for r in reference["data"]]
    assert seen["firstPage"] == expected[:5]
    assert seen["count"] == reference["meta"]["count"]
    assert seen["walked"] == [r["id"] for r in reference["data"]]
    assert seen["pages"] == -(-reference["meta"]["count"] // 5)
    one = requests.get(f"{base_url}/expanses/3", timeout=10).json()["data"]
    assert seen["one"] == {"id": "3", "type": "expanses", **one["attributes"], "links": one["links"]}
    bad = requests.get(f"{base_url}/expanses", params={"filter[amount][gte]": "abc"}, timeout=10).json()["errors"][0]
    assert seen["error"] == {"0": {"title": bad["title"], "detail": bad["detail"]}}
