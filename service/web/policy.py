"""Rules that hold on every path: read-only methods, JSON:API media types, response headers.

Why: JSON:API 1.1 content negotiation (406/415) and the read-only contract (403 with
`Allow`) apply to the whole API, before any resource runs, so they live in one hook; the
headers every response carries (nosniff, CORS for any origin, no credentials) in another.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Request, Response, request
from werkzeug.exceptions import MethodNotAllowed

from service.query.errors import QueryError
from service.web.documents import JSONAPI_MEDIA_TYPE
from service.web.errors import (
    ALLOWED_METHODS,
    ApiError,
    NotAcceptableError,
    QueryTooLongError,
    ReadOnlyError,
    UnsupportedMediaTypeError,
)
from service.web.negotiation import jsonapi_acceptable, media_range

WRITE_METHODS = frozenset({"POST", "PATCH", "DELETE"})
#: Documented limits: the raw query string's length (gunicorn refuses request lines over
#: 8190 bytes before the app sees them) and the number of query parameters (above the 105
#: distinct ones `/aggregates` accepts, each at most once).
MAX_QUERY_LENGTH = 8000
MAX_PARAMETERS = 200
_HOST_AND_PORT = re.compile(r"(?P<name>\[[^\]]*\]|[^:\[\]]*)(?::(?P<port>[0-9]{1,5}))?")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def add_headers(request: Request, response: Response) -> Response:
    """No MIME sniffing; readable from any origin (public data, no cookies); preflights answered."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        del response.headers["Content-Type"]  # an empty answer has no media type (Flask's default said text/html)
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def check_request(request: Request) -> None:
    """Refuse a malformed Host (400), writes on existing paths (403), then bad Content-Type (415) or Accept (406)."""
    if not _is_host(request.host):
        raise ApiError(
            f"The Host header {request.headers.get('Host', '')!r} is not a host name or address with an optional port.",
            header="Host",
        )
    method = request.method
    if method in WRITE_METHODS and (
        request.url_rule is not None or isinstance(request.routing_exception, MethodNotAllowed)
    ):
        raise ReadOnlyError(f"This API is read-only; {method} is not allowed. Use {ALLOWED_METHODS}.")
    content_type = request.headers.get("Content-Type")
    if content_type and not media_range(content_type).jsonapi_can_honour():
        raise UnsupportedMediaTypeError(
            f"Content-Type {content_type!r} carries media type parameters JSON:API does not allow; "
            f"send {JSONAPI_MEDIA_TYPE} without parameters.",
            header="Content-Type",
        )
    _check_query_size(request)
    accept = request.headers.get("Accept")
    if accept and not jsonapi_acceptable(accept):
        raise NotAcceptableError(
            f"Every JSON:API media type in Accept {accept!r} has parameters this server cannot honour; "
            f"accept {JSONAPI_MEDIA_TYPE} without parameters (or application/json).",
            header="Accept",
        )


@functools.lru_cache(maxsize=64)  # one Host on nearly every request; any client's kept only while recent
def _is_host(host: str) -> bool:
    """A DNS name (labels of letters, digits and inner hyphens), an IPv4 or a bracketed IPv6 address, and a port.

    Werkzeug checks the characters only (and empties a Host it cannot read); links are built
    from it, so `-`, `a..b` or `[:::::]` must not get through.
    """
    match = _HOST_AND_PORT.fullmatch(host)
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        return False
    name = match["name"]
    if name.startswith("["):
        try:
            ipaddress.IPv6Address(name[1:-1])
        except ValueError:
            return False
        return True
    return 0 < len(name) <= 253 and all(_LABEL.fullmatch(label) for label in name.split("."))


def _check_query_size(request: Request) -> None:
    """Refuse oversized query strings (414) and too many parameters (400), naming a parameter."""
    if not request.query_string:
        return
    names = [name for name, _ in request.args.items(multi=True)]
    if len(request.query_string) > MAX_QUERY_LENGTH:
        longest = max(request.args.items(multi=True), key=lambda pair: len(pair[0]) + len(pair[1]), default=("", ""))
        raise QueryTooLongError(
            f"The query string is {len(request.query_string)} bytes; at most {MAX_QUERY_LENGTH} are accepted.",
            parameter=longest[0],
        )
    if len(names) > MAX_PARAMETERS:
        raise QueryError(
            names[MAX_PARAMETERS], f"{len(names)} query parameters; at most {MAX_PARAMETERS} are accepted."
        )


View = TypeVar("View", bound=Callable[..., Response])


def takes_no_query(view: View) -> View:
    """Wrap a view of a path that reads no query parameters, so any given is a 400 naming it."""

    @wraps(view)
    def checked(*args: object, **kwargs: object) -> Response:
        for name in request.args:
            raise QueryError(name, f"{request.path} takes no query parameters; remove {name!r}.")
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]
