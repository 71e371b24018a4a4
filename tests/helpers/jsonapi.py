"""Assertions on JSON:API responses: media type, version, and the official 1.1 schema.

They take the test client's responses, or `Reply`, the same three things read from an answer
over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from jsonschema import Draft202012Validator
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "jsonapi-1.1.schema.json").read_text(encoding="utf-8")
)
_VALIDATOR = Draft202012Validator(_SCHEMA)


@dataclass(frozen=True)
class Reply:
    """An answer as the test client gives it (status, headers, body), whichever way it came."""

    status_code: int
    headers: Headers
    data: bytes

    @classmethod
    def of(cls, response: TestResponse | requests.Response) -> Reply:
        if isinstance(response, requests.Response):
            return cls(response.status_code, Headers(list(response.headers.items())), response.content)
        return cls(response.status_code, response.headers, response.get_data())


def document(response: TestResponse | Reply, profile: str | None = None) -> dict[str, Any]:
    """The response's JSON:API document, checked against the official schema.

    `profile`: the one profile it must say it applies, in its media type and `jsonapi.profile`.
    """
    expected = "application/vnd.api+json" if profile is None else f'application/vnd.api+json; profile="{profile}"'
    assert response.headers["Content-Type"] == expected, (response.status_code, response.data[:300])
    body: dict[str, Any] = json.loads(response.data)
    _VALIDATOR.validate(body)
    assert body["jsonapi"] == ({"version": "1.1"} if profile is None else {"version": "1.1", "profile": [profile]})
    return body


def error(
    response: TestResponse | Reply, status: int, parameter: str | None = None, profile: str | None = None
) -> dict[str, Any]:
    """The single error object of an error response, checked for the canonical shape."""
    assert response.status_code == status, response.data.decode(errors="replace")
    body = document(response, profile)
    assert "data" not in body
    [item] = body["errors"]
    assert isinstance(item, dict)
    assert item["status"] == str(status)
    assert item["title"] and item["detail"]
    if parameter is not None:
        assert item["source"] == {"parameter": parameter}
    return item


def walk(fetch: Callable[[str], dict[str, Any]], url: str, size: int) -> list[dict[str, Any]]:
    """Every page from `url` on by `links.next`, as documents fetched by `fetch`.

    Fails if a page is larger than `size`, if `meta.count` changes on the way, or if
    `links.next` goes on past the page count that `meta.count` and `size` give.
    """
    pages: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        body = fetch(next_url)
        count = (pages[0] if pages else body)["meta"]["count"]
        assert body["meta"]["count"] == count and len(body["data"]) <= size, next_url
        pages.append(body)
        assert len(pages) <= max(1, -(-count // size)), f"links.next goes on past the last page: {next_url}"
        next_url = body["links"]["next"]
    return pages
