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
from service.data.fields import QUERYABLE, Kind
from service.engine.metrics import METRIC_KINDS
from service.query.operators import OPERATORS

SPEC: dict[str, Any] = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text("utf-8"))
FILTERABLE: dict[str, dict[str, Kind]] = {
    "/expanses": QUERYABLE,
    "/aggregates": {**QUERYABLE, **METRIC_KINDS},
    **{f"/{kind.type}": {"name": Kind.TEXT} for kind in DIMENSION_TYPES},
    **{f"/{kind.type}/{{id}}/expanses": QUERYABLE for kind in DIMENSION_TYPES},
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
    for field, kind in FILTERABLE[path].items():
        names.add(f"filter[{field}]")
        names |= {f"filter[{field}][{name}]" for name, op in OPERATORS.items() if op.applies_to(kind)}
    return names


@pytest.mark.parametrize("path", FILTERABLE)
def test_the_contract_documents_every_accepted_filter_and_no_other(path: str) -> None:
    documented = set(documented_filters(path))
    accepted = accepted_filters(path)
    assert sorted(accepted - documented) == [], "accepted but not in openapi.yaml"
    assert sorted(documented - accepted) == [], "in openapi.yaml but refused"


@pytest.mark.parametrize("path", FILTERABLE)
def test_each_filter_says_what_its_operator_means(path: str) -> None:
    for name, parameter in documented_filters(path).items():
        match = _FILTER.fullmatch(name)
        assert match is not None, name
        meaning = OPERATORS[match["op"] or "eq"].meaning
        assert parameter["description"].endswith(f" {meaning} the value."), (name, parameter["description"])
