"""Contract tests run over HTTP against a live service: `API_BASE_URL`, or gunicorn started here.

The tables of cases (test_bad_queries.py, test_http_behaviour.py) run each case twice, through
`send`: in-process through the Flask test client, and over HTTP against that live service.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Protocol

import pytest
import requests
from flask import Flask

from tests.helpers.jsonapi import Reply
from tests.helpers.live_server import REPO, running

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


class Send(Protocol):
    def __call__(
        self, method: str, target: str, headers: Mapping[str, str] | None = None, json: object = None
    ) -> Reply: ...


@pytest.fixture(params=["test client", "HTTP"])
def send(request: pytest.FixtureRequest) -> Send:
    """Send one request (`target`: path and query, as written) in-process, or over HTTP to `base_url`.

    Over HTTP only the case's headers are chosen: no `Accept` unless the case sends one
    (requests would add `*/*`). The in-process app serves the shipped sample, like our own server.
    """
    if request.param == "test client":
        app: Flask = request.getfixturevalue("sample_app")

        def in_process(
            method: str, target: str, headers: Mapping[str, str] | None = None, json: object = None
        ) -> Reply:
            response = app.test_client().open(target, method=method, headers=dict(headers or {}), json=json)
            with response:  # closed, as a file it serves must be
                return Reply.of(response)

        return in_process

    base: str = request.getfixturevalue("base_url")

    def over_http(method: str, target: str, headers: Mapping[str, str] | None = None, json: object = None) -> Reply:
        sent: dict[str, str | None] = {"Accept": None, **(headers or {})}
        return Reply.of(requests.request(method, base + target, headers=sent, json=json, timeout=10))

    return over_http
