"""/metrics summed over a real gunicorn's workers, across a data reload; one request id in every log line."""

from __future__ import annotations

import json
import shutil
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.live_server import Server, free_port, serving, start
from tests.integration.test_metrics import samples, value


def scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        return samples(response.read().decode())


def test_metrics_add_up_every_workers_requests_and_follow_data_reloads(tmp_path: Path) -> None:
    data = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, data)
    with serving(data, workers=2) as server:
        base = server.base
        for number in range(1, 41):  # distinct ids: no answer memory, spread over both workers
            with urllib.request.urlopen(f"{base}/expanses/{number}", timeout=10) as response:
                assert response.headers["X-Request-Id"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/expanses?sort=nope", timeout=10)
        refused_id = refused.value.headers["X-Request-Id"]
        refused.value.close()
        pages = [scrape(base) for _ in range(6)]  # whichever worker answers, the sums are the same
        route = {"route": "/expanses/<id>", "method": "GET", "status": "200"}
        assert {value(page, "expanses_requests_total", **route) for page in pages} == {40.0}
        page = pages[-1]
        assert value(page, "expanses_data_rows") == 300
        infos = [labels for name, labels in page if name == "expanses_data_info"]
        assert len(infos) == 1 and dict(infos[0])["file"] == str(data)
        assert value(page, "expanses_data_last_check_timestamp_seconds", result="loaded") > 0

        data.write_text(HEADER + "IT,Gaama,bad,1/2/2021,Sam\n", encoding="utf-8")
        old_workers = server.worker_pids()
        server.process.send_signal(signal.SIGHUP)
        server.wait_for(lambda: not server.worker_pids() & old_workers, "replacement of every worker")
        server.wait_until_ready(base)
        page = scrape(base)
        assert value(page, "expanses_data_last_check_timestamp_seconds", result="refused") > 0
        assert value(page, "expanses_data_rows") == 300
        assert value(page, "expanses_requests_total", **route) == 40  # the old workers' counts are kept
    output = server.output()
    entries = [json.loads(line) for line in output.splitlines()]
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert access and all(len(entry["request_id"]) == 32 for entry in access)
    about_refused = [entry for entry in entries if entry.get("request_id") == refused_id]
    assert {entry["logger"] for entry in about_refused} == {"service.web.errors", "gunicorn.access"}


def replace_every_worker(server: Server) -> None:
    old_workers = server.worker_pids()
    server.process.send_signal(signal.SIGHUP)
    server.wait_for(lambda: not server.worker_pids() & old_workers, "replacement of every worker")
    server.wait_until_ready(server.base)


def test_dead_workers_counts_are_kept_while_their_files_are_not(tmp_path: Path) -> None:
    """Ten reloads replace every worker ten times: the sums stay exact and the files stay few."""
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    with serving(SAMPLE_CSV, workers=2, extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics)}) as server:
        base, asked = server.base, 0
        for reload in range(10):
            for number in range(1, 6):
                with urllib.request.urlopen(f"{base}/expanses/{reload * 5 + number}", timeout=10):
                    asked += 1
            replace_every_worker(server)
        route = {"route": "/expanses/<id>", "method": "GET", "status": "200"}
        assert value(scrape(base), "expanses_requests_total", **route) == asked
        files = sorted(path.name for path in metrics.glob("*.db"))
        # the two live workers' files of each kind, and one archive per kind that adds up
        assert len(files) <= 2 * 3 + 2, files


def test_a_start_refused_leaves_no_metrics_directory(tmp_path: Path) -> None:
    bad, scratch = tmp_path / "bad.csv", tmp_path / "tmp"
    bad.write_text(HEADER + "IT,Gaama,bad,1/2/2021,Sam\n", encoding="utf-8")
    scratch.mkdir()
    server = start(bad, free_port(), 1, {"TMPDIR": str(scratch), "EXPANSES_SNAPSHOT_DIR": str(tmp_path / "s")})
    try:
        assert server.wait(timeout=60) != 0
    finally:
        server.close()
    assert not list(scratch.glob("expanses-metrics-*"))
