"""CSV and NDJSON bodies from batches of served values, written by Polars, not row by row.

Why here: the bytes of an export are presentation, like the JSON:API documents beside them
(documents.py); the engine hands over columns (service/engine/export.py). CSV is RFC 4180
(CRLF, quotes where needed, UTF-8, a header row), amounts as plain decimals with exactly their
cents (`1200.00`), ISO dates. NDJSON writes each record as the JSON:API answer shows its
attributes: the same keys in the same order, amounts as the same exact JSON numbers
(service/data/money.py's `json_number`), one object a line.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl

#: Excel reads a CSV as UTF-8 only when it starts with this mark (docs/api.md, "Exports").
UTF8_BOM = "\ufeff".encode()


def csv_chunks(
    batches: Iterable[pl.DataFrame], columns: Sequence[str], money: frozenset[str], bom: bool = False
) -> Iterator[bytes]:
    """The CSV of every batch (whose columns are `columns`), the header row once, also when no row matched."""
    first = True
    for batch in batches:
        text = _with_iso_days(batch).with_columns(_decimal_text(name) for name in money if name in batch.columns)
        chunk = _written(text, include_header=first, line_terminator="\r\n")
        yield (UTF8_BOM + chunk) if first and bom else chunk
        first = False
    if first:
        header = _written(pl.DataFrame({name: [] for name in columns}), line_terminator="\r\n")
        yield (UTF8_BOM + header) if bom else header


def ndjson_chunks(batches: Iterable[pl.DataFrame], money: frozenset[str]) -> Iterator[bytes]:
    """One JSON object a line per row: `id`, then the attributes, money as exact JSON numbers."""
    for batch in map(_with_iso_days, batches):
        members = [_member(name, name in money, batch.schema[name]) for name in batch.columns]
        lines = batch.select(pl.concat_str([pl.lit("{"), *_joined(members), pl.lit("}")]).alias("line"))
        # Each line as CSV's single unquoted column: JSON text holds no raw line break, so none is split.
        yield _written(lines, include_header=False, quote_style="never")


def _written(frame: pl.DataFrame, **options: Any) -> bytes:
    """The frame as CSV bytes, as Polars writes them: no str made and encoded again (0.4 s at 10M rows)."""
    sink = io.BytesIO()
    frame.write_csv(sink, **options)
    return sink.getvalue()


def _joined(members: list[pl.Expr]) -> Iterator[pl.Expr]:
    for position, member in enumerate(members):
        if position:
            yield pl.lit(",")
        yield member


def _member(name: str, money: bool, dtype: pl.DataType) -> pl.Expr:
    """`"name":value` for every row: text (dates are ISO text by now) as JSON strings, ids as numbers, money
    exact."""
    key = pl.lit(f'"{name}":')
    if money:
        return pl.concat_str([key, _json_number(name)])
    if name == "id":  # a string, as in every JSON:API resource object
        return pl.concat_str([key, pl.lit('"'), pl.col(name).cast(pl.String), pl.lit('"')])
    if dtype.is_integer():
        return pl.concat_str([key, pl.col(name).cast(pl.String)])
    quoted = pl.struct(pl.col(name).alias("v")).struct.json_encode().str.slice(5, None).str.strip_suffix("}")
    return pl.concat_str([key, quoted])


def _with_iso_days(batch: pl.DataFrame) -> pl.DataFrame:
    return batch.with_columns(_iso_days(batch[name]) for name, dtype in batch.schema.items() if dtype == pl.Date)


def _iso_days(days: pl.Series) -> pl.Series:
    """Dates as ISO text, each day of the batch's span formatted once: a large batch spans few days, and
    looking them up costs a tenth of formatting every row (docs/performance.md, "Exports")."""
    numbers = days.to_physical()  # days since 1970-01-01
    first, last = numbers.min(), numbers.max()
    if not isinstance(first, int) or not isinstance(last, int) or last - first > len(days):
        return days.dt.to_string("%Y-%m-%d")
    calendar = pl.int_range(first, last + 1, dtype=pl.Int32, eager=True).cast(pl.Date).dt.to_string("%Y-%m-%d")
    return calendar.gather(numbers - first).alias(days.name)


def _decimal_text(name: str) -> pl.Expr:
    """Cents as a plain decimal with both digits: -46.50, 1200.00 (Polars' exact decimals, 38 digits)."""
    return (pl.col(name).cast(pl.Decimal(38, 2)) / 100).cast(pl.String).alias(name)


def _json_number(name: str) -> pl.Expr:
    """Cents as the JSON number the JSON:API answer writes: 1200.0, 46.5, 46.05 (one trailing 0 dropped)."""
    text = _decimal_text(name)
    return pl.when(text.str.ends_with("0")).then(text.str.slice(0, text.str.len_chars() - 1)).otherwise(text)
