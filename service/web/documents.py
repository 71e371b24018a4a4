"""Render JSON:API documents: one place that sets the media type and `jsonapi.version`.

Why: the library stamps version 1.0 on what it renders; we speak JSON:API 1.1, so every
response (resources, errors, the root) goes out through `document_response`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

JSONAPI_MEDIA_TYPE = "application/vnd.api+json"
JSONAPI_OBJECT = {"version": "1.1"}


def document_response(document: dict[str, Any], status: int = 200, profile: str | None = None) -> Response:
    """Serialize `document` with the app's JSON provider, stamped as JSON:API 1.1.

    A document that applies a profile says so twice, as JSON:API 1.1 asks: in `jsonapi.profile`
    and in the `profile` parameter of its media type.
    """
    if profile is None:
        document["jsonapi"] = JSONAPI_OBJECT
        return Response(current_app.json.dumps(document), status=status, mimetype=JSONAPI_MEDIA_TYPE)
    document["jsonapi"] = {**JSONAPI_OBJECT, "profile": [profile]}
    body = current_app.json.dumps(document)
    return Response(body, status=status, content_type=f'{JSONAPI_MEDIA_TYPE}; profile="{profile}"')


def root_url() -> str:
    """This request's scheme, host and script root, the base of every absolute link we render.

    Why not `request.url_root`: it rebuilds and IRI-decodes the whole URL on every access,
    a visible share of a single-record request.
    """
    return f"{request.scheme}://{request.host}{request.script_root}"
