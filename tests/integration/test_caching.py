"""HTTP caching: strong ETags from the data and the normalized request, 304 without rendering."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from service.engine.table import ExpenseTable
from service.web.caching import ResponseMemory
from tests.conftest import HEADER, SAMPLE_CSV


@pytest.mark.parametrize(
    "path", ["/", "/expanses?sort=-amount", "/expanses/3", "/aggregates?group_by=date_year", "/openapi.json"]
)
def test_200s_carry_etag_cache_control_and_vary(sample_client: FlaskClient, path: str) -> None:
    response = sample_client.get(path)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"') and not response.headers["ETag"].startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Vary"] == "Accept"


def test_percent_encoding_does_not_change_the_etag_but_parameter_order_does(sample_client: FlaskClient) -> None:
    first = sample_client.get("/expanses?filter[member_name]=Sam&sort=-amount&page[size]=5")
    encoded = sample_client.get("/expanses?filter%5Bmember_name%5D=Sam&sort=%2Damount&page%5Bsize%5D=5")
    reordered = sample_client.get("/expanses?page[size]=5&sort=-amount&filter[member_name]=Sam")
    assert first.json is not None and reordered.json is not None
    assert first.data == encoded.data and first.headers["ETag"] == encoded.headers["ETag"]
    # links repeat the parameters in the client's order, so the bodies differ and so must the ETags
    assert first.json["links"]["self"] != reordered.json["links"]["self"]
    assert first.headers["ETag"] != reordered.headers["ETag"]


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
    again = sample_client.get("/expanses?filter%5Bmember_name%5D=Sam&sort=%2Ddate")
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
    memory = ResponseMemory(budget_bytes=16 * 1024)
    memory.put("huge", b"x" * 1024)  # over budget / 16: never kept, it would evict everything else
    assert memory.get("huge") is None
    for number in range(1000):
        memory.put(f"key-{number}", b"body %d" % number)
        assert memory.get("key-0") == b"body 0"  # used again each time: the least recently used goes
    assert memory.get("key-999") == b"body 999"
    assert memory.get("key-1") is None


def test_memory_counts_what_its_entries_really_cost() -> None:
    """Tens of thousands of small answers must stay within the budget as the process measures it."""
    budget = 1024 * 1024
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        memory = ResponseMemory(budget_bytes=budget)
        for number in range(40_000):
            memory.put(f'"{number:032x}"', b'{"data":[],"meta":{"count":%d}}' % number)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert memory.get(f'"{39_999:032x}"') is not None
    assert used <= budget * 1.1, f"{used} bytes held for a budget of {budget}"


def test_a_zero_budget_remembers_nothing() -> None:
    memory = ResponseMemory(budget_bytes=0)
    memory.put("a", b"{}")
    assert memory.get("a") is None


def fresh_client() -> FlaskClient:
    """An app whose answer memory is empty, so a test decides what is remembered first."""
    return create_app(Settings(csv_path=SAMPLE_CSV)).test_client()


def sample_count(member: str) -> int:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as handle:
        return sum(1 for row in csv.DictReader(handle) if row["member_name"].strip() == member)


FORGED = "/expanses?filter[member_name]=Sam%00page%5Bsize%5D%005"  # one parameter whose value holds a NUL
REAL = "/expanses?filter[member_name]=Sam&page[size]=5"


def test_a_value_that_spells_another_parameter_cannot_poison_its_answer() -> None:
    client = fresh_client()
    for _ in range(3):
        forged = client.get(FORGED)
    real = client.get(REAL)
    assert real.json is not None and forged.json is not None
    assert (real.json["meta"]["count"], len(real.json["data"])) == (sample_count("Sam"), 5)
    assert forged.json["meta"]["count"] == 0 and real.headers["ETag"] != forged.headers["ETag"]


def test_a_forged_request_is_not_answered_with_another_requests_body() -> None:
    client = fresh_client()
    real = client.get(REAL)
    forged = client.get(FORGED)
    assert forged.json is not None and forged.json["meta"]["count"] == 0
    assert client.get(FORGED, headers={"If-None-Match": real.headers["ETag"]}).status_code == 200


def test_the_path_prefix_and_the_path_are_kept_apart() -> None:
    client = fresh_client()
    mounted = client.get("/expanses", environ_overrides={"SCRIPT_NAME": "/docs"})
    assert mounted.status_code == 200 and mounted.json is not None
    assert mounted.json["links"]["self"].startswith("http://localhost/docs/expanses?")
    assert client.get("/docs/expanses").status_code == 404


REFUSED = [
    ("/expanses/99999", 404),
    ("/expanses/0", 404),
    ("/expanses?foo=1", 400),
    ("/aggregates?group_by=amount", 400),
    ("/docs/nonexistent", 404),
    ("/nowhere", 404),
]


@pytest.mark.parametrize(("path", "status"), REFUSED)
def test_a_request_that_is_refused_never_gets_a_304_or_a_remembered_answer(path: str, status: int) -> None:
    client = fresh_client()
    for headers in ({}, {"If-None-Match": "*"}, {}, {"If-None-Match": "*"}):
        response = client.get(path, headers=headers)
        assert response.status_code == status, (headers, response.status_code)
        assert "ETag" not in response.headers


@pytest.mark.parametrize("path", ["/expanses/1", "/expanses?sort=-amount", "/aggregates", "/", "/openapi.json"])
def test_if_none_match_star_is_a_304_for_what_exists_even_before_it_is_remembered(path: str) -> None:
    client = fresh_client()
    response = client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == 304 and response.data == b"" and response.headers["ETag"]


def test_a_weak_validator_of_the_current_answer_is_a_304() -> None:
    client = fresh_client()
    etag = client.get("/expanses/1").headers["ETag"]
    for remembered in (True, False):
        if not remembered:
            client = fresh_client()
        response = client.get("/expanses/1", headers={"If-None-Match": f'"other", W/{etag}'})
        assert (response.status_code, response.headers["ETag"]) == (304, etag)
