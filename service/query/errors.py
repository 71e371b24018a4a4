"""The one error of the query layer: a parameter that cannot be used, named, with what to change.

Why a plain exception: the parser, the cursors and the engine's callers run without a web
framework; `service.web.errors` renders a `QueryError` as a JSON:API 400 with
`source.parameter`. A profile's own errors (service/query/cursor_profile.py) add a type link,
the profile they belong to, and meta.
"""

from __future__ import annotations


class QueryError(ValueError):
    """A query parameter that cannot be used; `parameter` names it exactly, `detail` says what to change."""

    title = "Invalid query parameter"
    #: A link naming the kind of error (JSON:API 1.1 `links.type`), where a profile defines one.
    type_link: str | None = None
    #: The profile whose error this is: the answer then says it applies that profile.
    profile: str | None = None

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail
        self.meta: dict[str, object] | None = None
