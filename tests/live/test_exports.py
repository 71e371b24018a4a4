"""Exports over real HTTP: gunicorn as shipped, and the product's nginx in front of it.

What only a real server shows: a client that stops reading or goes away frees its worker, an
export longer than the worker timeout is not cut, exports beyond the slots are refused while
pages keep answering, and through the proxy an export streams (no temporary file) and is gzipped.
"""

from __future__ import annotations

import csv
import gzip
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.generate import write_csv
from service.web.exports import SEND_TIMEOUT
from tests.helpers.live_server import serving
from tests.helpers.nginx_proxy import NGINX_MISSING, nginx_binary, running_apis, running_proxy

#: Enough rows that an export (about 18 MB) is far more than the sockets' buffers hold.
ROWS = 400_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exports") / "expanses.csv"
    write_csv(path, ROWS, seed=3)
    return path


def _health_seconds(base: str) -> float:
    """How long /health takes to answer (it waits for the one worker to be free)."""
    began = time.monotonic()
    with urllib.request.urlopen(base + "/health", timeout=60) as answer:
        assert answer.status == 200
    return time.monotonic() - began


def _export_socket(base: str, path: str) -> socket.socket:
    """A connection that asked for `path` and read the first bytes of the answer, with a small receive buffer."""
    host, port = base.removeprefix("http://").split(":")
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.connect((host, int(port)))
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    assert connection.recv(1024).startswith(b"HTTP/1.1 200")
    return connection


def test_a_reader_that_stops_reading_frees_the_worker(big_csv: Path) -> None:
    with serving(big_csv, workers=1) as server:
        stalled = _export_socket(server.base, "/expanses.csv")
        try:
            waited = _health_seconds(server.base)
        finally:
            stalled.close()
        assert waited < SEND_TIMEOUT + 10, f"/health waited {waited:.1f} s behind a stalled export"
        assert server.records() == ROWS


def test_a_client_that_goes_away_frees_the_worker_at_once(big_csv: Path) -> None:
    with serving(big_csv, workers=1) as server:
        _export_socket(server.base, "/expanses.ndjson").close()
        assert _health_seconds(server.base) < 5
        before = server.worker_pids()
        assert _health_seconds(server.base) < 5 and server.worker_pids() == before


def test_an_export_outlasting_the_worker_timeout_is_not_cut(big_csv: Path) -> None:
    """WORKER_TIMEOUT=2, a reader with a small buffer taking several seconds: every row arrives, same worker."""
    with serving(big_csv, workers=1, extra_env={"WORKER_TIMEOUT": "2"}) as server:
        workers = server.worker_pids()
        host, port = server.base.removeprefix("http://").split(":")
        with socket.socket() as connection:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            connection.connect((host, int(port)))
            connection.sendall(f"GET /expanses.csv HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())  # ends by closing
            answer = bytearray()
            began = time.monotonic()
            while piece := connection.recv(4096):
                answer += piece
                time.sleep(0.001)
            took = time.monotonic() - began
        head, _, body = bytes(answer).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") or head.startswith(b"HTTP/1.1 200"), head
        assert took > 3, f"the export took {took:.1f} s: too fast to outlast WORKER_TIMEOUT=2"
        assert body.count(b"\r\n") == ROWS + 1, server.output()[-2000:]
        assert server.worker_pids() == workers, server.output()[-2000:]


def test_exports_beyond_the_slots_wait_while_pages_answer(big_csv: Path) -> None:
    """Two workers (one export slot by default): a second export is a 429, a page of JSON:API answers."""
    with serving(big_csv, workers=2) as server:
        first = _export_socket(server.base, "/expanses.csv")
        try:
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(server.base + "/expanses.ndjson", timeout=30)
            refused.value.close()
            assert refused.value.code == 429 and refused.value.headers["Retry-After"].isdigit()
            with urllib.request.urlopen(server.base + "/expanses?page%5Bsize%5D=20", timeout=30) as page:
                assert page.status == 200
        finally:
            first.close()


@pytest.fixture(scope="module")
def proxied(big_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if nginx_binary() is None:
        pytest.skip(NGINX_MISSING)
    with running_apis(big_csv, count=1, workers=1) as apis:
        prefix = tmp_path_factory.mktemp("nginx") / "prefix"
        with running_proxy(prefix, [api.address for api in apis]) as proxy:
            yield proxy.base, prefix


def test_through_the_proxy_an_export_streams_without_a_temporary_file(proxied: tuple[str, Path]) -> None:
    base, prefix = proxied
    slow = _export_socket(base, "/expanses.csv")
    try:
        time.sleep(1.5)  # with buffering on, nginx would now be writing the rest to a temporary file
        spooled = [path for path in (prefix / "proxy_temp").rglob("*") if path.is_file()]
        assert spooled == []
    finally:
        slow.close()


def test_through_the_proxy_an_export_is_gzipped(proxied: tuple[str, Path], big_csv: Path) -> None:
    base, _ = proxied
    request = urllib.request.Request(
        base + "/expanses.ndjson?filter[member_name]=Sam".replace("[", "%5B").replace("]", "%5D"),
        headers={"Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.headers["Content-Encoding"] == "gzip"
        assert "X-Accel-Buffering" not in answer.headers
        lines = gzip.decompress(answer.read()).decode().splitlines()
    with big_csv.open(newline="", encoding="utf-8") as file:
        expected = sum(1 for row in csv.DictReader(file) if row["member_name"].strip() == "Sam")
    assert len(lines) == expected and all(line.startswith('{"id":"') for line in lines)
