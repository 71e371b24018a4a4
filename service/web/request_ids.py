"""One id per request: the trusted proxy's `X-Request-Id`, or one of our own; returned and logged.

Why: an operator follows one request from the proxy's access log to the API's lines. Only a
proxy named in FORWARDED_ALLOW_IPS may choose the id (a client could otherwise pick ids that
collide with others'); anything else, or an id that is not short plain text, gets a new one:
128 random bits as 32 hex digits, from `os.urandom` (cheaper than building a `uuid4`:
docs/performance.md, "Fixed cost of a request").
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Request, Response, g

from service.config import Network

HEADER = "X-Request-Id"
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_id() -> str:
    """A fresh id: 128 random bits, 32 hex digits."""
    return os.urandom(16).hex()


@dataclass(frozen=True)
class RequestIds:
    """The pipeline's steps (service/web/pipeline.py); `trusted_proxies`: the networks whose id we take
    (None: any address, `*`)."""

    trusted_proxies: Sequence[Network] | None

    def choose(self, request: Request) -> None:
        g.request_id = self._from_trusted_proxy(request) or new_id()

    def send(self, request: Request, response: Response) -> Response:
        response.headers[HEADER] = g.get("request_id") or new_id()
        return response

    def _from_trusted_proxy(self, request: Request) -> str | None:
        given = request.headers.get(HEADER, "")
        if not given or not _PLAIN_ID.fullmatch(given):
            return None
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            return None
        if self.trusted_proxies is None or any(address in network for network in self.trusted_proxies):
            return given
        return None
