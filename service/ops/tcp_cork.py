"""One answer leaves in as few TCP segments as it fits, its head together with its body.

Why: gunicorn writes the head and the body with two calls; a worker killed between them (a
replica's container SIGKILLed under load) left nginx holding a head it had already passed on,
so the client got a cut-short answer instead of nginx trying another replica (seen in
tests/topology/). With TCP_CORK the kernel holds partial segments until the answer is
complete (`post_request`) or the socket closes, so a worker that dies mid-answer has sent
nothing of a small answer, and nginx retries it elsewhere (docs/proxy.md).
"""

from __future__ import annotations

import socket
from typing import Any


def pre_request(worker: Any, req: Any) -> None:
    _cork(req, True)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    _cork(req, False)  # sends what the kernel held at once (keep-alive workers do not close)


def _cork(req: Any, on: bool) -> None:
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    cork = getattr(socket, "TCP_CORK", None)  # Linux only
    if sock is None or cork is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, cork, int(on))
    except OSError:
        pass  # the client is gone; gunicorn reports that itself
