"""A fast path for loading well-formed CSV files with Polars' reader.

Why: the exact, line-numbering loader in `csv_source` builds a Python list per row, which
takes seconds at a million rows. This path reads the same file in Polars and applies the
same cell parsers once per distinct value; it answers `None` whenever it cannot vouch for
the file (any blank line, multi-line cell, missing or empty cell, unparsable value, or a
reader error), and the exact loader then runs to name the line and the reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import polars as pl

from service.cells import parse_amount, parse_us_date
from service.fields import CSV_COLUMNS

#: The longest cell the exact loader accepts (the csv module's field limit, in characters;
#: bytes are at least as many, so a longer byte count always goes to the exact loader).
MAX_CELL_BYTES = csv.field_size_limit()


def fast_columns(text_body: bytes, header: list[str]) -> dict[str, pl.Series] | None:
    """Typed columns of a file whose header (already checked) is `header`, or None to fall back."""
    try:
        frame = pl.read_csv(
            io.BytesIO(text_body),
            has_header=True,
            new_columns=header,
            infer_schema=False,
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if frame.height != text_body.rstrip(b"\r\n").count(b"\n"):
        return None  # a blank line or a cell spanning lines: only the exact loader numbers those right
    longest = frame.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item()
    if longest is not None and longest > MAX_CELL_BYTES:
        return None  # the exact loader refuses cells over the csv module's field limit
    frame = frame.select(pl.col(name).str.strip_chars() for name in CSV_COLUMNS)
    if frame.select(pl.any_horizontal(pl.all().is_null() | (pl.all() == "")).any()).item():
        return None
    amounts = _parse_distinct(frame["amount"], parse_amount)
    days = _parse_distinct(frame["date"], parse_us_date)
    if amounts is None or days is None:
        return None

    def mapped(column: str, distinct: dict[str, Any], dtype: Any) -> pl.Series:
        return frame[column].replace_strict(list(distinct), list(distinct.values()), return_dtype=dtype)

    return {
        "departments": frame["departments"],
        "project_name": frame["project_name"],
        "member_name": frame["member_name"],
        "amount_cents": mapped("amount", {text: cents for text, (cents, _) in amounts.items()}, pl.Int64),
        "currency": mapped("amount", {text: currency for text, (_, currency) in amounts.items()}, pl.String),
        "date": mapped("date", days, pl.Date),
    }


def _parse_distinct(column: pl.Series, parse: Callable[[str], Any]) -> dict[str, Any] | None:
    """Each distinct text and its parsed value, or None if any does not parse."""
    try:
        return {text: parse(text) for text in column.unique().to_list()}
    except ValueError:
        return None
