"""Hand-written contract cases for what generated tests miss, over HTTP against any base URL."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator

from tests.jsonapi import walk
from tests.live_server import REPO

_JSONAPI = Draft202012Validator(json.loads((REPO / "tests" / "schemas" / "jsonapi-1.1.schema.json").read_text()))
API_PATHS = ["/", "/health", "/expanses", "/expanses/1", "/aggregates"]
ALLOWED = {"GET", "HEAD", "OPTIONS"}


def document(response: requests.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/vnd.api+json"
    body: dict[str, Any] = response.json()
    _JSONAPI.validate(body)
    assert body["jsonapi"] == {"version": "1.1"}
    return body


def get(base_url: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(base_url + path, timeout=10, **kwargs)


@pytest.mark.parametrize("path", API_PATHS)
@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/vnd.api+json",
        'application/vnd.api+json; profile="https://x.test/p"',
    ],
)
def test_acceptable_media_types_are_served(base_url: str, path: str, accept: str | None) -> None:
    document(get(base_url, path, headers={"Accept": accept} if accept else {}))


@pytest.mark.parametrize("path", API_PATHS)
def test_jsonapi_accept_with_other_parameters_is_406(base_url: str, path: str) -> None:
    body = document(get(base_url, path, headers={"Accept": "application/vnd.api+json; charset=utf-8"}), 406)
    assert body["errors"][0]["source"] == {"header": "Accept"}


@pytest.mark.parametrize("path", API_PATHS)
def test_jsonapi_content_type_with_parameters_is_415(base_url: str, path: str) -> None:
    headers = {"Content-Type": "application/vnd.api+json; charset=utf-8"}
    body = document(get(base_url, path, headers=headers), 415)
    assert body["errors"][0]["source"] == {"header": "Content-Type"}


@pytest.mark.parametrize("path", API_PATHS + ["/openapi.json", "/docs"])
@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_writes_are_403_with_allow(base_url: str, path: str, method: str) -> None:
    response = requests.request(method, base_url + path, json={"data": {"type": "expanses"}}, timeout=10)
    document(response, 403)
    assert set(response.headers["Allow"].split(", ")) == ALLOWED


@pytest.mark.parametrize("path", API_PATHS)
@pytest.mark.parametrize("method", ["PUT", "TRACE"])
def test_other_methods_are_405_with_allow(base_url: str, path: str, method: str) -> None:
    response = requests.request(method, base_url + path, timeout=10)
    document(response, 405)
    assert set(response.headers["Allow"].split(", ")) == ALLOWED


@pytest.mark.parametrize("path", API_PATHS)
def test_options_allows_exactly_the_read_methods(base_url: str, path: str) -> None:
    response = requests.options(base_url + path, timeout=10)
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == ALLOWED


@pytest.mark.parametrize("path", API_PATHS + ["/expanses?sort=-amount&page[size]=3", "/aggregates?group_by=date_month"])
def test_head_is_get_without_a_body(base_url: str, path: str) -> None:
    head, got = requests.head(base_url + path, timeout=10), get(base_url, path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    # A proxy that gzips (the compose stack's nginx) sends the compressed GET chunked, without a length.
    assert head.headers.get("Content-Encoding") == got.headers.get("Content-Encoding")
    if "Content-Encoding" not in got.headers:
        assert head.headers["Content-Length"] == got.headers["Content-Length"]


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
