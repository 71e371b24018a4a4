"""Every bad query (tests/helpers/bad_queries.py) on every path it is bad on, in-process and over HTTP."""

from __future__ import annotations

import pytest

from tests.contract.conftest import Send
from tests.helpers.bad_queries import BAD_QUERIES, EVERY_PATH, PLAIN, BadQuery
from tests.helpers.jsonapi import error


@pytest.mark.parametrize("case", BAD_QUERIES, ids=[case.query[:60] for case in BAD_QUERIES])
def test_a_bad_query_is_a_400_naming_the_parameter(send: Send, subtests: pytest.Subtests, case: BadQuery) -> None:
    for path in case.paths:
        with subtests.test(path=path):
            item = error(send("GET", f"{path}?{case.query}"), 400, case.parameter)
            assert item["title"] == "Invalid query parameter"
            if path == case.words_on:
                assert case.words in item["detail"]
            if path in PLAIN:
                assert path in item["detail"]  # "/health takes no query parameters; remove 'foo'."


@pytest.mark.parametrize("path", EVERY_PATH)
def test_every_path_of_the_table_is_served_without_a_query(send: Send, path: str) -> None:
    """The control: each 400 above is the query's doing."""
    assert send("GET", path).status_code == 200
