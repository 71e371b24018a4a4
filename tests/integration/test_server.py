"""The real server as `make run` starts it: gunicorn with the repo's config, over HTTP."""

from __future__ import annotations

import csv
import json
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import HEADER, SAMPLE_CSV
from tests.live_server import free_port, running, start


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
