"""HTTP caching: strong ETags from the data and the normalized request, 304 without rendering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.caching import ResponseMemory
from service.engine import ExpenseTable
from tests.conftest import HEADER


@pytest.mark.parametrize(
    "path", ["/", "/expanses?sort=-amount", "/expanses/3", "/aggregates?group_by=date_year", "/openapi.json"]
)
def test_200s_carry_etag_cache_control_and_vary(sample_client: FlaskClient, path: str) -> None:
    response = sample_client.get(path)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"') and not response.headers["ETag"].startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Vary"] == "Accept"


def test_parameter_order_and_percent_encoding_do_not_change_the_etag(sample_client: FlaskClient) -> None:
    first = sample_client.get("/expanses?filter[member_name]=Sam&sort=-amount&page[size]=5")
    second = sample_client.get("/expanses?page%5Bsize%5D=5&sort=%2Damount&filter%5Bmember_name%5D=Sam")
    other = sample_client.get("/expanses?filter[member_name]=Ann&sort=-amount&page[size]=5")
    assert first.headers["ETag"] == second.headers["ETag"] != other.headers["ETag"]


def test_if_none_match_is_answered_304_without_running_the_query(
    sample_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    etag = sample_client.get("/expanses?sort=-amount").headers["ETag"]

    def must_not_run(*args: object) -> None:
        raise AssertionError("the engine ran for a request the client already has")

    monkeypatch.setattr(ExpenseTable, "find", must_not_run)
    response = sample_client.get("/expanses?sort=-amount", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_a_stale_etag_gets_the_full_answer(sample_client: FlaskClient) -> None:
    response = sample_client.get("/expanses", headers={"If-None-Match": '"not-this-one"'})
    assert response.status_code == 200 and response.headers["ETag"] != '"not-this-one"'


def test_errors_and_health_are_not_cached(sample_client: FlaskClient) -> None:
    assert "ETag" not in sample_client.get("/expanses?sort=nope").headers
    assert "ETag" not in sample_client.get("/nowhere").headers
    health = sample_client.get("/health")
    assert "ETag" not in health.headers and health.headers["Cache-Control"] == "no-store"


def test_other_data_means_other_etags(client_for: Callable[[str], FlaskClient], sample_app: Flask) -> None:
    one = client_for(HEADER + "IT,P,4.00€,1/1/2021,Sam\n").get("/expanses").headers["ETag"]
    two = client_for(HEADER + "IT,P,5.00€,1/1/2021,Sam\n").get("/expanses").headers["ETag"]
    assert one != two != sample_app.test_client().get("/expanses").headers["ETag"]


def test_a_repeated_request_is_answered_from_memory_without_running_the_query(
    sample_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sample_client.get("/expanses?filter[member_name]=Sam&sort=-date")

    def must_not_run(*args: object) -> None:
        raise AssertionError("the engine ran for a request answered a moment ago")

    monkeypatch.setattr(ExpenseTable, "find", must_not_run)
    again = sample_client.get("/expanses?sort=-date&filter%5Bmember_name%5D=Sam")
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"] == "application/vnd.api+json"
    assert again.headers["X-Content-Type-Options"] == "nosniff"


def test_another_host_gets_its_own_links_and_etag(sample_client: FlaskClient) -> None:
    here = sample_client.get("/expanses/3")
    there = sample_client.get("/expanses/3", base_url="http://api.example.com")
    assert here.json is not None and there.json is not None
    assert here.json["data"]["links"]["self"] == "http://localhost/expanses/3"
    assert there.json["data"]["links"]["self"] == "http://api.example.com/expanses/3"
    assert here.headers["ETag"] != there.headers["ETag"]


def test_memory_keeps_the_most_recently_used_bodies_within_its_budget() -> None:
    memory = ResponseMemory(budget_bytes=64)
    for name in "abcd":
        memory.put(name, name.encode() * 4)  # 4 bytes each, under the 4-byte largest-entry cap
    assert memory.get("a") == b"aaaa"
    memory.put("big", b"x" * 5)  # over budget / 16: never kept
    assert memory.get("big") is None
    small = ResponseMemory(budget_bytes=16 * 4)
    for name in "abcdefghijklmnopq":  # 17 entries of 4 bytes: 68 > 64, so the least recently used goes
        small.put(name, b"1234")
        small.get("a")
    assert small.get("a") == b"1234"
    assert small.get("b") is None
    assert small.get("q") == b"1234"


def test_a_zero_budget_remembers_nothing() -> None:
    memory = ResponseMemory(budget_bytes=0)
    memory.put("a", b"{}")
    assert memory.get("a") is None
