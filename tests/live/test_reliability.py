"""A short soak with faults against the real server (the full one is `make soak`)."""

from __future__ import annotations

from bench.soak import run
from tests.conftest import SAMPLE_CSV


def test_short_soak_with_a_killed_worker_and_a_sigterm_under_load() -> None:
    result = run(SAMPLE_CSV, seconds=6, concurrency=16, kill_at=2.0, workers=2)
    assert result["unexpected_statuses"] == {}
    assert int(str(result["served"])) > 100
    # Only requests in flight on the killed worker may fail: at most one per client thread.
    assert int(str(result["failed_connections"])) <= 16
    assert result["workers_after_kill"] == 2
    assert str(result["killed_worker"]) not in dict(result["rss_end_mb"])  # type: ignore[call-overload]
    assert float(str(result["rss_growth_max"])) < 0.10
    # SIGTERM while requests were in flight: they were answered, and the master exited cleanly.
    assert int(str(result["sigterm_in_flight_served"])) > 0
    assert result["sigterm_in_flight_unexpected"] == {}
    assert result["exit_code_after_sigterm"] == 0
