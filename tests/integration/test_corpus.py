"""The broken-CSV corpus: every file stops start-up naming its line and reason; none half-loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.app import create_app
from service.config import Settings
from service.data.csv_source import CsvFormatError
from tests.conftest import HEADER
from tests.helpers.jsonapi import document

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED: dict[str, list[object] | None] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_and_its_expectations_match() -> None:
    assert set(EXPECTED) == {path.name for path in CORPUS.glob("*.csv")}


@pytest.mark.parametrize("name", sorted(name for name, expected in EXPECTED.items() if expected is not None))
def test_each_broken_file_stops_start_up_with_line_and_reason(name: str) -> None:
    line, reason = EXPECTED[name] or (0, "")
    with pytest.raises(CsvFormatError) as caught:
        create_app(Settings(csv_path=CORPUS / name))
    assert caught.value.line == line
    assert str(reason) in caught.value.reason
    assert str(caught.value).startswith(f"{CORPUS / name}, line {line}: ")


def test_a_header_only_file_serves_an_empty_collection() -> None:
    client = create_app(Settings(csv_path=CORPUS / "header-only.csv")).test_client()
    body = document(client.get("/expanses"))
    assert body["data"] == [] and body["meta"]["count"] == 0
    assert document(client.get("/aggregates"))["data"] == []


def test_a_10_mb_single_field_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "huge-field.csv"
    path.write_text(
        HEADER + "IT,Gaama,4.00€,1/2/2021,Sam\nIT," + "x" * 10_000_000 + ",4€,1/2/2021,Sam\n", encoding="utf-8"
    )
    with pytest.raises(CsvFormatError) as caught:
        create_app(Settings(csv_path=path))
    assert caught.value.line == 3
    assert "field larger than field limit" in caught.value.reason
