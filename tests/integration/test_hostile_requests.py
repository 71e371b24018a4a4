"""Requests a hostile or careless client sends: each gets a JSON:API error, never HTML or another path's answer."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import error


@pytest.mark.parametrize("path", ["/expanses//1", "/expanses//", "/expanses/1//", "/aggregates//"])
def test_doubled_slashes_are_not_redirected(sample_client: FlaskClient, path: str) -> None:
    response = sample_client.get(path, headers={"Host": "evil.example"})
    error(response, 404)
    assert "Location" not in response.headers


@pytest.mark.parametrize("path", ["/static/docs.html", "/static/swagger-initializer.js", "/static/"])
def test_no_files_are_served_outside_the_docs_page(sample_client: FlaskClient, path: str) -> None:
    error(sample_client.get(path), 404)


MALFORMED_HOSTS = [
    *("a b", 'x"y', "x/y", "x<y>", "x:port", "[::1", "x:1:2", "x:70000", "", "a\tb", "my_host"),
    *("-", "a..b", ".", "-a.b", "a-.b", "x:0", "a" * 64 + ".b"),  # bad brackets: test_forwarding.py (live)
]
WELL_FORMED_HOSTS = ["localhost", "api.example.com:8443", "127.0.0.1:8000", "[::1]:8000", "API.Example.com", "0", "a-b"]


@pytest.mark.parametrize("host", MALFORMED_HOSTS)
def test_a_malformed_host_is_a_400_naming_the_header(sample_client: FlaskClient, host: str) -> None:
    for path in ("/expanses/1", "/", "/nowhere"):
        item = error(sample_client.get(path, headers={"Host": host}), 400)
        assert item["source"] == {"header": "Host"}


@pytest.mark.parametrize("host", WELL_FORMED_HOSTS)
def test_well_formed_hosts_name_every_link(sample_client: FlaskClient, host: str) -> None:
    response = sample_client.get("/expanses/1", headers={"Host": host})
    assert response.status_code == 200 and response.json is not None
    assert response.json["data"]["links"]["self"] == f"http://{host}/expanses/1"


def test_a_failed_if_match_on_a_docs_asset_is_not_the_asset(sample_client: FlaskClient) -> None:
    with sample_client.get("/docs/swagger-ui.css", headers={"If-Match": '"nope"'}) as response:
        assert response.status_code == 200 and response.mimetype == "text/css"  # If-Match is not used on reads
