"""Every label that is hard to put in a URL round-trips in-process (tests/helpers/weird_labels.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.app import create_app
from service.config import Settings
from tests.helpers.jsonapi import document
from tests.helpers.weird_labels import filter_url, json_body, path_of, round_trip, segment, write


def test_every_weird_label_round_trips(tmp_path: Path) -> None:
    path, rows = write(tmp_path)
    client = create_app(Settings(csv_path=path)).test_client()

    def fetch(url: str) -> tuple[int, dict[str, Any]]:
        response = client.get(path_of(url))
        return response.status_code, json_body(response.get_data())

    round_trip(fetch, "http://localhost", rows)


def test_a_label_that_spells_a_path_is_one_segment(tmp_path: Path) -> None:
    """`x/expanses` is a project, not the records of a project `x`; `R&D/Ops` is one department."""
    path, _ = write(tmp_path)
    client = create_app(Settings(csv_path=path)).test_client()
    assert document(client.get(f"/projects/{segment('x/expanses')}"))["data"]["id"] == "x/expanses"
    assert client.get("/projects/x/expanses").status_code == 404
    assert document(client.get("/departments/R%26D%2FOps/expanses"))["meta"]["count"] == 2
    assert client.get("/departments/R&D/Ops").status_code == 404


def test_any_escaping_of_a_label_names_the_same_resource_and_etag(tmp_path: Path) -> None:
    path, _ = write(tmp_path)
    client = create_app(Settings(csv_path=path)).test_client()
    canonical = client.get("/members/Zo%C3%AB%20%C3%96lund")
    for spelled in ("/members/Zoë Ölund", "/members/Zo%c3%ab%20%c3%96lund", "/members/%5A%6F%C3%AB%20%C3%96lund"):
        again = client.get(spelled)
        assert again.get_data() == canonical.get_data() and again.headers["ETag"] == canonical.headers["ETag"]


def test_a_label_is_found_by_filter_as_served(tmp_path: Path) -> None:
    path, rows = write(tmp_path)
    client = create_app(Settings(csv_path=path)).test_client()
    for label in sorted({row.member_name for row in rows}):
        body = document(client.get(path_of(filter_url("http://localhost", label))))
        assert [item["id"] for item in body["data"]] == [str(row.id) for row in rows if row.member_name == label]
