"""One filter value, read by its field's kind: text as given, money as exact cents, days, counts, ids.

Why a module of its own: the rule for an id is the API's one rule, read by the parser (a
filter on `id`) and by `/expanses/{id}` alike; an amount goes through the one cents
conversion (service/data/money.py).
"""

from __future__ import annotations

import re
from datetime import date

from service.data.fields import Kind
from service.data.money import MAX_WHOLE_DIGITS, cents_of
from service.query.errors import QueryError

_MONEY = re.compile(rf"(?P<minus>-)?(?P<whole>[0-9]{{1,{MAX_WHOLE_DIGITS}}})(?:\.(?P<frac>[0-9]{{1,2}}))?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: An id as the API writes it: no sign, no leading zero, at most ten digits.
_ID = re.compile(r"[1-9][0-9]{0,9}")


def parse_id(text: str) -> int | None:
    """The id `text` names in the API's one way of writing it, else None."""
    return int(text) if _ID.fullmatch(text) else None


def parse_value(name: str, kind: Kind, text: str) -> str | int | date:
    """Read one filter value of the parameter `name` by the field's kind, or raise `QueryError` naming it."""
    if kind is Kind.TEXT:
        return text
    if kind is Kind.MONEY:
        match = _MONEY.fullmatch(text)
        if match is None:
            raise QueryError(
                name, f"{text!r} is not an amount; use a number with at most 2 decimals, like 1400 or -12.50."
            )
        return cents_of(match["whole"], match["frac"], bool(match["minus"]))
    if kind is Kind.DATE:
        try:
            if _ISO_DATE.fullmatch(text) is None:
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise QueryError(
                name, f"{text!r} is not a date; use an existing day as YYYY-MM-DD, like 2021-02-01."
            ) from None
    if kind is Kind.COUNT:
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise QueryError(name, f"{text!r} is not a count; use a whole number like 10.")
        return int(text)
    expense_id = parse_id(text)
    if expense_id is None:
        raise QueryError(name, f"{text!r} is not an id; ids are whole numbers from 1.")
    return expense_id
