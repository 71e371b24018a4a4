"""Forwarding headers through the real gunicorn: a client never chooses a path prefix or the scheme.

Why a live server: gunicorn, not Flask, turns `SCRIPT_NAME` and `X-Forwarded-*` headers into
the WSGI environment; only a proxy named in FORWARDED_ALLOW_IPS may set the scheme.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import SAMPLE_CSV
from tests.helpers.live_server import running


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running(SAMPLE_CSV) as url:
        yield url


def get(base: str, path: str, headers: dict[str, str]) -> tuple[int, str, dict[str, object]]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", json.loads(response.read())
    finally:
        connection.close()


def test_a_script_name_header_does_not_choose_a_path_prefix(base: str) -> None:
    status, content_type, document = get(base, "/docs/expanses", {"SCRIPT_NAME": "/docs"})
    assert status == 404 and content_type == "application/vnd.api+json"
    status, _, document = get(base, "/expanses/1", {"SCRIPT_NAME": "/prefix", "SCRIPT-NAME": "/prefix"})
    assert status == 200
    assert document["data"]["links"]["self"] == f"{base}/expanses/1"  # type: ignore[index]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "off"},
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Protocol": "ssl"},
        {"X-Forwarded-Ssl": "on"},
    ],
)
def test_scheme_headers_from_an_untrusted_client_are_ignored(base: str, headers: dict[str, str]) -> None:
    status, content_type, document = get(base, "/expanses/1", headers)
    assert (status, content_type) == (200, "application/vnd.api+json")
    assert document["data"]["links"]["self"] == f"{base}/expanses/1"  # type: ignore[index]


@pytest.mark.parametrize("host", ["[:::::]", "[::1.2.3.4.5.6.7]:65535", "[::1"])
def test_a_bracketed_host_that_is_no_ipv6_address_is_a_400_naming_the_header(base: str, host: str) -> None:
    status, content_type, document = get(base, "/expanses/1", {"Host": host})
    assert (status, content_type) == (400, "application/vnd.api+json")
    assert document["errors"][0]["source"] == {"header": "Host"}  # type: ignore[index]
