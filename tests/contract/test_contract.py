"""Hand-written contract cases for what generated tests miss, over HTTP against any base URL.

The tables of bad queries and of HTTP behaviour (negotiation, methods, HEAD, OPTIONS) are
test_bad_queries.py and test_http_behaviour.py, run in-process too.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import yaml

from tests.helpers import jsonapi
from tests.helpers.jsonapi import Reply, walk
from tests.helpers.live_server import REPO


def document(response: requests.Response) -> dict[str, Any]:
    """A 200's JSON:API document, checked by tests/jsonapi.document."""
    assert response.status_code == 200, response.text
    return jsonapi.document(Reply.of(response))


def get(base_url: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(base_url + path, timeout=10, **kwargs)


@pytest.mark.parametrize(
    ("path", "size"),
    [("/expanses", 7), ("/expanses?filter[departments]=HR&sort=-amount", 4), ("/aggregates?group_by=date", 50)],
)
def test_walking_links_next_visits_every_item_once(base_url: str, path: str, size: int) -> None:
    first = document(get(base_url, f"{path}{'&' if '?' in path else '?'}page[size]={size}"))
    pages = walk(lambda url: document(requests.get(url, timeout=10)), first["links"]["self"], size)
    seen = [item["id"] for page in pages for item in page["data"]]
    assert len(seen) == len(set(seen)) == first["meta"]["count"]


def test_the_served_description_is_the_contract(base_url: str) -> None:
    contract = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
    as_json = get(base_url, "/openapi.json")
    assert as_json.headers["Content-Type"] == "application/json"
    assert as_json.json() == contract
    as_yaml = get(base_url, "/openapi.yaml")
    assert as_yaml.headers["Content-Type"] == "application/yaml"
    assert yaml.safe_load(as_yaml.text) == contract


def test_the_docs_page_and_its_assets_are_served_locally(base_url: str) -> None:
    page = get(base_url, "/docs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "swagger-ui-bundle.js" in page.text and "://" not in page.text.split("<body>")[1].split("</script>")[0]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "index.css"):
        assert get(base_url, f"/docs/{asset}").status_code == 200
    view = get(base_url, "/docs/openapi.json")  # what the page shows: every path, only the reads
    assert view.headers["Content-Type"] == "application/json"
    contract = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
    shown = {path: [key for key in item if key != "parameters"] for path, item in view.json()["paths"].items()}
    assert shown == {path: ["get"] for path in contract["paths"]}


@pytest.mark.parametrize(
    "path", ["/expanses?sort=-amount&page[size]=3", "/aggregates?group_by=departments", "/expanses/2"]
)
def test_conditional_get_answers_304_with_the_same_etag(base_url: str, path: str) -> None:
    first = get(base_url, path)
    etag = first.headers["ETag"]
    again = get(base_url, path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # The same entity tag; behind a gzipping proxy the 200 carried it weakened (W/), the empty 304 does not.
    assert again.headers["ETag"].removeprefix("W/") == etag.removeprefix("W/")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
