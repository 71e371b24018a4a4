"""Shared fixtures: apps over the reference data, over the shipped sample, and over ad-hoc CSV text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.config import Settings
from tests import hypothesis_profiles
from tests.reference import REFERENCE_CSV, SKIP_REASON, Row, read_rows

# --- Hypothesis profile (separate from the fixtures below) ---------------------------------------
# Loaded here, before pytest imports any test module: each test's @settings inherits from it.
# Deterministic unless HYPOTHESIS_PROFILE=explore (`make explore`); see tests/hypothesis_profiles.py.
hypothesis_profiles.load()
# --------------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CSV = REPO / "data" / "expanses.csv"
HEADER = "departments,project_name,amount,date,member_name\n"


@pytest.fixture(scope="session")
def reference_rows() -> list[Row]:
    if not REFERENCE_CSV.exists():
        pytest.skip(SKIP_REASON)
    return read_rows()


@pytest.fixture(scope="session")
def app(reference_rows: list[Row]) -> Flask:
    return create_app(Settings(csv_path=REFERENCE_CSV))


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
