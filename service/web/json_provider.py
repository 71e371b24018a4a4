"""JSON encoding of every document through orjson, as Flask's JSON provider.

Why: encoding a page of records with the standard library's encoder was a visible share of
each request (docs/performance.md); orjson is several times faster, keeps key order, writes
UTF-8 as is, and renders dates as ISO 8601, which is what JSON:API clients expect.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from flask.json.provider import JSONProvider

from service.data.money import json_number

#: Keys in insertion order; non-string keys (OpenAPI's status codes read from YAML) as text.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def _exact(value: Any) -> Any:
    """Amounts (`Decimal`) as exact JSON numbers; anything else orjson cannot write is a bug."""
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_fragment(obj: Any) -> orjson.Fragment:
    """`obj` written once as JSON, to be placed as is in any number of later documents (orjson writes it verbatim)."""
    return orjson.Fragment(orjson.dumps(obj, option=_OPTIONS, default=_exact))


class OrjsonProvider(JSONProvider):
    """`app.json`: the same interface as Flask's default provider, backed by orjson."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj, option=_OPTIONS, default=_exact).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)
