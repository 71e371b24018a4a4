"""One error type for the API and one app-wide handler that renders every error alike.

Why: clients must get the same JSON:API error shape whatever failed: a bad parameter,
an unknown path, a write to this read-only API, or a bug (500, logged, never leaked).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from flask_rest_jsonapi_next.exceptions import JsonApiException
from werkzeug.exceptions import HTTPException, default_exceptions

from service.documents import document_response

log = logging.getLogger(__name__)

#: The methods every path of this read-only API allows.
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class ApiError(Exception):
    """An error a client can act on: HTTP status, short title, and what to change."""

    status = 400
    title = "Bad request"
    #: A link naming the kind of error (JSON:API 1.1 `links.type`), where a profile defines one.
    type_link: str | None = None
    #: The profile whose error this is: the answer then says it applies that profile.
    profile: str | None = None

    def __init__(self, detail: str, parameter: str | None = None, header: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.parameter = parameter
        self.header = header
        self.meta: dict[str, object] | None = None

    def error_object(self) -> dict[str, object]:
        error: dict[str, object] = {"status": str(self.status), "title": self.title, "detail": self.detail}
        if self.parameter is not None:
            error["source"] = {"parameter": self.parameter}
        elif self.header is not None:
            error["source"] = {"header": self.header}
        if self.type_link is not None:
            error["links"] = {"type": self.type_link}
        if self.meta is not None:
            error["meta"] = self.meta
        return error


class QueryError(ApiError):
    """A query parameter that cannot be used; `parameter` names it exactly."""

    title = "Invalid query parameter"

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail, parameter=parameter)


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
    """Route every exception, HTTP status and library error to one renderer."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(JsonApiException, _handle_library_error)
    for code in default_exceptions:
        app.register_error_handler(code, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)


def error_response(status: int, errors: list[dict[str, object]], profile: str | None = None) -> Response:
    """Render `errors` as a JSON:API error document; 403 and 405 say what is allowed."""
    response = document_response({"errors": errors}, status, profile)
    if status in (403, 405):
        response.headers["Allow"] = ALLOWED_METHODS
    return response


def _handle_api_error(error: ApiError) -> Response:
    log.info("%s %s -> %s: %s", request.method, request.full_path, error.status, error.detail)
    return error_response(error.status, [error.error_object()], error.profile)


def _handle_library_error(error: JsonApiException) -> Response:
    status = int(error.status)
    body: dict[str, object] = {"status": str(status), "title": error.title, "detail": error.detail}
    if error.source:
        body["source"] = error.source
    log.info("%s %s -> %s: %s", request.method, request.full_path, status, error.detail)
    return error_response(status, [body])


def _handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    detail = _HTTP_DETAILS.get(status, error.description or error.name)
    log.info("%s %s -> %s", request.method, request.full_path, status)
    return error_response(status, [{"status": str(status), "title": error.name, "detail": detail}])


def _handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _handle_http_error(error)
    log.exception("unexpected error on %s %s", request.method, request.full_path)
    detail = "The server failed to answer this request. The error has been logged."
    return error_response(500, [{"status": "500", "title": "Internal server error", "detail": detail}])


_HTTP_DETAILS = {
    404: "There is nothing at this path. Start at / for the list of resources.",
    405: f"This method is not allowed here; this API allows {ALLOWED_METHODS}.",
}
