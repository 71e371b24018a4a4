"""/metrics for operators: request counts and latency by route, answer-memory hits, the data served,
the last data check; summed over gunicorn's workers. And one request id per request, in every log line."""

from __future__ import annotations

import json
import shutil
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.config import Settings
from tests.conftest import HEADER, SAMPLE_CSV
from tests.jsonapi import error
from tests.live_server import serving


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(page: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return page.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_by_route_and_status_in_one_process(sample_client: FlaskClient) -> None:
    before = samples(sample_client.get("/metrics").get_data(as_text=True))
    for _ in range(3):
        sample_client.get("/expanses/1")
    sample_client.get("/expanses/99999")
    response = sample_client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    after = samples(response.get_data(as_text=True))
    route = {"route": "/expanses/<id>", "method": "GET"}
    ok = "expanses_requests_total"
    assert value(after, ok, **route, status="200") - value(before, ok, **route, status="200") == 3
    assert value(after, ok, **route, status="404") - value(before, ok, **route, status="404") == 1
    count = "expanses_request_duration_seconds_count"
    assert value(after, count, route="/expanses/<id>") - value(before, count, route="/expanses/<id>") == 4
    hits = "expanses_answer_memory_hits_total"
    assert value(after, hits) - value(before, hits) >= 2  # the second and third ask were remembered


def test_metrics_take_no_parameters(sample_client: FlaskClient) -> None:
    error(sample_client.get("/metrics?format=json"), 400, parameter="format")


def test_a_request_id_from_a_client_is_replaced_but_one_from_a_trusted_proxy_is_kept() -> None:
    untrusted = create_app(Settings(csv_path=SAMPLE_CSV)).test_client()
    trusted = create_app(Settings(csv_path=SAMPLE_CSV, trusted_proxies=None)).test_client()
    chosen = {"X-Request-Id": "proxy-id-123"}
    mine = untrusted.get("/expanses/1", headers=chosen).headers["X-Request-Id"]
    assert mine != "proxy-id-123" and len(mine) == 32
    assert trusted.get("/expanses/1", headers=chosen).headers["X-Request-Id"] == "proxy-id-123"
    for bad in ("two words", "x" * 129, "a\tb"):
        assert trusted.get("/expanses/1", headers={"X-Request-Id": bad}).headers["X-Request-Id"] != bad
    refused = trusted.get("/expanses?sort=nope", headers=chosen)
    assert refused.status_code == 400 and refused.headers["X-Request-Id"] == "proxy-id-123"


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
