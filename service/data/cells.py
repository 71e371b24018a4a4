"""Parsers for the two cell formats of the user's CSV: money amounts and US dates.

Why: the file's quirks (`"1,200.00€"`, `M/D/YYYY`) are the user's reality; each parser
turns one cell into an exact value or raises `ValueError` with a reason a person can act on.
"""

from __future__ import annotations

import re
from datetime import date

from service.data.money import MAX_WHOLE_DIGITS, cents_of

#: Currency signs we recognise, before or after the number; documented in docs/operations.md.
CURRENCY_SIGNS: dict[str, str] = {"€": "EUR", "$": "USD", "£": "GBP"}
#: The currency of an amount written without any sign.
DEFAULT_CURRENCY = "EUR"

_SIGNS = "".join(re.escape(sign) for sign in CURRENCY_SIGNS)
_AMOUNT = re.compile(
    rf"(?P<minus>-)?\s*(?P<before>[{_SIGNS}])?\s*"
    r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]{1,2}))?"
    rf"\s*(?P<after>[{_SIGNS}])?"
)
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_amount(text: str) -> tuple[int, str]:
    """Return `(cents, currency)` for a cell like `"1,200.00€"`, `-4.5` or `$800`."""
    match = _AMOUNT.fullmatch(text)
    if not text:
        raise ValueError("amount is empty")
    if match is None:
        raise ValueError(
            f"amount {text!r} is not a money amount like 1,200.00€ "
            "(digits, optional thousands commas, at most 2 decimals, optional sign)"
        )
    if match["before"] and match["after"]:
        raise ValueError(f"amount {text!r} has two currency signs")
    try:
        cents = cents_of(match["whole"].replace(",", ""), match["frac"], bool(match["minus"]))
    except ValueError:
        raise ValueError(f"amount {text!r} has more than {MAX_WHOLE_DIGITS} digits before the point") from None
    sign = match["before"] or match["after"]
    return cents, CURRENCY_SIGNS[sign] if sign else DEFAULT_CURRENCY


def parse_us_date(text: str) -> date:
    """Return the calendar date of a `M/D/YYYY` cell, refusing days that do not exist."""
    match = _US_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"date {text!r} is not in M/D/YYYY form")
    month, day, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"date {text!r} does not exist") from None
