"""Cursor pagination on /expanses (the JSON:API cursor pagination profile), through the test client.

Expected answers come from tests/helpers/reference.py's reading of the CSV and a sort written here
(stable passes, one per key, over rows in id order), never from the service. Forged cursors are
made the way a client would: a real cursor's JSON decoded, its values replaced, re-encoded.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from service.app import create_app
from service.config import Settings
from service.query.cursor_profile import PROFILE
from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.hypothesis_profiles import examples
from tests.helpers.jsonapi import document, error, walk
from tests.helpers.orders import served_order as ordered_by
from tests.helpers.orders import sort_keys
from tests.helpers.reference import REPO, Row, read_rows

ASK = {"Accept": f'application/vnd.api+json; profile="{PROFILE}"'}
EPOCH = date(1970, 1, 1)
SORTS = [
    *(
        f"{sign}{field}"
        for field in ("id", "departments", "project_name", "amount", "currency", "date", "member_name")
        for sign in ("", "-")
    ),
    "member_name,-amount",
    "departments,-date,project_name",
    "-currency,amount,-id",
    "date,member_name,-project_name",
]
#: Filters any dataset has matches for, each with the reference's own reading of it.
FILTERS: dict[str, Callable[[Row], bool]] = {
    "": lambda row: True,
    "filter[amount][gte]=1400": lambda row: row.cents >= 140_000,
    "filter[date][lt]=2022-01-01&filter[project_name][contains]=a": lambda row: (
        row.date < date(2022, 1, 1) and "a" in row.project_name.lower()
    ),
}
SPEC = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))


def served_order(rows: list[Row], sort: str) -> list[Row]:
    """Rows in `sort` order, ties by id ascending (tests/helpers/orders.py)."""
    return ordered_by(rows, sort_keys(sort))


def ids(rows: list[Row]) -> list[str]:
    return [str(row.id) for row in rows]


def cursor_page(
    client: FlaskClient, url: str, headers: dict[str, str] | None = None, contract: bool = True
) -> dict[str, Any]:
    """A cursor-mode page: a document applying the profile, each item carrying its cursor, and
    (`contract`; about 10 ms a page) valid by the official JSON:API schema and openapi.yaml's.
    """
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    if contract:
        body = document(response, PROFILE)
        schema_of("ExpanseCollectionDocument").validate(body)
    else:
        assert response.headers["Content-Type"] == f'application/vnd.api+json; profile="{PROFILE}"'
        body = response.get_json()
        assert body["jsonapi"] == {"version": "1.1", "profile": [PROFILE]}
    assert all(isinstance(item["meta"]["page"]["cursor"], str) for item in body["data"])
    assert body["links"]["last"] is None
    return body


@functools.cache
def schema_of(name: str) -> Draft202012Validator:
    """A validator for one of openapi.yaml's schemas, its references resolved in the same file."""
    return Draft202012Validator({**SPEC, "$ref": f"#/components/schemas/{name}"})


def walk_cursors(client: FlaskClient, query: str, size: int) -> list[dict[str, Any]]:
    """Every page from the first (asked for with the profile in Accept) by links.next."""
    first = f"/expanses?{query}&page[size]={size}"
    return walk(lambda url: cursor_page(client, url, ASK if url == first else None, url == first), first, size)


WALKS = [
    *((sort, query) for sort in SORTS if "," not in sort for query in list(FILTERS)[:2]),
    *((sort, query) for sort in SORTS if "," in sort for query in FILTERS),
]


@pytest.mark.parametrize(("sort", "query"), WALKS)
def test_a_cursor_walk_sees_every_match_once_in_the_served_order(
    client: FlaskClient, rows: list[Row], sort: str, query: str
) -> None:
    expected = served_order([row for row in rows if FILTERS[query](row)], sort)
    pages = walk_cursors(client, f"sort={sort}&{query}", 7)
    assert [item["id"] for page in pages for item in page["data"]] == ids(expected)
    assert pages[0]["meta"]["count"] == len(expected)
    assert pages[0]["links"]["prev"] is None and pages[-1]["links"]["next"] is None
    assert all(len(page["data"]) == 7 for page in pages[:-1])


