"""Per-app state, typed: what a module builds once in `create_app` and reads on each request.

Why keyed by type: `state(ExportSlots)` says what it returns, and mypy knows it; a string key
into `app.extensions` said neither.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, current_app

T = TypeVar("T")


def keep(app: Flask, value: object) -> None:
    """Keep `value` for the app's requests, found again by its type."""
    app.extensions[f"expanses:{type(value).__qualname__}"] = value


def state(kind: type[T]) -> T:
    """The value of type `kind` kept for the current app."""
    return kept(current_app, kind)


def kept(app: Flask, kind: type[T]) -> T:
    """The value of type `kind` kept for `app` (while it is being built, outside a request)."""
    value = app.extensions[f"expanses:{kind.__qualname__}"]
    assert isinstance(value, kind)
    return value
