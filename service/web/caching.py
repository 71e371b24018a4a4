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
from flask import Request, Response, g

from service.data.release import SERVICE_CODE, release_fingerprint
from service.web.api_docs import OPENAPI_PATH
from service.web.documents import JSONAPI_MEDIA_TYPE, root_url
from service.web.exports import requested_format
from service.web.metrics import ANSWER_MEMORY_HITS
from service.web.negotiation import requested_profiles

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


def http_cache(fingerprint: str, max_age: int, memory_mb: int, variant: str = "") -> HttpCache:
    """An app's cache: its steps go in the pipeline after the request policy and negotiation.

    `variant`: what else changes every answer of this deployment (how member names are written).
    """
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(_this_release().encode())
    digest.update(variant.encode())
    return HttpCache(digest, f"public, max-age={max_age}", ResponseMemory(memory_mb * 1024 * 1024))


#: What answers depend on besides the data: this code, the contract, the docs page and its assets.
RELEASE_FILES = (SERVICE_CODE, OPENAPI_PATH, Path(flask_swagger_ui.__file__).resolve().parent)


@functools.cache
def _this_release() -> str:
    """This process's release, hashed once: its files do not change while it runs (every app shares it)."""
    return release_fingerprint(RELEASE_FILES)


@dataclass(frozen=True)
class HttpCache:
    """The pipeline's two steps (service/web/pipeline.py): the 304 and memory short-cuts before the view,
    the headers on every 200 after it. `digest`: the hash of what every answer depends on (copied per
    request); `control`: Cache-Control; `memory`: the recent answers."""

    digest: hashlib._Hash
    control: str
    memory: ResponseMemory

    def answer_early(self, request: Request) -> Response | None:
        """A remembered answer (this exact request succeeded before): 304 if the client holds it, else the body."""
        if not _cacheable(request):
            return None
        g.etag = etag = self.etag(request)
        body = self.memory.get(etag)
        if body is None:
            return None
        g.remembered = True
        ANSWER_MEMORY_HITS.inc()
        return Response(status=304) if _client_holds(request, etag) else Response(body, mimetype=JSONAPI_MEDIA_TYPE)

    def add_headers(self, request: Request, response: Response) -> Response:
        """ETag and Cache-Control on every 200 (a 304 if the client holds it); no-store where answers must be fresh."""
        if response.status_code == 200 and _cacheable(request):
            etag = g.get("etag") or self.etag(request)
            # Only the plain media type is remembered: the early answer is given with it (a profile's
            # answer, which names the profile in its Content-Type, is rendered each time).
            if response.content_type == JSONAPI_MEDIA_TYPE and not g.get("remembered"):
                self.memory.put(etag, response.get_data())
            if _client_holds(request, etag):
                response = Response(status=304)
            self._add_headers(response, etag)
        elif response.status_code == 304 and g.get("remembered"):
            self._add_headers(response, g.etag)
        elif request.path in _UNCACHED:
            response.headers["Cache-Control"] = "no-store"
        return response

    def etag(self, request: Request) -> str:
        """Strong ETag of this request's answer: the data fingerprint and what `_request_key` encodes."""
        digest = self.digest.copy()
        digest.update(_request_key(request))
        return f'"{digest.hexdigest()[:32]}"'

    def _add_headers(self, response: Response, etag: str) -> None:
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = self.control
        response.headers["Vary"] = "Accept"
        response.headers["Access-Control-Expose-Headers"] = "ETag"


def _request_key(request: Request) -> bytes:
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


def _cacheable(request: Request) -> bool:
    """A JSON:API answer to a read: exports (service/web/exports.py) are neither remembered nor given ETags."""
    return (
        request.method in ("GET", "HEAD")
        and request.path not in _UNCACHED
        and request.url_rule is not None
        and requested_format() is None
    )


def _client_holds(request: Request, etag: str) -> bool:
    """If-None-Match names this representation (weak comparison, RFC 9110 13.1.2) or any (`*`)."""
    return request.if_none_match.contains_weak(etag.strip('"'))
