"""/metrics for operators: request counts and latency by route, answer-memory hits, the data served,
the last data check; summed over gunicorn's workers. And one request id per request, in every log line."""

from __future__ import annotations

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from service.config import Settings
from tests.conftest import SAMPLE_CSV
from tests.helpers.jsonapi import error


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


def test_paths_with_labels_are_counted_by_their_route_not_by_label(sample_client: FlaskClient) -> None:
    """A label is part of the path, so the route (not the path) names the series: one per route, whatever the label."""
    before = samples(sample_client.get("/metrics").get_data(as_text=True))
    for path in ("/members/Sam", "/members/Ann", "/members/R%26D%2FOps", "/members/Sam/expanses", "/expanses/2/member"):
        sample_client.get(path)
    after = samples(sample_client.get("/metrics").get_data(as_text=True))
    ok = "expanses_requests_total"

    def counted(route: str, status: str) -> float:
        return value(after, ok, route=route, method="GET", status=status) - value(
            before, ok, route=route, method="GET", status=status
        )

    assert counted("/members/<id>", "200") == 2 and counted("/members/<id>", "404") == 1
    assert counted("/members/<id>/expanses", "200") == 1
    assert counted("/expanses/<id>/member", "200") == 1
    assert not any("Sam" in str(labels) or "R&D" in str(labels) for _, labels in after)
