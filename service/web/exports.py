"""Exports over HTTP: which representation a request asks for, a slot to stream it in, the streamed answer.

Why here: the choice between a JSON:API document, CSV and NDJSON is content negotiation (Accept,
or a path ending in `.csv` / `.ndjson` for browsers and spreadsheets, which cannot set Accept);
an export is a long answer, so the workers of one server share a few export slots (lock files
every worker sees; a slot is freed when its holder exits, however it exits), and a request
beyond them is a 429 with Retry-After rather than a worker taken from ordinary requests. A
reader that stops reading frees its worker after `SEND_TIMEOUT` seconds; a long export keeps
its worker from being taken for stuck (docs/decisions/0012-exports.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Request, Response, g, request, stream_with_context

from service.web.documents import JSONAPI_MEDIA_TYPE
from service.web.errors import ApiError, NotAcceptableError
from service.web.negotiation import media_ranges, quality_of
from service.web.state import keep, kept, state

#: Each export format: its media type (as sent and as Accept names it) and its path suffix.
MEDIA_TYPES = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8; header=present", "ndjson": "application/x-ndjson"}
#: Seconds a client may take to read one piece of an export before its worker gives up on it: a reader
#: slower than PIECE / SEND_TIMEOUT (25 KB/s) or one that stopped is dropped, and the worker is free again.
SEND_TIMEOUT = 10
PIECE = 256 * 1024
#: What a refused export is told to wait, in seconds.
RETRY_AFTER = 5


class TooManyExportsError(ApiError):
    status = 429
    title = "Too many exports"


@dataclass(frozen=True)
class ExportSlots:
    """`count` lock files in a directory every worker of this server shares; holding one is holding a slot."""

    directory: Path
    count: int

    def take(self) -> int | None:
        """An open, locked slot file (the caller closes it to free the slot), or None when all are taken."""
        for number in range(self.count):
            descriptor = os.open(self.directory / f"export-slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            return descriptor
        return None


@dataclass
class Offers:
    """What each JSON:API endpoint answers with: JSON:API only, also exports, or one export format (a suffix path).

    Endpoints not listed (the docs page, the contract, /metrics) answer their own media types.
    """

    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def negotiate(self, request: Request) -> None:
        """Which representation a request to a listed endpoint gets (`requested_format` reads it)."""
        formats = self.formats.get(request.endpoint or "")
        if formats is None:
            return
        g.export_format = formats[0] if len(formats) == 1 else chosen_format(request, formats)


def init_app(app: Flask, slots: int, directory: Path | None) -> Offers:
    """Keep the export slots (in `directory`, which every worker of the server shares, else one of this
    process's own) and the offers, which the routes fill (so: before the routes). `Offers.negotiate` is a
    step of the pipeline, after the request policy (its refusals come first), before caching (which reads
    the result)."""
    keep(app, ExportSlots(directory or Path(tempfile.mkdtemp(prefix="expanses-exports-")), max(slots, 1)))
    offers = Offers()
    keep(app, offers)
    return offers


#: Every export format, in the order a tie in Accept is settled.
FORMATS = tuple(MEDIA_TYPES)


def offer(app: Flask, endpoint: str, formats: tuple[str, ...] = ()) -> None:
    """List `endpoint` as a JSON:API endpoint that also exports in `formats` (one format: it exports only that)."""
    kept(app, Offers).formats[endpoint] = formats


def requested_format() -> str | None:
    """The export format negotiated for this request, None for a JSON:API document."""
    export_format: str | None = g.get("export_format")
    return export_format


def chosen_format(request: Request, formats: tuple[str, ...]) -> str | None:
    """The export format Accept asks for among `formats`, or None for a JSON:API document: the type it
    rates highest among those this path answers with, JSON:API first on a tie (and for `application/json`);
    none of them: 406.
    """
    accept = request.headers.get("Accept")
    entries = media_ranges(accept)
    rated: dict[str | None, float] = {
        None: max(quality_of(JSONAPI_MEDIA_TYPE, entries), quality_of("application/json", entries))
    }
    rated |= {name: quality_of(MEDIA_TYPES[name], entries) for name in formats}
    best = max(rated, key=lambda name: rated[name])  # dicts keep order: JSON:API wins a tie
    if rated[best] == 0:
        offered = [JSONAPI_MEDIA_TYPE, *(MEDIA_TYPES[name] for name in formats)]
        raise NotAcceptableError(
            f"Accept {accept!r} names none of the media types {request.path} answers with: {', '.join(offered)}.",
            header="Accept",
        )
    return best


def export_response(export_format: str, filename: str, chunks: Iterator[bytes]) -> Response:
    """Stream `chunks` as an attachment, in an export slot; 429 with Retry-After when every slot is taken.

    The first chunk is made before the answer starts, so an error in the query is still a JSON:API
    error; the proxy is told not to buffer (X-Accel-Buffering), and nothing keeps the body.
    """
    slot = state(ExportSlots).take()
    if slot is None:
        raise TooManyExportsError(
            f"Every export slot of this server is in use; try again in {RETRY_AFTER} seconds, "
            "or ask for pages of JSON:API instead.",
            send={"Retry-After": str(RETRY_AFTER)},
        )
    try:
        first = next(chunks, b"")
    except BaseException:
        os.close(slot)
        raise
    restore = _limit_stalls()
    body = _streamed(first, chunks, slot, restore)
    response = Response(stream_with_context(body), content_type=CONTENT_TYPES[export_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def keep_alive(notify: Callable[[], None]) -> None:
    """Tell the server this worker is alive after each piece of an export (service/ops/heartbeat.py)."""
    _heartbeat[:] = [notify]


_heartbeat: list[Callable[[], None]] = []


def _streamed(first: bytes, chunks: Iterator[bytes], slot: int, restore: Callable[[], None]) -> Iterator[bytes]:
    """The body in pieces of at most PIECE bytes, each followed by a heartbeat; the slot is freed and the
    socket's timeout restored when it ends, fails, or the client goes (the server closes the iterator)."""
    try:
        for chunk in itertools.chain((first,), chunks):
            for start in range(0, len(chunk), PIECE):
                yield chunk[start : start + PIECE]
                for notify in _heartbeat:
                    notify()
    finally:
        os.close(slot)
        restore()


def _limit_stalls() -> Callable[[], None]:
    """A client that reads nothing for SEND_TIMEOUT seconds makes the next write fail (gunicorn's socket);
    what puts the socket's own timeout back, for a worker that keeps the connection for another request."""
    connection = request.environ.get("gunicorn.socket")
    if connection is None:
        return lambda: None
    before = connection.gettimeout()
    connection.settimeout(SEND_TIMEOUT)

    def restore() -> None:
        with contextlib.suppress(OSError):  # the server may have closed it already
            connection.settimeout(before)

    return restore