@pytest.mark.parametrize("sort", ["member_name,-amount", "-date", "id", "-currency,amount,-id"])
def test_walking_prev_links_back_from_the_last_page_gives_the_same_pages(client: FlaskClient, sort: str) -> None:
    forward = walk_cursors(client, f"sort={sort}&filter[amount][gte]=1400", 6)
    backward = [forward[-1]]
    while backward[-1]["links"]["prev"] is not None:
        backward.append(cursor_page(client, backward[-1]["links"]["prev"], contract=False))
    assert [[item["id"] for item in page["data"]] for page in reversed(backward)] == [
        [item["id"] for item in page["data"]] for page in forward
    ]


@pytest.mark.parametrize("position", [0, 1, 5, 6, 100, -2, -1])
def test_page_after_and_before_an_item_are_the_rows_just_after_and_before_it(
    client: FlaskClient, rows: list[Row], position: int
) -> None:
    expected = served_order(rows, "member_name,-amount")
    everything = cursor_page(client, "/expanses?sort=member_name,-amount&page[size]=1000", ASK)["data"]
    cursor = everything[position]["meta"]["page"]["cursor"]
    index = position % len(expected)
    after = cursor_page(client, f"/expanses?sort=member_name,-amount&page[size]=5&page[after]={cursor}")
    assert [item["id"] for item in after["data"]] == ids(expected[index + 1 : index + 6])
    assert (after["links"]["next"] is None) == (index + 6 >= len(expected))
    assert after["links"]["prev"] is not None
    before = cursor_page(client, f"/expanses?sort=member_name,-amount&page[size]=5&page[before]={cursor}")
    assert [item["id"] for item in before["data"]] == ids(expected[max(0, index - 5) : index])
    assert (before["links"]["prev"] is None) == (index <= 5)
    assert before["links"]["next"] is not None  # the rows from the cursor on (at least its own)


def test_sparse_fieldsets_and_the_links_keep_the_query(client: FlaskClient, rows: list[Row]) -> None:
    query = "fields[expanses]=amount&sort=-amount&filter[amount][gte]=1400"
    body = cursor_page(client, f"/expanses?{query}&page[size]=2", ASK)
    assert [set(item["attributes"]) for item in body["data"]] == [{"amount"}, {"amount"}]
    kept = "fields%5Bexpanses%5D=amount&sort=-amount&filter%5Bamount%5D%5Bgte%5D=1400&page%5Bsize%5D=2"
    assert body["links"]["self"] == body["links"]["first"] == f"http://localhost/expanses?{kept}"
    cursor = body["data"][-1]["meta"]["page"]["cursor"]
    assert body["links"]["next"] == f"http://localhost/expanses?{kept}&page%5Bafter%5D={cursor}"
    empty = cursor_page(client, "/expanses?fields[expanses]=&page[size]=2", ASK)
    assert [item["attributes"] for item in empty["data"]] == [{}, {}]


# --- the profile, asked for and advertised ---------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        f'application/vnd.api+json; profile="{PROFILE}"',
        f"application/vnd.api+json;profile={PROFILE}",
        'application/vnd.api+json; profile="http://jsonapi.org/profiles/ethanresnick/cursor-pagination"',
        f'application/vnd.api+json; profile="https://example.com/other {PROFILE}", application/json',
    ],
)
def test_the_profile_in_accept_gives_the_first_page_in_cursor_mode(sample_client: FlaskClient, accept: str) -> None:
    body = cursor_page(sample_client, "/expanses?page[size]=3", {"Accept": accept})
    assert body["links"]["prev"] is None and "page%5Bafter%5D=" in body["links"]["next"]


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/vnd.api+json",
        'application/vnd.api+json; profile="https://example.com/other"',
        f'application/vnd.api+json; profile="{PROFILE}"; q=0, application/vnd.api+json',
    ],
)
def test_without_the_profile_pages_stay_numbered_and_unprofiled(sample_client: FlaskClient, accept: str | None) -> None:
    body = document(sample_client.get("/expanses?page[size]=3", headers={"Accept": accept} if accept else {}))
    assert "meta" not in body["data"][0] and "page%5Bnumber%5D=2" in body["links"]["next"]


