"""One error type for HTTP and one app-wide handler that renders every error alike.

Why: clients must get the same JSON:API error shape whatever failed: a bad parameter (a
`QueryError` of the query layer), an unknown path, a write to this read-only API, or a bug
(500, logged, never leaked).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, default_exceptions

from service.query.errors import QueryError
from service.web.documents import document_response

log = logging.getLogger(__name__)

#: The methods every path of this read-only API allows.
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class ApiError(Exception):
    """An error a client can act on: HTTP status, short title, and what to change."""

    status = 400
    title = "Bad request"

    def __init__(
        self, detail: str, parameter: str | None = None, header: str | None = None, send: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.parameter = parameter
        self.header = header
        #: Headers the answer carries (a 429's Retry-After).
        self.send = send or {}

    def source(self) -> dict[str, str] | None:
        """What in the request is to blame: a query parameter, or else a header."""
        if self.parameter is not None:
            return {"parameter": self.parameter}
        return None if self.header is None else {"header": self.header}


class NotFoundError(ApiError):
    status = 404
    title = "Not found"


class ReadOnlyError(ApiError):
    status = 403
    title = "Read-only API"


class NotAcceptableError(ApiError):
    status = 406
    title = "Not acceptable"


class QueryTooLongError(ApiError):
    status = 414
    title = "Query string too long"


class UnsupportedMediaTypeError(ApiError):
    status = 415
    title = "Unsupported media type"


def init_app(app: Flask) -> None:
    """Route every exception and HTTP status to one renderer."""
    app.register_error_handler(QueryError, _handle_query_error)
    app.register_error_handler(ApiError, _handle_api_error)
    for code in default_exceptions:
        app.register_error_handler(code, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)


def error_response(status: int, errors: list[dict[str, object]], profile: str | None = None) -> Response:
    """Render `errors` as a JSON:API error document; 403 and 405 say what is allowed."""
    response = document_response({"errors": errors}, status, profile)
    if status in (403, 405):
        response.headers["Allow"] = ALLOWED_METHODS
    return response


def error_object(status: int, title: str, detail: str, source: dict[str, str] | None = None) -> dict[str, object]:
    """One JSON:API error object: status, title, detail and, where one is to blame, its source."""
    error: dict[str, object] = {"status": str(status), "title": title, "detail": detail}
    if source is not None:
        error["source"] = source
    return error


def query_error_object(error: QueryError) -> dict[str, object]:
    """A query layer's error as a JSON:API error object: a 400 naming the parameter, with a profile's type and meta."""
    body = error_object(400, error.title, error.detail, {"parameter": error.parameter})
    if error.type_link is not None:
        body["links"] = {"type": error.type_link}
    if error.meta is not None:
        body["meta"] = error.meta
    return body


def _handle_query_error(error: QueryError) -> Response:
    log.info("%s %s -> 400: %s", request.method, request.full_path, error.detail)
    return error_response(400, [query_error_object(error)], error.profile)


def _handle_api_error(error: ApiError) -> Response:
    log.info("%s %s -> %s: %s", request.method, request.full_path, error.status, error.detail)
    response = error_response(error.status, [error_object(error.status, error.title, error.detail, error.source())])
    response.headers.update(error.send)
    return response


def _handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    detail = _HTTP_DETAILS.get(status, error.description or error.name)
    log.info("%s %s -> %s", request.method, request.full_path, status)
    return error_response(status, [error_object(status, error.name, detail)])


def _handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _handle_http_error(error)
    log.exception("unexpected error on %s %s", request.method, request.full_path)
    detail = "The server failed to answer this request. The error has been logged."
    return error_response(500, [error_object(500, "Internal server error", detail)])


_HTTP_DETAILS = {
    404: "There is nothing at this path. Start at / for the list of resources.",
    405: f"This method is not allowed here; this API allows {ALLOWED_METHODS}.",
}
