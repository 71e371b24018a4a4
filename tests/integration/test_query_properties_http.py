"""Through HTTP, any mix of query parameters is answered 200, or 400/414 naming one of them."""

from __future__ import annotations

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.hypothesis_profiles import examples
from tests.unit.test_query_properties import pairs


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_pairs=pairs, path=st.sampled_from(["/expanses", "/aggregates", "/expanses/1"]))
def test_any_parameters_are_200_or_an_error_naming_one(
    sample_app: Flask, query_pairs: list[tuple[str, str]], path: str
) -> None:
    response = sample_app.test_client().get(path, query_string=query_pairs)
    assert response.status_code in (200, 400, 414), response.get_data(as_text=True)
    body = response.get_json(force=True)
    if response.status_code != 200:
        [error] = body["errors"]
        assert error["source"]["parameter"] in {name for name, _ in query_pairs}
