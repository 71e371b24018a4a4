"""`in` and `nin` on text that holds commas and quotes: a value in double quotes, quotes inside doubled."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.conftest import HEADER
from tests.helpers.jsonapi import document, error

#: Project names a list cannot name without quoting: commas, quotes, a lone comma, a leading quote.
PROJECTS = ["Alpha, Inc", 'Bob "B" Co', ",", '"Quoted"', "Plain", "Alpha"]


@pytest.fixture
def client(client_for: Callable[[str], FlaskClient]) -> FlaskClient:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for number, project in enumerate(PROJECTS, start=1):
        writer.writerow(["IT", project, f"{number}.00€", "1/2/2021", "Sam"])
    return client_for(HEADER + text.getvalue())


def quoted(label: str) -> str:
    """A label as a list item: in double quotes, quotes inside doubled (what docs/api.md teaches)."""
    return '"' + label.replace('"', '""') + '"'


def projects_of(client: FlaskClient, operator: str, items: list[str]) -> list[str]:
    value = quote(",".join(items), safe="")
    body = document(client.get(f"/expanses?filter[project_name][{operator}]={value}&page[size]=100"))
    return [resource["attributes"]["project_name"] for resource in body["data"]]


@pytest.mark.parametrize("chosen", [["Alpha, Inc"], ['Bob "B" Co', ","], ['"Quoted"', "Alpha"], PROJECTS])
def test_in_and_nin_name_any_label_once_quoted(client: FlaskClient, chosen: list[str]) -> None:
    assert projects_of(client, "in", [quoted(label) for label in chosen]) == [p for p in PROJECTS if p in chosen]
    assert projects_of(client, "nin", [quoted(label) for label in chosen]) == [p for p in PROJECTS if p not in chosen]


def test_unquoted_items_are_split_on_every_comma(client: FlaskClient) -> None:
    """Without quotes `Alpha, Inc` is two items: `Alpha` and ` Inc`, as before quoting existed."""
    assert projects_of(client, "in", ["Alpha, Inc"]) == ["Alpha"]
    assert projects_of(client, "in", ['Bob "B" Co', "Plain"]) == ['Bob "B" Co', "Plain"]  # a quote inside is text


@pytest.mark.parametrize("value", ['"Alpha', '"Alpha"x', '"a"b,c', '""', 'a,""'])
def test_broken_quoting_is_a_400_naming_the_parameter(client: FlaskClient, value: str) -> None:
    error(
        client.get(f"/expanses?filter[project_name][in]={quote(value, safe='')}"),
        400,
        parameter="filter[project_name][in]",
    )


@pytest.mark.parametrize("chosen", [["Alpha, Inc"], ['Bob "B" Co', ","], PROJECTS])
def test_the_project_resources_read_quoted_lists_alike(client: FlaskClient, chosen: list[str]) -> None:
    value = quote(",".join(quoted(label) for label in chosen), safe="")
    for operator, expected in (("in", set(chosen)), ("nin", set(PROJECTS) - set(chosen))):
        body = document(client.get(f"/projects?filter[name][{operator}]={value}&page[size]=100"))
        assert [resource["id"] for resource in body["data"]] == sorted(expected)
