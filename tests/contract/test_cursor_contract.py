"""Cursor pagination over HTTP against any base URL (gunicorn here, the proxy in make test-docker).

What the in-process tests cannot see: the profile's media type parameter and cursors in links
surviving the real server (and a proxy), and a cursor walk agreeing with a walk by page number.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from service.query.cursor_profile import PROFILE
from tests.helpers.jsonapi import walk
from tests.helpers.live_server import REPO

_JSONAPI = Draft202012Validator(json.loads((REPO / "tests" / "schemas" / "jsonapi-1.1.schema.json").read_text()))
PROFILED = f'application/vnd.api+json; profile="{PROFILE}"'
ASK = {"Accept": PROFILED}


def profiled(response: requests.Response, status: int = 200) -> dict[str, Any]:
    """A document that says it applies the cursor pagination profile."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROFILED
    body: dict[str, Any] = response.json()
    _JSONAPI.validate(body)
    assert body["jsonapi"] == {"version": "1.1", "profile": [PROFILE]}
    return body


def get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


@pytest.mark.parametrize(
    ("query", "size"),
    [("sort=member_name,-amount", 9), ("filter[amount][gte]=1400&sort=-date,departments", 5), ("", 20)],
)
def test_a_cursor_walk_agrees_with_a_walk_by_number_both_ways(base_url: str, query: str, size: int) -> None:
    first = f"{base_url}/expanses?{query}&page[size]={size}"
    by_cursor = walk(lambda url: profiled(get(url, headers=ASK if url == first else None)), first, size)
    by_number = walk(lambda url: get(url).json(), first, size)
    assert [[item["id"] for item in page["data"]] for page in by_cursor] == [
        [item["id"] for item in page["data"]] for page in by_number
    ]
    assert all(item["meta"]["page"]["cursor"] for page in by_cursor for item in page["data"])
    back = [by_cursor[-1]]
    while back[-1]["links"]["prev"]:
        back.append(profiled(get(back[-1]["links"]["prev"])))
    assert [page["data"] for page in reversed(back)] == [page["data"] for page in by_cursor]


def test_head_of_a_cursor_page_says_the_same_media_type(base_url: str) -> None:
    url = f"{base_url}/expanses?page[size]=2"
    assert requests.head(url, headers=ASK, timeout=10).headers["Content-Type"] == PROFILED


@pytest.mark.parametrize(
    ("query", "parameter", "profile_error"),
    [
        ("page[after]=bm90IGEgY3Vyc29y", "page[after]", False),
        ("page[before]=%00", "page[before]", False),
        ("page[after]=WyJ4Il0&page[number]=2", "page[number]", False),
        ("page[after]=WyJ4Il0&page[before]=WyJ4Il0", "page[before]", True),
        ("page[after]=WyJ4Il0&page[size]=1001", "page[size]", True),
    ],
)
def test_cursor_errors_are_400s_naming_the_parameter(
    base_url: str, query: str, parameter: str, profile_error: bool
) -> None:
    response = get(f"{base_url}/expanses?{query}")
    if profile_error:
        [item] = profiled(response, 400)["errors"]
        assert item["links"]["type"].startswith(PROFILE)
    else:
        assert response.status_code == 400 and response.headers["Content-Type"] == "application/vnd.api+json"
        [item] = response.json()["errors"]
    assert item["source"] == {"parameter": parameter}
