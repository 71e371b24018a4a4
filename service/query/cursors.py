"""Cursor tokens: the place of one row in one order, as opaque URL-safe text, and back.

Why values, not offsets: a cursor holds the sort-key values of the row it falls on and the
row's id (ids break ties), so "the page after it" is a keyset query, "rows after these values",
which stays right when rows come and go between requests (a data reload). Why no signature:
every well-formed position is a legitimate place to start reading data the client may read
anyway, so a forged cursor cannot reach anything a real one could not. What decoding must do
is refuse anything ill-formed (too long, not base64url, not JSON, the wrong number or types of
values) with a 400 naming the parameter, never a 500. A cursor also carries a short digest of
the order and filters it was made for, so one used with another query is refused instead of
silently read as a position in a different order. The layout (docs/decisions/0006):
base64url, unpadded, of the compact JSON array `[digest, value, ..., id]`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence

import orjson

from service.data.fields import Kind
from service.query.errors import QueryError

#: The longest cursor read, in characters (half the query-string limit). Real ones are a few
#: dozen: an 8-character digest plus the boundary row's sort-key values and id.
MAX_LENGTH = 4000
#: Part of every digest: changing the layout changes it, so older cursors are refused, not misread.
_LAYOUT = "cursor-1"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_INT64 = 2**63 - 1
#: Polars keeps a date as a signed 32-bit count of days since 1970-01-01.
_DAYS = 2**31 - 1

#: One sort-key value as the engine compares it: text as text, amounts in cents, dates in days
#: since 1970-01-01, ids as ids.
Value = str | int
Position = tuple[Value, ...]


def digest(order: Sequence[tuple[str, bool]], filters: Sequence[tuple[str, str, object]]) -> str:
    """What a cursor is made for: the order (field, descending) and the filters (field, operator, value).

    Filters are AND-ed, so their order does not matter, nor the order or repeats of a list's values.
    """
    conditions = sorted(orjson.dumps([field, operator, _plain(value)]) for field, operator, value in filters)
    text = orjson.dumps([_LAYOUT, [list(key) for key in order], [item.decode() for item in conditions]])
    return _text(hashlib.blake2b(text, digest_size=6).digest())


def encode(position: Position, made_for: str) -> str:
    """The cursor of the row at `position` in the query whose digest is `made_for`."""
    return _text(orjson.dumps([made_for, *position]))


def decode(text: str, parameter: str, kinds: Sequence[Kind], made_for: str) -> Position:
    """The position `text` encodes, checked against the query's digest and its order's kinds; else a 400."""
    if len(text) > MAX_LENGTH:
        raise QueryError(parameter, f"{parameter} is {len(text)} characters long; a cursor is at most {MAX_LENGTH}.")
    parts = _json(text, parameter)
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], str):
        raise _malformed(parameter)
    if parts[0] != made_for:
        raise QueryError(
            parameter,
            f"{parameter} was made for another sort or other filters; a cursor works only with the sort and "
            "filters of the request that gave it.",
        )
    values = parts[1:]
    if len(values) != len(kinds) or not all(_fits(value, kind) for value, kind in zip(values, kinds, strict=True)):
        raise _malformed(parameter)
    return tuple(values)


def _json(text: str, parameter: str) -> object:
    """The JSON value under the base64url text, or a 400 for anything else."""
    if _BASE64URL.fullmatch(text) is None or len(text) % 4 == 1:
        raise _malformed(parameter)
    try:
        return orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):  # orjson.JSONDecodeError is a ValueError
        raise _malformed(parameter) from None


def _fits(value: object, kind: Kind) -> bool:
    """Whether `value` is a sort-key value of this kind (booleans are not numbers here)."""
    if kind is Kind.TEXT:
        return isinstance(value, str)
    if type(value) is not int:
        return False
    limit = _DAYS if kind is Kind.DATE else _INT64
    return -limit - 1 <= value <= limit


def _plain(value: object) -> object:
    """A filter value as comparable JSON: lists as their distinct items in one order, dates as ISO text."""
    if isinstance(value, tuple):
        return sorted({str(item) for item in value})
    return str(value)


def _text(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _malformed(parameter: str) -> QueryError:
    return QueryError(
        parameter,
        f"{parameter} is not a cursor this API gave; use an item's meta.page.cursor or a links.next/prev of a page.",
    )
