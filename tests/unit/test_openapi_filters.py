"""openapi.yaml's `filter[...]` parameters are exactly the fields × operators the service accepts.

Why: the contract is written by hand, the operator table (service/query/operators.py) and the field
catalogue (service/data/fields.py) are what the service runs; this keeps them one concept, both ways.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.api.dimension_types import DIMENSION_TYPES
from service.data.fields import FILTERABLE, Kind
from service.engine.metrics import METRIC_KINDS
from service.query.errors import QueryError
from service.query.operators import OPERATORS
from service.query.values import parse_value
from tests.unit.test_values import BAD, GOOD

SPEC: dict[str, Any] = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text("utf-8"))
FILTERS_OF: dict[str, dict[str, Kind]] = {
    "/expanses": FILTERABLE,
    "/aggregates": {**FILTERABLE, **METRIC_KINDS},
    **{f"/{kind.type}": {"name": Kind.TEXT} for kind in DIMENSION_TYPES},
    **{f"/{kind.type}/{{id}}/expanses": FILTERABLE for kind in DIMENSION_TYPES},
}
_FILTER = re.compile(r"filter\[(?P<field>\w+)\](?:\[(?P<op>\w+)\])?")


def documented_filters(path: str) -> dict[str, dict[str, Any]]:
    """The operation's filter parameters by name, $refs resolved."""
    found = {}
    for parameter in SPEC["paths"][path]["get"]["parameters"]:
        if "$ref" in parameter:
            parameter = SPEC["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["name"].startswith("filter["):
            found[parameter["name"]] = parameter
    return found


def accepted_filters(path: str) -> set[str]:
    names = set()
    for field, kind in FILTERS_OF[path].items():
        names.add(f"filter[{field}]")
        names |= {f"filter[{field}][{name}]" for name, op in OPERATORS.items() if op.applies_to(kind)}
    return names


@pytest.mark.parametrize("path", FILTERS_OF)
def test_the_contract_documents_every_accepted_filter_and_no_other(path: str) -> None:
    documented = set(documented_filters(path))
    accepted = accepted_filters(path)
    assert sorted(accepted - documented) == [], "accepted but not in openapi.yaml"
    assert sorted(documented - accepted) == [], "in openapi.yaml but refused"


@pytest.mark.parametrize("path", FILTERS_OF)
def test_each_filter_says_what_its_operator_means(path: str) -> None:
    for name, parameter in documented_filters(path).items():
        match = _FILTER.fullmatch(name)
        assert match is not None, name
        meaning = OPERATORS[match["op"] or "eq"].meaning
        assert parameter["description"].endswith(f" {meaning} the value."), (name, parameter["description"])


#: The schemas of one value and of a list of values, for each kind of field.
SCHEMAS = {
    Kind.TEXT: "Text",
    Kind.MONEY: "Money",
    Kind.DATE: "Date",
    Kind.ID: "Id",
    Kind.COUNT: "Count",
    Kind.WEEK: "Week",
    Kind.MONTH: "Month",
    Kind.QUARTER: "Quarter",
    Kind.YEAR: "Year",
}


@pytest.mark.parametrize("path", FILTERS_OF)
def test_each_filter_takes_the_values_of_its_field_kind(path: str) -> None:
    for name, parameter in documented_filters(path).items():
        match = _FILTER.fullmatch(name)
        assert match is not None, name
        kind = FILTERS_OF[path][match["field"]]
        schema = SCHEMAS[kind] + ("List" if OPERATORS[match["op"] or "eq"].takes_list else "Value")
        assert parameter["schema"] == {"$ref": f"#/components/schemas/{schema}"}, name


@pytest.mark.parametrize(("kind", "text"), [*GOOD, *((kind, text) for kind, text, _ in BAD)])
def test_the_date_bucket_schemas_accept_what_the_parser_accepts(kind: Kind, text: str) -> None:
    """As a JSON Schema validator reads a pattern (ECMA-262: `$` is the end, never before a final newline)."""
    schemas = SPEC["components"]["schemas"]
    one, listed = (schemas[SCHEMAS[kind] + suffix]["pattern"] for suffix in ("Value", "List"))
    try:
        parse_value("filter[x]", kind, text)
        accepted = True
    except QueryError:
        accepted = False
    for pattern, value in ((one, text), (listed, text), (listed, f"{text},{text}")):
        assert (re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is not None) == accepted, pattern
