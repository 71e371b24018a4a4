"""HTTP caching: the data never changes while a process runs, so every 200 is cacheable.

Why here, around the app: a strong ETag is derived from the dataset's fingerprint and the
normalized request (parameter order and percent-encoding do not matter), so a matching
`If-None-Match` is answered 304 before anything is parsed, queried or rendered.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, request

#: Paths whose answers must always be fresh.
_UNCACHED = frozenset({"/health"})


def init_app(app: Flask, fingerprint: str, max_age: int) -> None:
    """Register the 304 short-cut (after the request policy) and the headers on every 200."""
    app.extensions["cache"] = {"fingerprint": fingerprint, "control": f"public, max-age={max_age}"}
    app.before_request(_not_modified)
    app.after_request(_cache_headers)


def request_etag() -> str:
    """Strong ETag of this request's answer: data fingerprint + path + sorted decoded parameters."""
    digest = hashlib.sha256(current_app.extensions["cache"]["fingerprint"].encode())
    digest.update(request.path.encode())
    for name, value in sorted(request.args.items(multi=True)):
        digest.update(b"\0" + name.encode() + b"\0" + value.encode())
    return f'"{digest.hexdigest()[:32]}"'


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and request.path not in _UNCACHED and request.url_rule is not None


def _not_modified() -> Response | None:
    if not _cacheable() or not request.if_none_match:
        return None
    etag = request_etag()
    if not request.if_none_match.contains(etag.strip('"')):
        return None
    response = Response(status=304)
    _add_headers(response, etag)
    return response


def _cache_headers(response: Response) -> Response:
    if response.status_code == 200 and _cacheable():
        _add_headers(response, request_etag())
    elif request.path in _UNCACHED:
        response.headers["Cache-Control"] = "no-store"
    return response


def _add_headers(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = current_app.extensions["cache"]["control"]
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
