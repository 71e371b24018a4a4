"""Contract tests run over HTTP against a live service: `API_BASE_URL`, or gunicorn started here."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.live_server import REPO, running

SAMPLE_CSV = REPO / "data" / "expanses.csv"


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The service under test: `API_BASE_URL` when set (the compose test container), else our own."""
    configured = os.environ.get("API_BASE_URL")
    if configured:
        yield configured.rstrip("/")
        return
    with running(SAMPLE_CSV, workers=2) as base:
        yield base
