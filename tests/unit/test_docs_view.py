"""The docs page's view of the contract (service/web/docs_view.py), derived from openapi.yaml as read here.

Expected values come from the file read by this test and from lists written here, never from the view.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from service.web.docs_view import people_view

CONTRACT: dict[str, Any] = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text("utf-8"))
VIEW = people_view(CONTRACT)


def names(path: str, contract: dict[str, Any] = VIEW) -> list[str]:
    """The GET operation's parameter names, in order, $refs resolved."""
    found = []
    for parameter in contract["paths"][path]["get"].get("parameters", []):
        if "$ref" in parameter:
            parameter = contract["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found.append(parameter["name"])
    return found


def box(path: str, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [p for p in VIEW["paths"][path]["get"]["parameters"] if p.get("name") == name]
    assert len(found) == 1, (path, name)
    return found[0]


def test_get_expanses_shows_one_box_per_family() -> None:
    assert names("/expanses") == ["sort", "fields", "page", "include", "filter"]
    assert len(names("/expanses", CONTRACT)) > 100  # what the page showed before


@pytest.mark.parametrize("path", [path for path in CONTRACT["paths"] if "get" in CONTRACT["paths"][path]])
def test_no_operation_keeps_a_bracketed_parameter_or_a_family_twice(path: str) -> None:
    shown = names(path)
    assert not [name for name in shown if "[" in name]
    assert len(shown) == len(set(shown))


def test_every_path_and_read_is_listed_and_no_refusal() -> None:
    assert list(VIEW["paths"]) == list(CONTRACT["paths"])
    operations = {(path, method) for path, item in VIEW["paths"].items() for method in item if method != "parameters"}
    assert operations == {(path, "get") for path in CONTRACT["paths"]}
    assert "POST, PATCH and DELETE on every path are refused" in VIEW["info"]["description"]
    assert "/openapi.json" in VIEW["info"]["description"]


def test_the_view_is_valid_openapi_and_the_contract_is_untouched() -> None:
    validate(VIEW)
    assert "post" in CONTRACT["paths"]["/expanses"] and "filter[amount][gte]" in names("/expanses", CONTRACT)


def test_the_filter_box_names_every_field_and_operator_and_its_example_runs() -> None:
    documented = [name for name in names("/expanses", CONTRACT) if name.startswith("filter[")]
    parts = [re.findall(r"\[(\w+)\]", name) for name in documented]  # [field] or [field, operator]
    fields, operators = {part[0] for part in parts}, {part[1] for part in parts if len(part) == 2}
    assert {"member_name", "amount", "date_quarter"} <= fields and {"gte", "in", "starts_with"} <= operators
    filter_box = box("/expanses", "filter")
    described = set(re.findall(r"`(\w+)`", filter_box["description"]))
    assert fields <= described and operators <= described
    assert (filter_box["style"], filter_box["explode"]) == ("form", True)  # each key a parameter of its own
    assert filter_box["example"] == {"filter[member_name]": "Sam", "filter[amount][gte]": "2000"}
    assert set(filter_box["example"]) <= set(documented)


def test_page_and_fields_are_deep_objects_with_their_keys() -> None:
    page, fields = box("/expanses", "page"), box("/expanses", "fields")
    assert (page["style"], fields["style"]) == ("deepObject", "deepObject")
    assert list(page["schema"]["properties"]) == ["number", "size", "after", "before"]
    assert page["example"] == {"number": 1, "size": 20}
    assert list(fields["schema"]["properties"]) == ["expanses", "departments", "projects", "members"]
    assert fields["example"]["expanses"] == "departments,member_name,amount,member"


def test_a_path_whose_filters_have_no_example_gets_an_empty_one() -> None:
    """Empty, not absent: without an example Swagger UI invents `additionalProp1=string`, a 400."""
    assert box("/departments", "filter")["example"] == {}
    assert names("/departments") == ["sort", "fields", "page", "filter"]
