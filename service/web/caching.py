"""HTTP caching: the data never changes while a process runs, so every 200 is cacheable.

Why here, around the app: a strong ETag is derived from the dataset's fingerprint and an
unambiguous encoding of everything else the body depends on (scheme, host, path, the
decoded parameters in their order, as links repeat them, and the profiles Accept asks for).
Each worker keeps the bodies of the plain JSON:API media type it rendered most recently,
keyed by that ETag, and answers a repeated request from memory (bounded by RESPONSE_CACHE_MB).
Only a remembered answer is proof that a request succeeds, so a 304 is given before any work
only for those; any other request runs, and its 200 turns into a 304 when the client already
holds it (If-None-Match, weak comparison, `*`).
"""

from __future__ import annotations

import functools
import hashlib
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import flask_swagger_ui
from flask import Flask, Response, g, request

from service.data.release import SERVICE_CODE, release_fingerprint
from service.web.api_docs import OPENAPI_PATH
from service.web.documents import JSONAPI_MEDIA_TYPE, root_url
from service.web.exports import requested_format
from service.web.metrics import ANSWER_MEMORY_HITS
from service.web.negotiation import requested_profiles
from service.web.state import keep, state

#: Paths whose answers must always be fresh.
_UNCACHED = frozenset({"/health", "/metrics"})
#: What one remembered answer costs beyond its key and body objects: its slot in the ordered
#: dict (measured with tracemalloc: about 90 bytes per entry at 200,000 entries; rounded up).
_SLOT_BYTES = 128


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
        cost = _cost(etag, body)
        if cost > self.largest:
            return
        with self._lock:
            if etag in self._bodies:
                return
            self._bodies[etag] = body
            self._size += cost
            while self._size > self.budget:
                evicted_etag, evicted = self._bodies.popitem(last=False)
                self._size -= _cost(evicted_etag, evicted)


def _cost(etag: str, body: bytes) -> int:
    """The memory an entry really takes: both objects with their headers, and its slot."""
    return sys.getsizeof(etag) + sys.getsizeof(body) + _SLOT_BYTES


@dataclass(frozen=True)
class CacheState:
    """The hash of what every answer depends on (copied per request), Cache-Control, and the memory."""

    digest: hashlib._Hash
    control: str
    memory: ResponseMemory


def init_app(app: Flask, fingerprint: str, max_age: int, memory_mb: int, variant: str = "") -> None:
    """Register the 304 and memory short-cuts (after the request policy) and the headers on every 200.

    `variant`: what else changes every answer of this deployment (how member names are written).
    """
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(_this_release().encode())
    digest.update(variant.encode())
    keep(app, CacheState(digest, f"public, max-age={max_age}", ResponseMemory(memory_mb * 1024 * 1024)))
    app.before_request(_answer_early)
    app.after_request(_cache_headers)


#: What answers depend on besides the data: this code, the contract, the docs page and its assets.
RELEASE_FILES = (SERVICE_CODE, OPENAPI_PATH, Path(flask_swagger_ui.__file__).resolve().parent)


@functools.cache
def _this_release() -> str:
    """This process's release, hashed once: its files do not change while it runs (every app shares it)."""
    return release_fingerprint(RELEASE_FILES)


def request_etag() -> str:
    """Strong ETag of this request's answer: the data fingerprint and what `_request_key` encodes."""
    digest = state(CacheState).digest.copy()
    digest.update(_request_key())
    return f'"{digest.hexdigest()[:32]}"'


def _request_key() -> bytes:
    """Scheme, host and script root, path, the profiles Accept asks for (one part: a profile can
    change the answer), then each parameter name and value in order, each length-prefixed.

    Why length prefixes: no value can end early or begin another (a NUL or any other byte is
    just data), so two requests share a key only when every part is the same.
    """
    parts = [root_url(), request.path, " ".join(sorted(requested_profiles(request.headers.get("Accept"))))]
    for name, value in request.args.items(multi=True):
        parts += (name, value)
    key = bytearray()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        key += len(data).to_bytes(8, "big") + data
    return bytes(key)


def _cacheable() -> bool:
    """A JSON:API answer to a read: exports (service/web/exports.py) are neither remembered nor given ETags."""
    return (
        request.method in ("GET", "HEAD")
        and request.path not in _UNCACHED
        and request.url_rule is not None
        and requested_format() is None
    )


def _client_holds(etag: str) -> bool:
    """If-None-Match names this representation (weak comparison, RFC 9110 13.1.2) or any (`*`)."""
    return request.if_none_match.contains_weak(etag.strip('"'))


def _answer_early() -> Response | None:
    """A remembered answer (this exact request succeeded before): 304 if the client holds it, else the body."""
    if not _cacheable():
        return None
    g.etag = etag = request_etag()
    body = state(CacheState).memory.get(etag)
    if body is None:
        return None
    g.remembered = True
    ANSWER_MEMORY_HITS.inc()
    return Response(status=304) if _client_holds(etag) else Response(body, mimetype=JSONAPI_MEDIA_TYPE)


def _cache_headers(response: Response) -> Response:
    if response.status_code == 200 and _cacheable():
        etag = g.get("etag") or request_etag()
        # Only the plain media type is remembered: the early answer is given with it (a profile's
        # answer, which names the profile in its Content-Type, is rendered each time).
        if response.content_type == JSONAPI_MEDIA_TYPE and not g.get("remembered"):
            state(CacheState).memory.put(etag, response.get_data())
        if _client_holds(etag):
            response = Response(status=304)
        _add_headers(response, etag)
    elif response.status_code == 304 and g.get("remembered"):
        _add_headers(response, g.etag)
    elif request.path in _UNCACHED:
        response.headers["Cache-Control"] = "no-store"
    return response


def _add_headers(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = state(CacheState).control
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
