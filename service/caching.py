"""HTTP caching: the data never changes while a process runs, so every 200 is cacheable.

Why here, around the app: a strong ETag is derived from the dataset's fingerprint and the
normalized request (parameter order and percent-encoding do not matter), so a matching
`If-None-Match` is answered 304 before anything is parsed, queried or rendered. For the
same reason each worker keeps the bodies it rendered most recently, keyed by that ETag,
and answers a repeated request from memory (bounded by RESPONSE_CACHE_MB).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request

from service.documents import JSONAPI_MEDIA_TYPE, root_url

#: Paths whose answers must always be fresh.
_UNCACHED = frozenset({"/health"})


class ResponseMemory:
    """The most recently rendered documents by ETag, least recently used out first, within a byte budget."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self.largest = budget_bytes // 16  # one huge page must not evict everything else
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # gthread workers share it between threads

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self.largest:
            return
        with self._lock:
            if etag in self._bodies:
                return
            self._bodies[etag] = body
            self._size += len(body)
            while self._size > self.budget:
                _, evicted = self._bodies.popitem(last=False)
                self._size -= len(evicted)


def init_app(app: Flask, fingerprint: str, max_age: int, memory_mb: int) -> None:
    """Register the 304 and memory short-cuts (after the request policy) and the headers on every 200."""
    app.extensions["cache"] = {
        "digest": hashlib.sha256(fingerprint.encode()),  # copied per request: the data part is hashed once
        "control": f"public, max-age={max_age}",
        "memory": ResponseMemory(memory_mb * 1024 * 1024),
    }
    app.before_request(_answer_early)
    app.after_request(_cache_headers)


def request_etag() -> str:
    """Strong ETag of this request's answer: data fingerprint + host + path + sorted decoded parameters."""
    digest = current_app.extensions["cache"]["digest"].copy()
    digest.update(root_url().encode() + request.path.encode())  # bodies carry absolute links
    for name, value in sorted(request.args.items(multi=True)):
        digest.update(b"\0" + name.encode() + b"\0" + value.encode())
    return f'"{digest.hexdigest()[:32]}"'


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and request.path not in _UNCACHED and request.url_rule is not None


def _answer_early() -> Response | None:
    """304 for a matching If-None-Match; else the remembered body of the same request, if any."""
    if not _cacheable():
        return None
    g.etag = etag = request_etag()
    if request.if_none_match and request.if_none_match.contains(etag.strip('"')):
        return Response(status=304)
    body = current_app.extensions["cache"]["memory"].get(etag)
    if body is None:
        return None
    g.remembered = True
    return Response(body, mimetype=JSONAPI_MEDIA_TYPE)


def _cache_headers(response: Response) -> Response:
    if response.status_code in (200, 304) and _cacheable():
        etag = g.get("etag") or request_etag()
        _add_headers(response, etag)
        if response.status_code == 200 and response.mimetype == JSONAPI_MEDIA_TYPE and not g.get("remembered"):
            current_app.extensions["cache"]["memory"].put(etag, response.get_data())
    elif request.path in _UNCACHED:
        response.headers["Cache-Control"] = "no-store"
    return response


def _add_headers(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = current_app.extensions["cache"]["control"]
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
