"""One id per request: the trusted proxy's `X-Request-Id`, or one of our own; returned and logged.

Why: an operator follows one request from the proxy's access log to the API's lines. Only a
proxy named in FORWARDED_ALLOW_IPS may choose the id (a client could otherwise pick ids that
collide with others'); anything else, or an id that is not short plain text, gets a new one.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Sequence

from flask import Flask, Response, g, request

from service.config import Network

HEADER = "X-Request-Id"
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def init_app(app: Flask, trusted_proxies: Sequence[Network] | None) -> None:
    """`trusted_proxies`: the networks whose id we take (None: any address, `*`)."""

    def choose_id() -> None:
        g.request_id = _from_trusted_proxy(trusted_proxies) or uuid.uuid4().hex

    def return_id(response: Response) -> Response:
        response.headers[HEADER] = g.get("request_id") or uuid.uuid4().hex
        return response

    app.before_request(choose_id)
    app.after_request(return_id)


def _from_trusted_proxy(trusted: Sequence[Network] | None) -> str | None:
    given = request.headers.get(HEADER, "")
    if not _PLAIN_ID.fullmatch(given):
        return None
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return None
    if trusted is None or any(address in network for network in trusted):
        return given
    return None
