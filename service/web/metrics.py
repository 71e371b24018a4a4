"""Prometheus metrics at `/metrics`, correct across gunicorn's worker processes.

Why prometheus_client's multiprocess mode: each sync worker counts its own requests; the
client keeps every process's values in files under PROMETHEUS_MULTIPROC_DIR (named by the
gunicorn master before any worker starts: service/ops/metrics_dir.py) and `/metrics` adds
them up, whichever worker answers. Without that variable (tests, one process) the process's own values are served.
The proxy does not publish `/metrics`: scrape the API's own port.
"""

from __future__ import annotations

import functools
import os
import time

from flask import Flask, Request, Response, g
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from service import handoff
from service.web.policy import takes_no_query

REQUESTS = Counter(
    "expanses_requests", "Requests answered, by route, method and status.", ["route", "method", "status"]
)
LATENCY = Histogram(
    "expanses_request_duration_seconds",
    "Time from the first hook to the finished response, by route.",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ANSWER_MEMORY_HITS = Counter(
    "expanses_answer_memory_hits", "Requests answered from a worker's memory of recent answers."
)
DATA_ROWS = Gauge("expanses_data_rows", "Records served (live workers).", multiprocess_mode="livemax")
DATA_INFO = Gauge(
    "expanses_data_info",
    "The data served: its file and content fingerprint (value 1).",
    ["file", "fingerprint"],
    multiprocess_mode="livemax",
)
DATA_CHECKED = Gauge(
    "expanses_data_last_check_timestamp_seconds",
    "When the master last checked the data file, by result: loaded (served since) or refused (previous data kept).",
    ["result"],
    multiprocess_mode="livemax",
)
_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask, file: str, rows: int, fingerprint: str) -> None:
    """Describe the data served and serve /metrics; `start_clock` and `count` are steps of the pipeline
    (first and last, so they time all the others)."""
    DATA_ROWS.set(rows)
    DATA_INFO.labels(file, fingerprint).set(1)
    result, _, when = os.environ.get(handoff.DATA_CHECK, "").partition(" ")
    if result and when:
        DATA_CHECKED.labels(result).set(float(when))
    app.add_url_rule("/metrics", "metrics", takes_no_query(_metrics))


def start_clock(request: Request) -> None:
    g.started = time.perf_counter()


def count(request: Request, response: Response) -> Response:
    """Count the request by route, method and status, and observe its duration by route."""
    route = request.url_rule.rule if request.url_rule is not None else "(no route)"
    method = request.method if request.method in _METHODS else "(other)"
    _requests(route, method, response.status_code).inc()
    _latency(route).observe(time.perf_counter() - g.get("started", time.perf_counter()))
    return response


# Each series' child is found once: `labels()` checks and joins its values and takes a lock every call.
# Bounded: routes are the app's rules, methods the seven above, statuses the few HTTP defines.
@functools.cache
def _requests(route: str, method: str, status: int) -> Counter:
    return REQUESTS.labels(route, method, str(status))


@functools.cache
def _latency(route: str) -> Histogram:
    return LATENCY.labels(route)


def _metrics() -> Response:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # sums every worker
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