def test_page_number_keeps_numbered_pages_even_when_the_profile_is_asked_for(sample_client: FlaskClient) -> None:
    body = document(sample_client.get("/expanses?page[number]=2&page[size]=3", headers=ASK))
    assert [item["id"] for item in body["data"]] == ["4", "5", "6"]


def test_aggregates_page_by_number_only(sample_client: FlaskClient) -> None:
    response = sample_client.get("/aggregates?group_by=departments&page[after]=x")
    error(response, 400, "page[after]")
    body = document(sample_client.get("/aggregates?group_by=departments", headers=ASK))
    assert body["links"]["last"] is not None  # the profile asked for is not applied there


def test_the_profile_asked_for_is_part_of_the_etag_and_its_pages_never_come_from_the_plain_memory() -> None:
    client = create_app(Settings(csv_path=SAMPLE_CSV)).test_client()  # an empty memory of answers
    url = "/expanses?page[size]=3"
    plain = [document(client.get(url)) for _ in range(2)]  # the second from the worker's memory
    assert plain[0] == plain[1] and "page%5Bnumber%5D=2" in plain[0]["links"]["next"]
    profiled = [client.get(url, headers=ASK) for _ in range(2)]
    assert [document(response, PROFILE)["links"]["last"] for response in profiled] == [None, None]
    etag = profiled[0].headers["ETag"]
    assert etag == profiled[1].headers["ETag"] != client.get(url).headers["ETag"]
    assert client.get(url, headers={**ASK, "If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200  # another representation


# --- errors -----------------------------------------------------------------------------------


def first_cursor(client: FlaskClient, query: str = "sort=member_name,-amount") -> str:
    cursor: str = cursor_page(client, f"/expanses?{query}&page[size]=1", ASK)["data"][0]["meta"]["page"]["cursor"]
    return cursor


@pytest.mark.parametrize("direction", ["after", "before"])
def test_page_number_with_a_cursor_is_a_400_naming_page_number(sample_client: FlaskClient, direction: str) -> None:
    cursor = first_cursor(sample_client)
    url = f"/expanses?sort=member_name,-amount&page[{direction}]={cursor}&page[number]=2"
    item = error(sample_client.get(url), 400, "page[number]")
    schema_of("Error").validate(item)


def test_a_range_is_the_profile_s_error(sample_client: FlaskClient) -> None:
    cursor = first_cursor(sample_client)
    url = f"/expanses?sort=member_name,-amount&page[after]={cursor}&page[before]={cursor}"
    item = error(sample_client.get(url), 400, "page[before]", PROFILE)
    assert item["links"] == {"type": f"{PROFILE}range-pagination-not-supported"}
    schema_of("Error").validate(item)


@pytest.mark.parametrize("how", ["cursor", "accept"])
def test_a_page_size_over_the_maximum_is_the_profile_s_error_stating_it(sample_client: FlaskClient, how: str) -> None:
    if how == "cursor":
        response = sample_client.get(f"/expanses?page[size]=1001&page[after]={first_cursor(sample_client, '')}")
    else:
        response = sample_client.get("/expanses?page[size]=1001", headers=ASK)
    item = error(response, 400, "page[size]", PROFILE)
    assert item["meta"] == {"page": {"maxSize": 1000}}
    assert item["links"] == {"type": f"{PROFILE}max-size-exceeded"}
    schema_of("Error").validate(item)
    plain = error(sample_client.get("/expanses?page[size]=1001"), 400, "page[size]")  # by number: as before
    assert "meta" not in plain and "links" not in plain


@pytest.mark.parametrize(
    "query",
    [
        "sort=-member_name,-amount",  # another direction
        "sort=member_name,amount",
        "sort=member_name",
        "sort=member_name,-amount&filter[departments]=IT",  # another filter
    ],
)
def test_a_cursor_from_another_sort_or_filter_is_a_400_naming_it(sample_client: FlaskClient, query: str) -> None:
    cursor = first_cursor(sample_client)
    for direction in ("after", "before"):
        item = error(sample_client.get(f"/expanses?{query}&page[{direction}]={cursor}"), 400, f"page[{direction}]")
        assert "made for another sort" in item["detail"]


def test_a_cursor_works_whatever_order_its_filters_are_written_in(sample_client: FlaskClient) -> None:
    one = "filter[amount][gte]=1400&filter[departments][in]=IT,HR"
    other = "filter[departments][in]=HR,IT&filter[amount][gte]=1400"
    cursor = first_cursor(sample_client, one)
    assert cursor_page(sample_client, f"/expanses?{other}&page[after]={cursor}")["data"]


@given(st.text(max_size=60), st.sampled_from(["page[after]", "page[before]"]))
@settings(max_examples=examples(150))
def test_any_text_as_a_cursor_is_a_page_or_a_400_never_a_500(sample_app: Flask, text: str, name: str) -> None:
    response = sample_app.test_client().get("/expanses", query_string={name: text, "sort": "member_name,-amount"})
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if response.status_code == 400:
        error(response, 400, name)


# --- forged cursors: any well-formed position is a place to read from -------------------------

SAMPLE_ROWS = read_rows(SAMPLE_CSV)
FORGE_SORT = "member_name,-amount,date"


def forge(real: str, values: list[Any]) -> str:
    """A real cursor with its values replaced: what a client can make without any secret."""
    digest = json.loads(base64.urlsafe_b64decode(real + "=" * (-len(real) % 4)))[0]
    text = json.dumps([digest, *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def beyond(row: Row, position: list[Any], backwards: bool) -> bool:
    """Whether the row lies strictly after (before) the position in member_name, -amount, date, id order."""
    mine = [row.member_name, row.cents, (row.date - EPOCH).days, row.id]
    for ours, theirs, descending in zip(mine, position, [False, True, False, False], strict=True):
        if ours != theirs:
            later: bool = (ours > theirs) != descending
            return later != backwards
    return False


@given(
    st.one_of(st.sampled_from(sorted({row.member_name for row in SAMPLE_ROWS})), st.text(max_size=8)),
    st.integers(-(2**63), 2**63 - 1) | st.integers(-1000, 1_000_000),
    st.integers(-(2**31), 2**31 - 1) | st.integers(18_000, 19_500),
    st.integers(-(2**63), 2**63 - 1) | st.integers(-1, 310),
    st.booleans(),
)
@settings(max_examples=examples(120))
def test_a_forged_cursor_reads_from_the_position_it_names(
    sample_app: Flask, name: str, cents: int, day: int, row_id: int, backwards: bool
) -> None:
    client = sample_app.test_client()
    real = first_cursor(client, f"sort={FORGE_SORT}")
    position = [name, cents, day, row_id]
    direction = "before" if backwards else "after"
    body = cursor_page(client, f"/expanses?sort={FORGE_SORT}&page[size]=4&page[{direction}]={forge(real, position)}")
    ordered = served_order(SAMPLE_ROWS, FORGE_SORT)
    beyond_it = [row for row in ordered if beyond(row, position, backwards)]
    expected = beyond_it[-4:] if backwards else beyond_it[:4]
    assert [item["id"] for item in body["data"]] == ids(expected)


# --- a walk across a data reload ---------------------------------------------------------------


def test_a_cursor_keeps_its_place_when_the_data_changes(tmp_path: Path) -> None:
    """Values, not offsets: rows removed or added before the cursor do not shift what comes after it,
    and a cursor whose text value the new data no longer holds still falls between its neighbours.
    """
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()[1:]
    old = served_client(tmp_path / "old.csv", lines[:120])
    page = cursor_page(old, "/expanses?sort=member_name,-amount&page[size]=40", ASK)
    cursor, boundary = page["data"][-1]["meta"]["page"]["cursor"], page["data"][-1]["attributes"]["member_name"]
    # The new file loses every row of the boundary's member (its name is no longer a category) and gains others.
    path = tmp_path / "new.csv"
    new = served_client(path, [line for line in lines if not line.endswith(f",{boundary}")][:200])
    body = cursor_page(new, f"/expanses?sort=member_name,-amount&page[size]=1000&page[after]={cursor}")
    expected = [row for row in served_order(read_rows(path), "member_name,-amount") if row.member_name > boundary]
    assert expected and [item["id"] for item in body["data"]] == ids(expected)


def served_client(path: Path, lines: list[str]) -> FlaskClient:
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return create_app(Settings(csv_path=path)).test_client()
