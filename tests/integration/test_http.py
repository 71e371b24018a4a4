"""HTTP contract: the root document, media types (406/415), read-only methods, HEAD and OPTIONS."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.jsonapi import document, error


def test_root_points_at_the_resources(sample_client: FlaskClient) -> None:
    body = document(sample_client.get("/"))
    assert body["links"]["self"] == "http://localhost/"
    assert body["meta"]["resources"]["expanses"] == "http://localhost/expanses"
    assert document(sample_client.get(body["meta"]["resources"]["expanses"]))["meta"]["count"] == 300


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/vnd.api+json",
        "application/vnd.api+json; q=0.5",
        'application/vnd.api+json; profile="https://example.com/profiles/x"',
        "text/html, application/vnd.api+json",
        "application/vnd.api+json; charset=utf-8, application/vnd.api+json",
    ],
)
def test_acceptable_accept_headers_are_served(sample_client: FlaskClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    for path in ("/", "/expanses", "/expanses/1"):
        response = sample_client.get(path, headers=headers)
        assert response.status_code == 200
        document(response)


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.api+json; charset=utf-8",
        "application/vnd.api+json; version=1.1, */*",
        'application/vnd.api+json; ext="https://example.com/ext"',
    ],
)
def test_parameterised_jsonapi_accept_is_406(sample_client: FlaskClient, accept: str) -> None:
    for path in ("/", "/expanses"):
        item = error(sample_client.get(path, headers={"Accept": accept}), 406)
        assert item["source"] == {"header": "Accept"}


def test_content_type_with_parameters_is_415(sample_client: FlaskClient) -> None:
    item = error(
        sample_client.get("/expanses", headers={"Content-Type": "application/vnd.api+json; charset=utf-8"}), 415
    )
    assert item["source"] == {"header": "Content-Type"}
    response = sample_client.get("/expanses", headers={"Content-Type": "application/vnd.api+json"})
    assert response.status_code == 200
    document(response)


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/expanses", "/expanses/1"])
def test_writes_are_403_read_only_with_allow(sample_client: FlaskClient, method: str, path: str) -> None:
    response = sample_client.open(path, method=method, json={"data": {"type": "expanses"}})
    item = error(response, 403)
    assert "read-only" in item["detail"]
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_other_methods_are_405_with_allow(sample_client: FlaskClient) -> None:
    response = sample_client.put("/expanses/1")
    error(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_writes_to_unknown_paths_are_404(sample_client: FlaskClient) -> None:
    error(sample_client.post("/nothing"), 404)


@pytest.mark.parametrize("path", ["/", "/expanses?sort=-amount", "/expanses/3"])
def test_head_answers_like_get_without_a_body(sample_client: FlaskClient, path: str) -> None:
    head, get = sample_client.head(path), sample_client.get(path)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_options_lists_the_allowed_methods(sample_client: FlaskClient) -> None:
    response = sample_client.options("/expanses")
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    "path", ["/", "/expanses", "/expanses/0", "/expanses?sort=x", "/nowhere", "/docs", "/openapi.json"]
)
def test_every_response_carries_nosniff_and_cors(sample_client: FlaskClient, path: str) -> None:
    response = sample_client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_preflight_is_answered(sample_client: FlaskClient) -> None:
    headers = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    response = sample_client.options("/expanses", headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_the_docs_page_has_a_strict_csp_and_no_inline_script(sample_client: FlaskClient) -> None:
    response = sample_client.get("/docs")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "default-src 'none'" in csp
    page = response.get_data(as_text=True)
    assert page.count("<script") == page.count("<script src=")
