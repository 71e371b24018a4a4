"""The real server as `make run` starts it: gunicorn with the repo's config, over HTTP."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.live_server import free_port, running, start


@pytest.fixture
def server() -> Iterator[str]:
    with running(SAMPLE_CSV) as base:
        yield base


def test_gunicorn_serves_the_shipped_sample(server: str) -> None:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as handle:
        rows = len(list(csv.DictReader(handle)))
    request = urllib.request.Request(server + "/expanses?page[size]=1", headers={"Accept": "application/vnd.api+json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Type"] == "application/vnd.api+json"
        body = json.load(response)
    assert body["meta"]["count"] == rows == 300
    assert body["links"]["next"].startswith(server + "/expanses?")


def test_a_bad_file_stops_start_up_with_file_line_and_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "IT,Gaama,4.00€,1/1/2021,Sam\nIT,Gaama,4.00€,2/30/2021,Sam\n", encoding="utf-8")
    server = start(bad, free_port())
    with closing(server):
        assert server.wait(timeout=60) != 0
        output = server.output()
    assert f"cannot serve the data file: {bad}, line 3: date '2/30/2021' does not exist" in output
    assert "Traceback" not in output


def test_in_the_container_a_file_that_is_not_there_is_refused_with_how_to_put_it_there(tmp_path: Path) -> None:
    """The image sets EXPANSES_DATA_MOUNT; a host path given as EXPANSES_CSV gets the fix in the refusal (issue 25)."""
    missing = tmp_path / "on-the-host.csv"
    server = start(
        missing, free_port(), 1, {"EXPANSES_DATA_MOUNT": "/data", "EXPANSES_SNAPSHOT_DIR": str(tmp_path / "s")}
    )
    with closing(server):
        assert server.wait(timeout=60) == 3
        output = server.output()
    assert f"cannot serve the data file: {missing}" in output
    assert "mount the file's directory at /data" in output and "make stack-up" in output


def raw_request(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_request_limits_and_banner(server: str) -> None:
    ok = raw_request(server, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b"\r\nServer: gunicorn\r\n" in ok  # the name only, no version, no framework
    long_line = b"GET /expanses?sort=" + b"a" * 8200 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw_request(server, long_line).startswith(b"HTTP/1.1 414")
    many_fields = b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(101)) + b"\r\n"
    assert raw_request(server, many_fields).startswith(b"HTTP/1.1 431")
    big_field = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8200 + b"\r\n\r\n"
    assert raw_request(server, big_field).startswith(b"HTTP/1.1 431")


def test_a_stuck_worker_is_replaced_after_the_timeout(tmp_path: Path) -> None:
    port = free_port()
    env_timeout = {"GUNICORN_CMD_ARGS": "--timeout 2"}
    server = start(SAMPLE_CSV, port, workers=1, extra_env=env_timeout)
    with closing(server):
        base = f"http://127.0.0.1:{port}"
        try:
            server.wait_until_ready(base)
            first = wait_for_worker(server.process.pid, previous=None)
            os.kill(first, signal.SIGSTOP)  # a worker that no longer answers or heartbeats
            replacement = wait_for_worker(server.process.pid, previous=first)
            assert replacement != first
            urllib.request.urlopen(base + "/health", timeout=10).close()
        finally:
            server.process.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        assert "WORKER TIMEOUT" in server.output()


def wait_for_worker(master: int, previous: int | None) -> int:
    """The pid of a worker of `master` other than `previous`, within 20 s."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
        pids = [int(pid) for pid in out.split() if int(pid) != previous]
        if pids:
            return pids[0]
        time.sleep(0.2)
    raise AssertionError("no new worker within 20 s")
