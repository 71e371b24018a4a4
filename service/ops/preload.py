"""Libraries the gunicorn master imports once, so that the workers it forks have them already.

Why: the web framework and the JSON:API library take 0.5 s to import, in every worker, all
at once at start (docs/performance.md, "Ten million rows: the last session's changes"). Only
libraries that start no thread when imported: Polars and pyarrow do (their allocators' and
cleaners' threads would not survive the fork), so workers import those, and the service's own
code, themselves. Upgrading a library takes a restart, not a reload.
"""

from __future__ import annotations

import importlib

SHARED_IMPORTS = ("flask", "flask_rest_jsonapi_next", "marshmallow", "werkzeug", "yaml", "orjson")


def shared_libraries() -> None:
    for module in SHARED_IMPORTS:
        importlib.import_module(module)
