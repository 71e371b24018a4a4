"""Every label that is hard to put in a URL round-trips through gunicorn, and through nginx in front of it.

Why over real servers: the label `R&D/Ops` is one path segment only if the server hands the app
the path as sent (gunicorn's RAW_URI) and the proxy passes it on unchanged (nginx's `proxy_pass`
without a URI part). Requests are sent with the path exactly as written (http.client), and once
with requests, as a client would.
"""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.helpers.jsonapi import Reply, document
from tests.helpers.live_server import serving
from tests.helpers.nginx_proxy import NGINX_MISSING, nginx_binary, running_apis, running_proxy
from tests.helpers.reference import Row
from tests.helpers.weird_labels import filter_url, json_body, path_of, round_trip, write


def exact_fetch(url: str) -> tuple[int, dict[str, Any]]:
    """GET with the path and query exactly as written: no client resolves `..` or re-escapes anything."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", path_of(url))
        response = connection.getresponse()
        return response.status, json_body(response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def weird(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Row]]:
    return write(tmp_path_factory.mktemp("weird"))


def test_gunicorn_routes_every_weird_label(weird: tuple[Path, list[Row]]) -> None:
    path, rows = weird
    with serving(path) as server:
        round_trip(exact_fetch, server.base, rows)
        for label in sorted({row.member_name for row in rows}):  # as a client sends it
            body = document(Reply.of(requests.get(filter_url(server.base, label), timeout=10)))
            assert [item["id"] for item in body["data"]] == [str(row.id) for row in rows if row.member_name == label]


@pytest.mark.skipif(nginx_binary() is None, reason=NGINX_MISSING)
def test_nginx_passes_every_weird_label_on(weird: tuple[Path, list[Row]], tmp_path: Path) -> None:
    path, rows = weird
    with running_apis(path, count=1) as apis, running_proxy(tmp_path / "nginx", [apis[0].address]) as proxy:
        round_trip(exact_fetch, proxy.base, rows)
        spelled = requests.get(f"{proxy.base}/departments/R%26D%2FOps", timeout=10)
        assert spelled.status_code == 200 and spelled.json()["data"]["id"] == "R&D/Ops"
