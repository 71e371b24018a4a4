"""Routing on the path as the client wrote it, so an id holding `/` (`R&D/Ops`) is one segment.

Why: WSGI hands an app its path percent-decoded, so `/members/R%26D%2FOps/expanses` arrives as
`/members/R&D/Ops/expanses`, and no route can tell the label `x/expanses` from the related
collection of `x`. gunicorn (and Werkzeug's test client) also pass the path as sent
(`RAW_URI`), and nginx in front passes it on unchanged. So before routing, each segment of the
raw path is decoded and written again in one canonical percent-encoding (every byte but
letters, digits and `-._~` escaped): routes see exactly one segment per id, `<id>` holds its
escaped text, and views decode it (`label_of`). Links are written with the same encoding
(`segment`), so a link and the request for it name the same path, and different escapes of one
path share one ETag. Where the server gives no raw path, the decoded one is escaped the same
way (an encoded `/` is then lost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from flask import Flask

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def segment(label: str) -> str:
    """A label as one path segment: every reserved character escaped, and `.`/`..` too (clients drop them)."""
    if label in (".", ".."):
        return "%2E" * len(label)
    return quote(label, safe="")


def label_of(escaped: str) -> str | None:
    """The label a canonical segment (`<id>` of a route) stands for; None if its bytes are not UTF-8."""
    try:
        return unquote_to_bytes(escaped).decode("utf-8")
    except UnicodeDecodeError:
        return None


def canonical_path(environ: Environ) -> str:
    """PATH_INFO written canonically, its segments as the client separated them (see the module's docstring)."""
    decoded = environ.get("PATH_INFO", "").encode("latin-1")
    raw = _raw_path(environ, decoded)
    segments = [unquote_to_bytes(part) for part in raw.split(b"/")] if raw is not None else decoded.split(b"/")
    return "/".join(quote(part, safe="") for part in segments)


def _raw_path(environ: Environ, decoded: bytes) -> bytes | None:
    """The path as sent, without the script root, if the server gave one that decodes to PATH_INFO."""
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not uri:
        return None
    raw = str(uri).encode("latin-1")
    if not raw.startswith(b"/"):  # absolute form: http://host/path
        scheme_end = raw.find(b"://")
        path_start = raw.find(b"/", scheme_end + 3) if scheme_end >= 0 else -1
        raw = raw[path_start:] if path_start >= 0 else b"/"
    raw = raw.split(b"?", 1)[0].split(b"#", 1)[0]
    if unquote_to_bytes(raw) == decoded:
        return raw
    script = environ.get("SCRIPT_NAME", "").encode("latin-1")
    depth = script.count(b"/")
    parts = raw.split(b"/")
    rest = b"/".join([b"", *parts[depth + 1 :]])
    if script and unquote_to_bytes(b"/".join(parts[: depth + 1])) == script and unquote_to_bytes(rest) == decoded:
        return rest
    return None


class RawPathRouting:
    """WSGI middleware: PATH_INFO rewritten canonically before Flask routes the request.

    In a copy of the environment: the server's own stays as it was, so gunicorn's access log still
    writes the path decoded, as before (tests/live/test_logs.py).
    """

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return self.app({**environ, "PATH_INFO": canonical_path(environ)}, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = RawPathRouting(app.wsgi_app)  # type: ignore[method-assign]
