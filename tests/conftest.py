"""Shared fixtures: apps over each exact-answer dataset, over the shipped sample, and over ad-hoc CSV text."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from service.engine import thresholds
from tests.helpers import hypothesis_profiles
from tests.helpers.reference import DATASETS, SKIP_REASON, Dataset, Row, read_rows
from tests.helpers.reference import SAMPLE_CSV as SAMPLE_CSV  # other test modules import it from here

# --- Hypothesis profile (separate from the fixtures below) ---------------------------------------
# Loaded here, before pytest imports any test module: each test's @settings inherits from it.
# Deterministic unless HYPOTHESIS_PROFILE=explore (`make explore`); see tests/helpers/hypothesis_profiles.py.
hypothesis_profiles.load()
# --------------------------------------------------------------------------------------------------

HEADER = "departments,project_name,amount,date,member_name\n"


@pytest.fixture(scope="session", params=list(DATASETS))
def dataset(request: pytest.FixtureRequest) -> Dataset:
    """Each test of exact answers runs on the shipped sample, and on the user's reference file where present."""
    chosen = DATASETS[request.param]
    if chosen.name == "reference" and not chosen.path.exists():
        pytest.skip(SKIP_REASON)
    return chosen


@pytest.fixture(scope="session")
def rows(dataset: Dataset) -> list[Row]:
    """The dataset's rows as read by tests/helpers/reference.py, never by the service."""
    return read_rows(dataset.path)


@pytest.fixture(scope="session")
def app(dataset: Dataset) -> Flask:
    """With no memory of answers: each test computes its answers on the engine path it runs (`both_engines`),
    instead of getting what an earlier run of the same test on another path left in memory."""
    return create_app(Settings(csv_path=dataset.path, response_cache_mb=0))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def sample_app() -> Flask:
    """The shipped sample: for tests of behaviour that need no exact reference answers."""
    return create_app(Settings(csv_path=SAMPLE_CSV))


@pytest.fixture
def sample_client(sample_app: Flask) -> FlaskClient:
    return sample_app.test_client()


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write CSV text (header included by the caller) to a temporary file."""

    def write(text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / "expanses.csv"
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def client_for(csv_file: Callable[[str], Path]) -> Iterator[Callable[[str], FlaskClient]]:
    """A test client over a small CSV written for one test."""

    def build(text: str) -> FlaskClient:
        return create_app(Settings(csv_path=csv_file(text))).test_client()

    yield build


@pytest.fixture(params=["plain Python", "in-memory engine", "default engine", "indexed pages"])
def both_engines(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on every way the engine answers, each on its own side of a size threshold.

    Why: small tables answer aggregates in plain Python (`service.engine.thresholds.PLAIN_AGGREGATE_ROWS`)
    and run their plans on Polars' in-memory engine, large ones use Polars plans on its default
    (streaming) engine (`IN_MEMORY_ROWS`) and find first pages through an index (`INDEX_ROWS`,
    service/engine/indexed.py); most test files are small, so without this only the first ways
    would be tested. Modules of exact answers use it with
    `pytestmark = pytest.mark.usefixtures("both_engines")`.
    """
    plain, in_memory, indexed = {
        "plain Python": (True, True, False),
        "in-memory engine": (False, True, False),
        "default engine": (False, False, False),
    }.get(request.param, (False, True, True))
    monkeypatch.setattr(thresholds, "PLAIN_AGGREGATE_ROWS", sys.maxsize if plain else -1)
    monkeypatch.setattr(thresholds, "IN_MEMORY_ROWS", sys.maxsize if in_memory else -1)
    monkeypatch.setattr(thresholds, "INDEX_ROWS", -1 if indexed else sys.maxsize)
    return str(request.param)
