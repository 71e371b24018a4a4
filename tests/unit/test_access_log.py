"""The access line's fields are what gunicorn's own `atoms()` reads from the same exchange."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from gunicorn.config import Config

from service.ops.logs import AccessLogger

#: Our field and the gunicorn atom it must equal.
ATOMS = {
    "remote": "h",
    "method": "m",
    "path": "U",
    "query": "q",
    "bytes": "B",
    "referer": "f",
    "user_agent": "a",
}


class Response:
    def __init__(self, status: str | int, sent: int | None, headers: list[tuple[str, str]]) -> None:
        self.status, self.sent, self.headers = status, sent, headers


class Request:
    headers = [("HOST", "api.example"), ("USER-AGENT", "agent\u00e9")]


class Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


ENVIRONS = [
    {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/expanses?filter%5Bmember_name%5D=Sam",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/expanses",
        "QUERY_STRING": "filter%5Bmember_name%5D=Sam",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": "agent\u00e9 [CRITICAL]",
        "HTTP_REFERER": "https://example.org/",
    },
    {  # no address, agent or referer: gunicorn's "-"
        "REQUEST_METHOD": "HEAD",
        "RAW_URI": "/expanses/1%0Aforged",
        "SERVER_PROTOCOL": "HTTP/1.0",
        "PATH_INFO": "/expanses/1\nforged",
        "QUERY_STRING": "",
    },
]


@pytest.mark.parametrize("environ", ENVIRONS)
@pytest.mark.parametrize(
    "response",
    [
        Response("200 OK", 512, [("Content-Type", "application/vnd.api+json"), ("X-Request-Id", "abc")]),
        Response("404 NOT FOUND", None, [("x-request-id", "def")]),
        Response(304, 0, []),
    ],
)
def test_fields_equal_gunicorns_atoms(environ: dict[str, Any], response: Response) -> None:
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogger(config)
    records: list[logging.LogRecord] = []
    logger.access_log.handlers = [Collect(records)]
    took = timedelta(milliseconds=12, microseconds=345)
    logger.access(response, Request(), environ, took)
    [record] = records
    logged = record.__dict__
    atoms = logger.atoms(response, Request(), environ, took)
    assert {field: logged[field] for field in ATOMS} == {field: atoms[atom] for field, atom in ATOMS.items()}
    assert logged["status"] == int(str(atoms["s"])) and isinstance(logged["status"], int)
    assert logged["duration_ms"] == 12.345
    headers = {name.lower(): value for name, value in response.headers}
    assert logged["request_id"] == headers.get("x-request-id")
