"""HTTP behaviour as a table: content negotiation, methods, OPTIONS; then HEAD and the headers on every answer.

Each row is one request, sent to each of its paths in-process and over HTTP (`send`), and what
every answer must be (docs/api.md: "Errors", and JSON:API 1.1 content negotiation). To add a
case, add a line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pytest

from tests.contract.conftest import Send
from tests.helpers.jsonapi import document, error

API_PATHS = (
    "/",
    "/health",
    "/expanses",
    "/expanses/1",
    "/aggregates",
    "/members",
    "/members/Sam",
    "/members/Sam/expanses",
    "/expanses/1/member",
    "/expanses/1/relationships/member",
)
ALLOW = "GET, HEAD, OPTIONS"  # what 403 and 405 answers say, in this order
JSONAPI = "application/vnd.api+json"
WRITE = {"data": {"type": "expanses"}}
WRITE_PATHS = (*API_PATHS, "/openapi.json", "/docs")

Header = Callable[[str | None], bool]


def listing(*items: str) -> Header:
    """A comma-separated list of exactly these items, in any order."""
    return lambda value: value is not None and set(value.split(", ")) == set(items)


def including(*items: str) -> Header:
    """A comma-separated list with at least these items."""
    return lambda value: value is not None and set(items) <= set(value.split(", "))


@dataclass(frozen=True)
class Behaviour:
    method: str
    sent: Mapping[str, str]  # the request's headers
    status: int
    #: Headers of the answer: a value it must have exactly, None where it must have none, or a test.
    answer: Mapping[str, str | Header | None] = field(default_factory=dict)
    source: str | None = None  # the header an error names (source.header)
    detail: str = ""  # part of an error's detail
    empty: bool = False  # an answer without a body
    json: object = None  # a request body
    paths: tuple[str, ...] = API_PATHS

    def __str__(self) -> str:
        where = [self.paths[0]] if len(self.paths) == 1 else []
        return " ".join([self.method, *where, *(f"{name}: {value}" for name, value in self.sent.items())])


CORS_PREFLIGHT = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}

BEHAVIOURS = [
    # Accept: served where any JSON:API entry has no parameters but profile (or there is none).
    Behaviour("GET", {}, 200),
    Behaviour("GET", {"Accept": "*/*"}, 200),
    Behaviour("GET", {"Accept": "application/json"}, 200),
    Behaviour("GET", {"Accept": JSONAPI}, 200),
    Behaviour("GET", {"Accept": f"{JSONAPI}; q=0.5"}, 200),
    Behaviour("GET", {"Accept": f'{JSONAPI}; profile="https://example.com/profiles/x"'}, 200),
    Behaviour("GET", {"Accept": f"text/html, {JSONAPI}"}, 200),
    Behaviour("GET", {"Accept": f"{JSONAPI}; charset=utf-8, {JSONAPI}"}, 200),
    Behaviour("GET", {"Accept": f"{JSONAPI}; charset=utf-8"}, 406, source="Accept"),
    Behaviour("GET", {"Accept": f"{JSONAPI}; version=1.1, */*"}, 406, source="Accept"),
    Behaviour("GET", {"Accept": f'{JSONAPI}; ext="https://example.com/ext"'}, 406, source="Accept"),
    # Content-Type: JSON:API's without parameters, or a 415.
    Behaviour("GET", {"Content-Type": JSONAPI}, 200),
    Behaviour("GET", {"Content-Type": f"{JSONAPI}; charset=utf-8"}, 415, source="Content-Type"),
    # Methods: read-only.
    Behaviour("POST", {}, 403, {"Allow": ALLOW}, detail="read-only", json=WRITE, paths=WRITE_PATHS),
    Behaviour("PATCH", {}, 403, {"Allow": ALLOW}, detail="read-only", json=WRITE, paths=WRITE_PATHS),
    Behaviour("DELETE", {}, 403, {"Allow": ALLOW}, detail="read-only", json=WRITE, paths=WRITE_PATHS),
    Behaviour("PUT", {}, 405, {"Allow": ALLOW}),
    Behaviour("TRACE", {}, 405, {"Allow": ALLOW}),
    Behaviour("POST", {}, 404, paths=("/nothing",)),
    Behaviour("OPTIONS", {}, 200, {"Allow": listing("GET", "HEAD", "OPTIONS"), "Content-Type": None}, empty=True),
    Behaviour(
        "OPTIONS",
        CORS_PREFLIGHT,
        200,
        {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": listing("GET", "HEAD", "OPTIONS"),
            "Access-Control-Allow-Headers": including("Content-Type"),
        },
        empty=True,
        paths=("/expanses",),
    ),
]


@pytest.mark.parametrize("case", BEHAVIOURS, ids=str)
def test_http_behaviour(send: Send, subtests: pytest.Subtests, case: Behaviour) -> None:
    for path in case.paths:
        with subtests.test(path=path):
            reply = send(case.method, path, case.sent, case.json)
            assert reply.status_code == case.status
            if case.empty:
                assert reply.data == b""
            elif case.status == 200:
                document(reply)
            else:
                item = error(reply, case.status)
                if case.source:
                    assert item["source"] == {"header": case.source}
                assert case.detail in item["detail"]
            for name, expected in case.answer.items():
                value = reply.headers.get(name)
                assert expected(value) if callable(expected) else value == expected, (name, value)


HEAD_PATHS = [
    *API_PATHS,
    "/expanses/3",
    "/expanses?sort=-amount",
    "/expanses?sort=-amount&page[size]=3",
    "/aggregates?group_by=date_month",
    "/expanses?include=member,department,project&page[size]=3",
    "/departments?sort=-name",
]


@pytest.mark.parametrize("path", HEAD_PATHS)
def test_head_is_get_without_a_body(send: Send, path: str) -> None:
    head, got = send("HEAD", path), send("GET", path)
    assert head.status_code == got.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    # A proxy that gzips (the compose stack's nginx) sends the compressed GET chunked, without a length.
    assert head.headers.get("Content-Encoding") == got.headers.get("Content-Encoding")
    if "Content-Encoding" not in got.headers:
        assert head.headers["Content-Length"] == got.headers["Content-Length"]


@pytest.mark.parametrize(
    "path",
    ["/", "/expanses", "/expanses/0", "/expanses?sort=x", "/nowhere", "/docs", "/openapi.json", "/members/nobody"],
)
def test_every_response_carries_nosniff_and_cors(send: Send, path: str) -> None:
    reply = send("GET", path)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in reply.headers
