"""Exports: every matching record (or group) as CSV or NDJSON, checked against the data read independently
and against the JSON:API answers, record for record and cent for cent."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from tests.conftest import SAMPLE_CSV
from tests.helpers.jsonapi import document, error, walk
from tests.helpers.orders import served_order, sort_keys
from tests.helpers.reference import Row

# Every test here runs on each of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

ATTRIBUTES = ("departments", "project_name", "amount", "currency", "date", "member_name")

#: (query string, which rows it keeps): filters and sorts an export must honour exactly.
CASES: list[tuple[str, Callable[[Row], bool]]] = [
    ("", lambda row: True),
    ("sort=-amount&filter[member_name]=Sam", lambda row: row.member_name == "Sam"),
    ("sort=date,-amount&filter[amount][gte]=1000", lambda row: row.cents >= 100_000),
    ("sort=-id&filter[departments][in]=IT,HR", lambda row: row.departments in ("IT", "HR")),
    ("sort=member_name,departments,-date", lambda row: True),
    ("sort=-project_name&filter[date][lt]=2021-07-01", lambda row: row.date.isoformat() < "2021-07-01"),
    ("filter[amount][gt]=99999999", lambda row: False),
]


def served(row: Row, names: tuple[str, ...] = ATTRIBUTES) -> dict[str, str]:
    """What a CSV row must hold for `row`: its id and attributes as text, amounts with both cent digits."""
    text = {
        "id": str(row.id),
        "departments": row.departments,
        "project_name": row.project_name,
        "amount": f"{row.amount:.2f}",
        "currency": row.currency,
        "date": row.date.isoformat(),
        "member_name": row.member_name,
    }
    return {name: text[name] for name in ("id", *names)}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # RFC 4180 line ends (no label has one)
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(("query", "keep"), CASES)
def test_a_csv_export_is_every_match_in_the_requested_order(
    client: FlaskClient, rows: list[Row], query: str, keep: Callable[[Row], bool]
) -> None:
    response = client.get(f"/expanses?{query}", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    sort = next((part.removeprefix("sort=") for part in query.split("&") if part.startswith("sort=")), "")
    expected = served_order([row for row in rows if keep(row)], sort_keys(sort))
    assert csv_rows(response.get_data()) == [served(row) for row in expected]
    assert response.get_data().startswith(b"id,departments,project_name,amount,currency,date,member_name\r\n")


@pytest.mark.parametrize(("query", "keep"), CASES)
def test_an_ndjson_export_holds_the_attributes_as_json_api_does(
    client: FlaskClient, rows: list[Row], query: str, keep: Callable[[Row], bool]
) -> None:
    response = client.get(f"/expanses.ndjson?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-ndjson"
    sort = next((part.removeprefix("sort=") for part in query.split("&") if part.startswith("sort=")), "")
    expected = served_order([row for row in rows if keep(row)], sort_keys(sort))
    lines = response.get_data().decode().splitlines(keepends=True)
    assert all(line.endswith("\n") for line in lines)
    records = [json.loads(line, parse_float=Decimal) for line in lines]
    assert [list(record) for record in records] == [["id", *ATTRIBUTES]] * len(expected)  # keys in declared order
    assert records == [
        {
            "id": str(row.id),
            **{
                name: (row.amount if name == "amount" else value) for name, value in served(row).items() if name != "id"
            },
        }
        for row in expected
    ]


def test_exports_equal_the_json_api_pages_record_for_record(client: FlaskClient) -> None:
    """Parsed back with Polars, the CSV is what a client paging through JSON:API collects, cent for cent."""
    query = "filter[amount][gte]=500&sort=member_name,-amount"
    pages = walk(lambda url: document(client.get(url)), f"/expanses?{query}&page[size]=50", 50)
    records = [{"id": item["id"], **item["attributes"]} for page in pages for item in page["data"]]
    exported = pl.read_csv(client.get(f"/expanses.csv?{query}").get_data(), schema_overrides={"amount": pl.String})
    assert exported["id"].cast(pl.String).to_list() == [record["id"] for record in records]
    assert [Decimal(text) for text in exported["amount"]] == [Decimal(str(record["amount"])) for record in records]
    for name in ("departments", "project_name", "currency", "member_name"):
        assert exported[name].to_list() == [record[name] for record in records]
    assert exported["date"].cast(pl.String).to_list() == [record["date"] for record in records]


def test_a_sparse_fieldset_chooses_the_columns(client: FlaskClient, rows: list[Row]) -> None:
    response = client.get("/expanses.csv?fields[expanses]=member_name,amount&sort=-amount")
    expected = served_order(rows, [("amount", True)])
    assert csv_rows(response.get_data()) == [served(row, ("amount", "member_name")) for row in expected]


def test_no_match_is_a_header_row_and_a_bom_comes_first_when_asked(client: FlaskClient) -> None:
    response = client.get("/expanses.csv?filter[member_name]=Nobody&csv_bom=true")
    assert response.status_code == 200
    assert response.get_data() == b"\xef\xbb\xbfid,departments,project_name,amount,currency,date,member_name\r\n"
    assert client.get("/expanses.csv?csv_bom=true").get_data().startswith(b"\xef\xbb\xbfid,")
    assert client.get("/expanses.csv?csv_bom=false").get_data().startswith(b"id,")


def test_an_aggregates_export_is_every_group_as_json_api_serves_it(client: FlaskClient) -> None:
    query = "group_by=departments,date_month&sort=-total"
    pages = walk(lambda url: document(client.get(url)), f"/aggregates?{query}&page[size]=1000", 1000)
    groups = [item["attributes"] for page in pages for item in page["data"]]
    exported = list(csv.DictReader(io.StringIO(client.get(f"/aggregates.csv?{query}").get_data().decode())))
    assert [list(row) for row in exported[:1]] == [
        ["departments", "date_month", "currency", "total", "count", "average", "min", "max"]
    ]
    assert len(exported) == len(groups)
    for row, group in zip(exported, groups, strict=True):
        for name in ("total", "average", "min", "max"):
            assert Decimal(row[name]) == Decimal(str(group[name])) and len(row[name].split(".")[1]) == 2
        assert int(row["count"]) == group["count"]
        assert {name: row[name] for name in ("departments", "date_month", "currency")} == {
            name: group[name] for name in ("departments", "date_month", "currency")
        }
    lines = client.get(f"/aggregates?{query}", headers={"Accept": "application/x-ndjson"}).get_data().splitlines()
    assert [json.loads(line, parse_float=Decimal) for line in lines] == [
        json.loads(json.dumps(group), parse_float=Decimal) for group in groups
    ]


@pytest.mark.parametrize(
    ("path", "accept", "parameter"),
    [
        ("/expanses?page[size]=10", "text/csv", "page[size]"),
        ("/expanses.csv?page[number]=2", None, "page[number]"),
        ("/expanses.ndjson?filter[amount]=abc", None, "filter[amount]"),
        ("/expanses.csv?sort=nope", None, "sort"),
        ("/expanses.csv?csv_bom=yes", None, "csv_bom"),
        ("/expanses.ndjson?csv_bom=true", None, "csv_bom"),
        ("/aggregates.csv?group_by=nope", None, "group_by"),
        ("/expanses?csv_bom=true", None, "csv_bom"),
    ],
)
def test_a_bad_export_query_is_a_json_api_error_naming_the_parameter(
    client: FlaskClient, path: str, accept: str | None, parameter: str
) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    error(response, 400, parameter)


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/expanses", "text/html"), ("/expanses/1", "text/csv"), ("/aggregates", "image/png"), ("/", "text/csv")],
)
def test_an_accept_naming_nothing_the_path_answers_with_is_a_406(client: FlaskClient, path: str, accept: str) -> None:
    item = error(client.get(path, headers={"Accept": accept}), 406)
    assert item["source"] == {"header": "Accept"}


@pytest.mark.parametrize(
    ("accept", "answered"),
    [
        ("text/csv", "text/csv; charset=utf-8; header=present"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("*/*", "application/vnd.api+json"),
        ("text/csv;q=0.5, application/json", "application/vnd.api+json"),
        ("text/csv, application/vnd.api+json;q=0.2", "text/csv; charset=utf-8; header=present"),
        ("text/html, */*;q=0.8", "application/vnd.api+json"),
    ],
)
def test_accept_chooses_the_representation(client: FlaskClient, accept: str, answered: str) -> None:
    response = client.get("/expanses", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == answered
    assert response.headers["Vary"] == "Accept"


def test_exports_never_mix_with_remembered_json_api_answers() -> None:
    """With the answer memory on: a remembered JSON:API answer is never given for an export, nor its ETag."""
    client = create_app(Settings(csv_path=SAMPLE_CSV)).test_client()
    first = client.get("/expanses?sort=-amount")
    etag = first.headers["ETag"]
    assert client.get("/expanses?sort=-amount").headers["ETag"] == etag  # remembered
    exported = client.get("/expanses?sort=-amount", headers={"Accept": "text/csv", "If-None-Match": etag})
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert "ETag" not in exported.headers and exported.headers["Cache-Control"] == "no-store"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="expanses.csv"'
    again = client.get("/expanses?sort=-amount", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_exports_beyond_the_slots_are_told_to_retry() -> None:
    """One slot: while one export streams, another is a 429 with Retry-After; a JSON:API page still answers."""
    client = create_app(Settings(csv_path=SAMPLE_CSV, export_slots=1)).test_client()
    streaming = client.get("/expanses.csv", buffered=False)
    assert streaming.status_code == 200
    refused = client.get("/expanses.ndjson")
    error(refused, 429)
    assert refused.headers["Retry-After"].isdigit()
    document(client.get("/expanses?page[size]=20"))
    streaming.close()  # the client goes: the slot is free again
    assert client.get("/expanses.ndjson").status_code == 200


def _filenames(client: FlaskClient) -> dict[str, Any]:
    return {
        path: client.get(path).headers["Content-Disposition"]
        for path in (
            "/expanses.csv",
            "/expanses.ndjson?filter[member_name]=Sam",
            "/aggregates.csv?group_by=member_name",
        )
    }


def test_the_attachment_says_what_was_exported(client: FlaskClient) -> None:
    assert _filenames(client) == {
        "/expanses.csv": 'attachment; filename="expanses.csv"',
        "/expanses.ndjson?filter[member_name]=Sam": 'attachment; filename="expanses-filtered.ndjson"',
        "/aggregates.csv?group_by=member_name": 'attachment; filename="aggregates-by-member_name-currency.csv"',
    }


def test_a_label_s_records_export_as_the_scoped_collection(client: FlaskClient, rows: list[Row]) -> None:
    """`/members/{id}/expanses` exports like `/expanses` with that member's filter, by suffix or Accept."""
    member = rows[0].member_name
    expected = [served(row) for row in served_order([r for r in rows if r.member_name == member], [("amount", True)])]
    by_suffix = client.get(f"/members/{member}/expanses.csv?sort=-amount").get_data()  # read: it frees the slot
    by_accept = client.get(f"/members/{member}/expanses?sort=-amount", headers={"Accept": "text/csv"}).get_data()
    assert csv_rows(by_suffix) == expected == csv_rows(by_accept)
    lines = client.get(f"/members/{member}/expanses.ndjson").get_data().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(row.id) for row in rows if row.member_name == member]
    error(client.get("/members/Nobody-at-all/expanses.csv"), 404)


def test_include_is_refused_on_an_export(client: FlaskClient) -> None:
    error(client.get("/expanses.csv?include=member"), 400, "include")


def test_a_dasherizing_deployment_spells_the_columns_its_way() -> None:
    client = create_app(Settings(csv_path=SAMPLE_CSV, member_names="dasherize")).test_client()
    header = client.get("/expanses.csv?fields[expanses]=project-name,member-name&csv-bom=true").get_data()
    assert header.startswith(b"\xef\xbb\xbfid,project-name,member-name\r\n")
    first = json.loads(client.get("/aggregates.ndjson?group-by=member-name").get_data().splitlines()[0])
    assert list(first) == ["member-name", "currency", "total", "count", "average", "min", "max"]
    error(client.get("/expanses.csv?csv_bom=true"), 400, "csv_bom")
