"""Every request's hooks as one pipeline: the steps before the view and the steps after it, in order.

Why one pipeline: Flask looks up and wraps (`ensure_sync`) each registered hook on every request,
and each hook found the request again through Werkzeug's context proxy, tens of lookups a request
(docs/performance.md, "Fixed cost of a request"). Here `create_app` lists the steps once, in the
order they run, and each step is handed the request object itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Flask, Request, Response, request

#: A step before the view: an answer ends the request early (the rest of the steps and the view are skipped).
Before = Callable[[Request], Response | None]
#: A step after the view (or the error handler, or an early answer): the response, changed or replaced.
After = Callable[[Request, Response], Response]


def init_app(app: Flask, before: Sequence[Before], after: Sequence[After]) -> None:
    """Run `before` in order ahead of every view and `after` in order on every response, as two Flask hooks."""
    before_steps, after_steps = tuple(before), tuple(after)

    def run_before() -> Response | None:
        current = _current_request()
        for step in before_steps:
            answer = step(current)
            if answer is not None:
                return answer
        return None

    def run_after(response: Response) -> Response:
        current = _current_request()
        for step in after_steps:
            response = step(current, response)
        return response

    app.before_request(run_before)
    app.after_request(run_after)


def _current_request() -> Request:
    """The request behind Flask's `request` proxy, looked up once (Werkzeug's `LocalProxy._get_current_object`)."""
    return request._get_current_object()  # type: ignore[attr-defined,no-any-return]  # Flask types the proxy as a Request
