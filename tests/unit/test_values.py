"""Filter values of the date buckets: the form of the labels the snapshot writes, checked at the door."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from service.data.fields import DATE_BUCKET_KINDS, Kind
from service.data.snapshot import DATE_BUCKETS
from service.query.errors import QueryError
from service.query.values import parse_value

GOOD = [
    (Kind.YEAR, "2021"),
    (Kind.YEAR, "0999"),
    (Kind.QUARTER, "2021-Q1"),
    (Kind.QUARTER, "2022-Q4"),
    (Kind.MONTH, "2021-03"),
    (Kind.MONTH, "2021-12"),
    (Kind.WEEK, "2021-W07"),
    (Kind.WEEK, "2020-W53"),
    (Kind.WEEK, "2021-W53"),  # well formed, though 2021 has 52 weeks: it matches nothing
]

#: (kind, value, the form the refusal shows)
BAD = [
    (Kind.YEAR, "21", "use YYYY, like 2021."),
    (Kind.YEAR, "20211", "use YYYY"),
    (Kind.YEAR, "２０２１", "use YYYY"),  # fullwidth digits are not ASCII digits
    (Kind.QUARTER, "2021-Q5", "use YYYY-Qn (n from 1 to 4), like 2021-Q1."),
    (Kind.QUARTER, "2021-q1", "use YYYY-Qn"),
    (Kind.QUARTER, "2021Q1", "use YYYY-Qn"),
    (Kind.MONTH, "2021-3", "use YYYY-MM, like 2021-03."),
    (Kind.MONTH, "March", "use YYYY-MM"),
    (Kind.MONTH, "2021-13", "use YYYY-MM"),
    (Kind.MONTH, "2021-00", "use YYYY-MM"),
    (Kind.MONTH, "2021-03-01", "use YYYY-MM"),
    (Kind.MONTH, "2021-03\n", "use YYYY-MM"),
    (Kind.WEEK, "2021-W7", "use YYYY-Www (ISO week 01 to 53), like 2021-W07."),
    (Kind.WEEK, "2021-W54", "use YYYY-Www"),
    (Kind.WEEK, "2021-W00", "use YYYY-Www"),
    (Kind.WEEK, "2021W07", "use YYYY-Www"),
]


@pytest.mark.parametrize(("kind", "text"), GOOD)
def test_a_well_formed_bucket_is_its_label(kind: Kind, text: str) -> None:
    assert parse_value("filter[x]", kind, text) == text


@pytest.mark.parametrize(("kind", "text", "form"), BAD)
def test_a_malformed_bucket_is_refused_naming_the_parameter_and_the_form(kind: Kind, text: str, form: str) -> None:
    with pytest.raises(QueryError) as refused:
        parse_value("filter[x][gte]", kind, text)
    assert refused.value.parameter == "filter[x][gte]"
    assert f"{text!r} is not a {kind.value}; {form}" in refused.value.detail


def test_every_label_the_snapshot_writes_is_a_well_formed_filter_value() -> None:
    """Days around year ends (ISO weeks 52, 53 and 01), leap days, and the calendar's first and last years."""
    days = [date(1, 1, 1), date(999, 12, 31), date(9999, 12, 31)]
    for year in (1970, 2004, 2020, 2021, 2024):
        start = date(year, 12, 20)
        days += [start + timedelta(days=n) for n in range(20)] + [date(year, 2, 28) + timedelta(days=1)]
    labelled = pl.DataFrame({"date": days}).select(**DATE_BUCKETS)
    for name, kind in DATE_BUCKET_KINDS.items():
        for label in labelled[name]:
            assert parse_value(f"filter[{name}]", kind, label) == label
