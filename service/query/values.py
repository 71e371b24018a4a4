"""One filter value, read by its field's kind: text as given, money as exact cents, days, counts, ids,
and date buckets as labels of their one form.

Why a module of its own: the rule for an id is the API's one rule, read by the parser (a
filter on `id`) and by `/expanses/{id}` alike; an amount goes through the one cents
conversion (service/data/money.py); a bucket's value must have the form of the labels the
snapshot writes (service/data/snapshot.py), else it could never match and a typo would pass unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from service.data.fields import Kind
from service.data.money import MAX_WHOLE_DIGITS, cents_of
from service.query.errors import QueryError

_MONEY = re.compile(rf"(?P<minus>-)?(?P<whole>[0-9]{{1,{MAX_WHOLE_DIGITS}}})(?:\.(?P<frac>[0-9]{{1,2}}))?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: An id as the API writes it: no sign, no leading zero, at most ten digits.
_ID = re.compile(r"[1-9][0-9]{0,9}")


@dataclass(frozen=True)
class _Form:
    """The form of a date bucket's labels: the pattern, how errors write it, and an example."""

    pattern: re.Pattern[str]
    written: str
    example: str


_YEAR = "[0-9]{4}"
#: Each date bucket's form; a well-formed label of a bucket no record falls in matches nothing.
_BUCKET_FORMS = {
    Kind.WEEK: _Form(re.compile(rf"{_YEAR}-W(?:0[1-9]|[1-4][0-9]|5[0-3])"), "YYYY-Www (ISO week 01 to 53)", "2021-W07"),
    Kind.MONTH: _Form(re.compile(rf"{_YEAR}-(?:0[1-9]|1[0-2])"), "YYYY-MM", "2021-03"),
    Kind.QUARTER: _Form(re.compile(rf"{_YEAR}-Q[1-4]"), "YYYY-Qn (n from 1 to 4)", "2021-Q1"),
    Kind.YEAR: _Form(re.compile(_YEAR), "YYYY", "2021"),
}


def parse_id(text: str) -> int | None:
    """The id `text` names in the API's one way of writing it, else None."""
    return int(text) if _ID.fullmatch(text) else None


def parse_value(name: str, kind: Kind, text: str) -> str | int | date:
    """Read one filter value of the parameter `name` by the field's kind, or raise `QueryError` naming it."""
    if kind is Kind.TEXT:
        return text
    form = _BUCKET_FORMS.get(kind)
    if form is not None:
        if form.pattern.fullmatch(text) is None:
            raise QueryError(name, f"{text!r} is not a {kind.value}; use {form.written}, like {form.example}.")
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
