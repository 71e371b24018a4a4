"""The real server as `make run` starts it: gunicorn with the repo's config, over HTTP."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import HEADER, REPO, SAMPLE_CSV


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(csv_path: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "EXPANSES_CSV": str(csv_path), "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": "1"}
    command = [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_config"]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def server() -> Iterator[str]:
    port = free_port()
    process = start(SAMPLE_CSV, port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output


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
    process = start(bad, free_port())
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert f"cannot serve the data file: {bad}, line 3: date '2/30/2021' does not exist" in output
    assert "Traceback" not in output
