"""A fast path for loading well-formed CSV files with Polars' reader.

Why: the exact, line-numbering loader in `csv_source` builds a Python list per row, which
takes seconds at a million rows. This path reads the same bytes in Polars, every column as a
Categorical (a code per row and each distinct text once: ten million rows cost a few hundred
MB, not gigabytes of strings), then checks, strips and parses each distinct value once. It
answers `None` whenever it cannot vouch for the file (any blank line, multi-line cell,
missing or empty cell, unparsable value, invalid UTF-8 or a reader error), and the exact
loader then runs to name the line and the reason.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence

import polars as pl

from service.data.cells import parse_amount, parse_us_date
from service.data.fields import ATTRIBUTES, CSV_COLUMNS, CURRENCY, Kind

#: The longest cell the exact loader accepts (the csv module's field limit, in characters;
#: bytes are at least as many, so a longer byte count always goes to the exact loader).
MAX_CELL_BYTES = csv.field_size_limit()


def fast_columns(body: bytes, header: list[str]) -> dict[str, pl.Series] | None:
    """Typed columns of a file whose header (already checked) is `header`, or None to fall back.

    Text columns come back as Enums whose categories are their sorted distinct values.
    """
    try:
        frame = pl.read_csv(
            body,
            has_header=True,
            new_columns=header,
            schema_overrides=dict.fromkeys(header, pl.Categorical),
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if frame.height != _record_lines(body) or frame.select(pl.any_horizontal(pl.all().is_null().any())).item():
        return None  # a blank line or a cell spanning lines: only the exact loader numbers those right
    distinct = {name: _distinct(frame[name]) for name in CSV_COLUMNS}
    if any(_refused(values) for _, values in distinct.values()):
        return None
    columns: dict[str, pl.Series] = {}
    try:
        for name in CSV_COLUMNS:
            columns.update(_COLUMN_READERS[ATTRIBUTES[name]](name, frame[name], *distinct[name]))
    except ValueError:
        return None
    return columns


def _record_lines(body: bytes) -> int:
    """Lines after the header, not counting the file's final line break."""
    lines = body.count(b"\n")
    return lines - 1 if body.endswith(b"\n") else lines


def _distinct(column: pl.Series) -> tuple[list[int], list[str]]:
    """A Categorical's distinct values and the code of each (its first rows' codes: a few integer passes)."""
    first_rows = column.to_physical().arg_unique()
    values = column.gather(first_rows)
    return values.to_physical().to_list(), values.to_list()


def _refused(values: Sequence[str | None]) -> bool:
    """A missing or blank cell, or one longer than the exact loader accepts."""
    return any(value is None or not value.strip() or len(value.encode()) > MAX_CELL_BYTES for value in values)


def _recoded(column: pl.Series, codes: list[int], new_codes: Iterable[int]) -> pl.Series:
    """Each row's new code: the Categorical's code of the row looked up in a table indexed by code (one gather)."""
    table = [0] * (max(codes, default=0) + 1)
    for code, new_code in zip(codes, new_codes, strict=True):
        table[code] = new_code
    return pl.Series(table, dtype=pl.UInt32).gather(column.to_physical())


def _texts(name: str, column: pl.Series, codes: list[int], values: list[str]) -> dict[str, pl.Series]:
    """The column, stripped, as an Enum of its sorted distinct texts."""
    texts = sorted({value.strip() for value in values})
    position = {text: code for code, text in enumerate(texts)}
    rows = _recoded(column, codes, (position[value.strip()] for value in values))
    return {name: pl.Series(texts, dtype=pl.Enum(texts)).gather(rows)}


def _money(name: str, column: pl.Series, codes: list[int], values: list[str]) -> dict[str, pl.Series]:
    """Cents, and the currency each amount's sign names; raises ValueError for a cell that is no amount."""
    amounts = [parse_amount(value.strip()) for value in values]
    rows = _recoded(column, codes, range(len(amounts)))
    currencies = [currency for _, currency in amounts]
    return {
        name: pl.Series([cents for cents, _ in amounts], dtype=pl.Int64).gather(rows),
        CURRENCY: pl.Series(currencies, dtype=pl.Enum(sorted(set(currencies)))).gather(rows),
    }


def _dates(name: str, column: pl.Series, codes: list[int], values: list[str]) -> dict[str, pl.Series]:
    """Calendar days; raises ValueError for a cell that is no date."""
    days = [parse_us_date(value.strip()) for value in values]
    return {name: pl.Series(days, dtype=pl.Date).gather(_recoded(column, codes, range(len(days))))}


#: How a Categorical column of each kind becomes typed columns, from its distinct values and their codes.
_COLUMN_READERS: dict[Kind, Callable[[str, pl.Series, list[int], list[str]], dict[str, pl.Series]]] = {
    Kind.TEXT: _texts,
    Kind.MONEY: _money,
    Kind.DATE: _dates,
}
