"""The expanses field catalogue: one place that says which fields exist and of what kind.

Why: the CSV loader, the query parser, the engine and the schema all need the same
answer to "is `amount` a field, and how are its values read?"; keeping it here stops
the four from drifting apart. The metrics of `/aggregates` are the engine's
(service/engine/metrics.py); its attributes, dimensions plus metrics, are service/api/specs.py's.
"""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """How a field's values are parsed from a query string and compared."""

    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    ID = "id"
    COUNT = "count"
    #: The date buckets: labels of a day's ISO week, month, quarter and year, compared as text (they sort
    #: chronologically); service/query/values.py holds the form of each.
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


RESOURCE_TYPE = "expanses"

#: Attributes of an `expanses` resource, in the order they are rendered.
ATTRIBUTES: dict[str, Kind] = {
    "departments": Kind.TEXT,
    "project_name": Kind.TEXT,
    "amount": Kind.MONEY,
    "currency": Kind.TEXT,
    "date": Kind.DATE,
    "member_name": Kind.TEXT,
}

#: Everything a client may filter or sort on: the attributes plus the id.
QUERYABLE: dict[str, Kind] = {"id": Kind.ID, **ATTRIBUTES}

#: Each record's day as a bucket: ISO week (`2021-W07`), month, quarter and year (service/data/snapshot.py
#: stores them coded); records can be filtered and grouped by them, not sorted (the date sorts them).
DATE_BUCKET_KINDS: dict[str, Kind] = {
    "date_week": Kind.WEEK,
    "date_month": Kind.MONTH,
    "date_quarter": Kind.QUARTER,
    "date_year": Kind.YEAR,
}

#: Everything a client may filter records on: what it may sort on, and the date buckets.
FILTERABLE: dict[str, Kind] = {**QUERYABLE, **DATE_BUCKET_KINDS}

#: The attribute no CSV column holds: each amount's currency, read from its sign (service/data/cells.py).
CURRENCY = "currency"

#: The columns the CSV file must have: every attribute but the currency.
CSV_COLUMNS = tuple(name for name in ATTRIBUTES if name != CURRENCY)

#: Text columns of the CSV, stored as-is after trimming.
TEXT_COLUMNS = tuple(name for name in CSV_COLUMNS if ATTRIBUTES[name] is Kind.TEXT)

#: What `/aggregates` can group by: text fields, the day, and the day's ISO week, month, quarter, year.
DIMENSIONS = (
    "departments",
    "project_name",
    "member_name",
    "date",
    *DATE_BUCKET_KINDS,
)
