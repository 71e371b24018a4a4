"""A long answer keeps its worker: each piece of an export tells gunicorn's master the worker is alive.

Why: the master replaces a sync worker that has not reported for `timeout` seconds (30), and a
sync worker reports only between requests, so an export taking longer than that, to a slow
reader, would be cut (docs/decisions/0012-exports.md).
"""

from __future__ import annotations

from typing import Any

from service.web import exports


def post_worker_init(worker: Any) -> None:
    exports.keep_alive(worker.notify)
