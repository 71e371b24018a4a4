"""MEMBER_NAME_FORMAT: member names as in the data (the default), dasherized or camelCased, everywhere alike.

Attributes, relationship names, meta, every query parameter (names and the names in their values),
error details and `source.parameter`, and the contract served at /openapi.json and /openapi.yaml (and the docs
page's view of it, /docs/openapi.json).
One deployment reads one spelling: the others are 400s naming the parameter as sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from service.api.specs import vocabulary
from service.app import create_app
from service.config import Settings
from tests.conftest import SAMPLE_CSV
from tests.helpers.jsonapi import document, error
from tests.helpers.reference import read_rows

#: Each style's spelling of the names this test uses.
SPELLINGS = {
    "dasherize": {
        "project_name": "project-name",
        "member_name": "member-name",
        "date_week": "date-week",
        "grand_totals": "grand-totals",
        "group_by": "group-by",
        "starts_with": "starts-with",
    },
    "camelize": {
        "project_name": "projectName",
        "member_name": "memberName",
        "date_week": "dateWeek",
        "grand_totals": "grandTotals",
        "group_by": "groupBy",
        "starts_with": "startsWith",
    },
}


@pytest.fixture(scope="module", params=list(SPELLINGS))
def style(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def styled_app(style: str) -> Flask:
    return create_app(Settings(csv_path=SAMPLE_CSV, member_names=style))


@pytest.fixture
def styled(styled_app: Flask) -> Iterator[FlaskClient]:
    yield styled_app.test_client()


def spelled(style: str, text: str) -> str:
    """`text` with each `{name}` written in this style."""
    return text.format(**SPELLINGS[style])


def test_attributes_relationships_and_included_are_written_in_the_style(styled: FlaskClient, style: str) -> None:
    row = read_rows(SAMPLE_CSV)[2]
    body = document(styled.get("/expanses/3?include=member"))
    attributes = body["data"]["attributes"]
    assert list(attributes) == spelled(style, "departments {project_name} amount currency date {member_name}").split()
    assert attributes[SPELLINGS[style]["member_name"]] == row.member_name
    assert list(body["data"]["relationships"]) == ["department", "project", "member"]
    assert list(body["included"][0]["attributes"]) == ["name", "totals"]


def test_every_query_parameter_is_read_in_the_style(styled: FlaskClient, style: str) -> None:
    rows = read_rows(SAMPLE_CSV)
    query = spelled(
        style,
        "filter[{member_name}]=Sam&filter[{project_name}][{starts_with}]=A&sort=-{project_name},-amount"
        "&fields[expanses]={member_name},{project_name},member&page[size]=100",
    )
    body = document(styled.get(f"/expanses?{query}"))
    expected = sorted(
        (r for r in rows if r.member_name == "Sam" and r.project_name.startswith("A")),
        key=lambda r: (tuple(-ord(c) for c in r.project_name), -r.amount, r.id),
    )
    assert [item["id"] for item in body["data"]] == [str(r.id) for r in expected]
    assert all(
        list(item["attributes"]) == spelled(style, "{project_name} {member_name}").split() for item in body["data"]
    )
    assert all(list(item["relationships"]) == ["member"] for item in body["data"])


def test_aggregates_group_and_meta_in_the_style(styled: FlaskClient, style: str) -> None:
    body = document(styled.get(spelled(style, "/aggregates?{group_by}={date_week}&sort=-{date_week}&page[size]=2")))
    assert list(body["meta"]) == ["count", SPELLINGS[style]["grand_totals"]]
    assert all(SPELLINGS[style]["date_week"] in group["attributes"] for group in body["data"])
    assert (
        body["data"][0]["attributes"][SPELLINGS[style]["date_week"]]
        > body["data"][1]["attributes"][SPELLINGS[style]["date_week"]]
    )


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("filter[member_name]=Sam", "filter[member_name]", "{member_name}"),
        ("filter[{project_name}][starts_with]=A", "filter[{project_name}][starts_with]", "{starts_with}"),
        ("sort=project_name", "sort", "{project_name}"),
        ("fields[expanses]=member_name", "fields[expanses]", "{member_name}"),
        ("group_by=departments", "group_by", "{group_by}"),
        ("include=member.expanses", "include", "department, project, member"),
    ],
)
def test_the_other_spellings_are_refused_naming_the_parameter_as_sent(
    styled: FlaskClient, style: str, query: str, parameter: str, words: str
) -> None:
    path = "/aggregates" if query.startswith("group_by") else "/expanses"
    item = error(styled.get(f"{path}?{spelled(style, query)}"), 400, spelled(style, parameter))
    assert spelled(style, words) in item["detail"]
    listed = item["detail"].split(". ", 1)[-1]  # after the sentence that echoes what was sent
    assert not re.search(r"\b(member_name|project_name|starts_with|group_by)\b", listed)


def test_the_contract_is_served_in_the_style(styled: FlaskClient, style: str) -> None:
    as_json = styled.get("/openapi.json")
    contract: dict[str, Any] = as_json.get_json()
    validate(contract)
    assert yaml.safe_load(styled.get("/openapi.yaml").get_data(as_text=True)) == contract
    text = as_json.get_data(as_text=True)
    left = [
        name for name in vocabulary() if "_" in name and re.search(rf"(?<![A-Za-z0-9_]){name}(?![A-Za-z0-9_])", text)
    ]
    assert left == []
    parameters = {p["name"] for p in contract["components"]["parameters"].values()}
    assert spelled(style, "filter[{member_name}][{starts_with}]") in parameters
    assert spelled(style, "{group_by}") in parameters
    attributes = contract["components"]["schemas"]["ExpanseAttributes"]["properties"]
    assert list(attributes) == spelled(style, "departments {project_name} amount currency date {member_name}").split()


def test_the_docs_page_view_is_derived_after_the_rewrite(styled: FlaskClient, style: str) -> None:
    response = styled.get("/docs/openapi.json")
    assert response.headers["Content-Type"] == "application/json"
    view: dict[str, Any] = response.get_json()
    validate(view)
    text = response.get_data(as_text=True)
    assert not [name for name in vocabulary() if "_" in name and re.search(rf"\[{name}\]|`{name}`", text)]
    (filter_box,) = (p for p in view["paths"]["/expanses"]["get"]["parameters"] if p.get("name") == "filter")
    assert filter_box["example"] == {spelled(style, "filter[{member_name}]"): "Sam", "filter[amount][gte]": "2000"}
    assert spelled(style, "`{project_name}`") in filter_box["description"]
    assert spelled(style, "`{starts_with}`") in filter_box["description"]


def test_a_style_has_etags_of_its_own(styled: FlaskClient, sample_client: FlaskClient) -> None:
    assert styled.get("/members/Sam").headers["ETag"] != sample_client.get("/members/Sam").headers["ETag"]


def test_an_unknown_style_stops_start_up() -> None:
    from service.config import SettingsError

    with pytest.raises(SettingsError, match="MEMBER_NAME_FORMAT must be one of as-is, dasherize, camelize"):
        Settings.from_env({"MEMBER_NAME_FORMAT": "kebab"})
