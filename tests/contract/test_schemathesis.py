"""Generated tests: every operation of openapi.yaml, valid and invalid inputs, all checks on."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import allow_header_conformance

from service.app import create_app
from service.config import Settings
from tests.helpers.hypothesis_profiles import examples
from tests.helpers.live_server import REPO

schema = schemathesis.openapi.from_path(REPO / "openapi.yaml")


@schema.hook
def filter_case(context: Any, case: Any) -> bool:
    """Skip cases that are valid or invalid only by rules OpenAPI cannot express.

    - `/aggregates` (or its exports) sorting on a dimension it does not group by: that rule spans two
      parameters; generated "valid" cases would break it and be refused with 400 by design.
    - A sparse fieldset or include holding one empty name (`[""]`): form style writes it as
      `fields[TYPE]=` (`include=`), exactly how an empty list (`[]`, allowed) is written, and
      JSON:API reads it so.
    - A cursor (`page[after]`, `page[before]`): only one the API gave is valid, and it must come
      with the sort and filters it was made for; no schema can say which text that is.
    test_contract.py and test_paths_and_fieldsets.py cover the first two,
    tests/integration/test_cursor_pagination.py and tests/contract/test_cursor_contract.py cursors.
    """
    for name, value in (case.query or {}).items():
        if (name.startswith("fields[") or name == "include") and _items(value) in ([""], []):
            return False
        if name in ("page[after]", "page[before]"):
            return False
    if not case.operation.path.startswith("/aggregates") or not case.query:  # its exports too
        return True
    grouped = set(_items(case.query.get("group_by")))
    sortable = grouped | {"currency", "total", "count", "average", "min", "max"}
    return all(key.removeprefix("-") in sortable for key in _items(case.query.get("sort")))


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).split(",")


#: The spec documents POST/PATCH/DELETE because they answer 403 on every path, but `Allow`
#: rightly lists only the methods that succeed (GET, HEAD, OPTIONS), which this check reads as
#: a mismatch. test_contract.py asserts the exact `Allow` header instead.
EXCLUDED = [allow_header_conformance]


@functools.cache
def metrics_hidden(base_url: str) -> bool:
    """Behind the proxy, /metrics is not published: every method gets the proxy's 404, by design."""
    response = requests.get(f"{base_url}/metrics", timeout=10)
    return response.status_code == 404 and response.headers.get("Content-Type") == "application/vnd.api+json"


@schema.parametrize()
@settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
def test_the_service_keeps_its_contract(case: Any, base_url: str) -> None:
    if case.operation.path == "/metrics" and metrics_hidden(base_url):
        pytest.skip("/metrics is the replicas' own, hidden by the proxy (tests/live/test_proxy.py checks its 404)")
    case.call_and_validate(base_url=base_url, excluded_checks=EXCLUDED, timeout=10)


#: The same contract, served by a deployment that dasherizes member names (MEMBER_NAME_FORMAT): the
#: description it serves is rewritten, so its generated requests use `filter[member-name]` and
#: `group-by` and its answers are checked against dasherized schemas. In-process, fewer examples; not
#: the docs page's static files (no member names; Flask's file answers stay open in a WSGI call).
dasherized_app = create_app(Settings(csv_path=REPO / "data" / "expanses.csv", member_names="dasherize"))
dasherized = schemathesis.openapi.from_wsgi("/openapi.json", dasherized_app).exclude(path="/docs/{asset}")


@dasherized.hook("filter_case")
def filter_dasherized_case(context: Any, case: Any) -> bool:
    """As `filter_case`, with the dasherized names."""
    query = {name.replace("group-by", "group_by"): value for name, value in (case.query or {}).items()}
    for name, value in query.items():
        if (name.startswith("fields[") or name == "include") and _items(value) in ([""], []):
            return False
        if name in ("page[after]", "page[before]"):
            return False
    if not case.operation.path.startswith("/aggregates") or not query:
        return True
    grouped = set(_items(query.get("group_by")))
    sortable = grouped | {"currency", "total", "count", "average", "min", "max"}
    return all(key.removeprefix("-") in sortable for key in _items(query.get("sort")))


@dasherized.parametrize()
@settings(max_examples=examples(15), deadline=None, suppress_health_check=list(HealthCheck))
def test_a_dasherizing_deployment_keeps_its_contract(case: Any) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)
