"""Load the expenses CSV into typed columns, or stop with the file, line and reason.

Why: the service must never serve half a file. Every row is checked here, once, at
start-up; an error names the line (1-based, counting the header) so the owner can fix it.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from service.data.cells import parse_amount, parse_us_date
from service.data.csv_fast import fast_columns
from service.data.fields import ATTRIBUTES, CSV_COLUMNS, CURRENCY, Kind

T = TypeVar("T")


class CsvFormatError(Exception):
    """The CSV file cannot be served as it is."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass
class ExpenseColumns:
    """The file's rows as one typed Polars series per attribute (service/data/fields.py); row i has id i + 1.

    By kind: text is an Enum whose categories are the column's sorted distinct values (a small
    code per row), money is Int64 cents, a date is a Date. Why series, not lists: the fast path
    reads with Polars and the snapshot stores Arrow; lists in between cost seconds at a million rows.
    """

    values: dict[str, pl.Series] = field(
        default_factory=lambda: {name: _empty(kind) for name, kind in ATTRIBUTES.items()}
    )
    #: SHA-256 of the file's bytes: any change to the data changes it (HTTP ETags build on it).
    fingerprint: str = ""

    def __getitem__(self, name: str) -> pl.Series:
        return self.values[name]

    def __len__(self) -> int:
        return len(self.values[CURRENCY])


def _texts(values: list[str]) -> pl.Series:
    """Texts as an Enum of their sorted distinct values, the form every loader returns."""
    return pl.Series(values, dtype=pl.Enum(sorted(set(values))))


def _empty(kind: Kind) -> pl.Series:
    """An empty column of this kind, in the form the loaders return."""
    return _texts([]) if kind is Kind.TEXT else pl.Series(dtype=_STORED[kind])


#: How each kind of non-text attribute is held: exact cents, calendar days.
_STORED = {Kind.MONEY: pl.Int64, Kind.DATE: pl.Date}


def load_expenses(path: Path, raw: bytes | None = None) -> ExpenseColumns:
    """Read and check every row of the regular file `path` (or of `raw`, its bytes); raise at the first bad one."""
    if raw is None:
        raw = read_data_file(path)
    columns = _fast(path, raw)
    if columns is None:
        text = _decode(path, raw)
        gc.disable()  # millions of short-lived lists: the cycle collector only slows this down
        try:
            columns = _parse(path, text)
        finally:
            gc.enable()
    columns.fingerprint = hashlib.sha256(raw).hexdigest()
    return columns


def read_data_file(path: Path) -> bytes:
    """The file's bytes; a FIFO, a device or a directory is refused without blocking on it."""
    return _with_data_file(path, lambda reader: reader.read())


def data_file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, read in chunks (a restart on an unchanged file never holds them all)."""
    return _with_data_file(path, lambda reader: hashlib.file_digest(reader, "sha256").hexdigest())


def _with_data_file(path: Path, use: Callable[[io.BufferedReader], T]) -> T:
    """`use` the regular file `path`, opened without blocking; any failure names the file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise CsvFormatError(path, 0, f"cannot read the file: {error.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise CsvFormatError(path, 0, "cannot read the file: not a regular file")
        with open(descriptor, "rb", closefd=False) as reader:
            return use(reader)
    except OSError as error:
        raise CsvFormatError(path, 0, f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(descriptor)


def _fast(path: Path, raw: bytes) -> ExpenseColumns | None:
    """Polars' reader for a file whose first line is the header; None sends it to `_parse`."""
    body = raw.removeprefix(b"\xef\xbb\xbf")
    end = body.find(b"\n")
    try:
        first_line = (body if end < 0 else body[:end]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not first_line.strip() or '"' in first_line:
        return None
    header = [cell.strip() for cell in first_line.rstrip("\r").split(",")]
    _column_positions(path, 1, header)
    columns = fast_columns(body, header)
    return None if columns is None else ExpenseColumns(columns)


def _parse(path: Path, text: str) -> ExpenseColumns:
    lines, records = _read_records(path, text)
    if not records:
        raise CsvFormatError(path, 1, f"the file is empty; expected the header {','.join(CSV_COLUMNS)}")
    positions = _column_positions(path, lines[0], records[0])
    width = len(records[0])
    for line, cells in zip(lines, records, strict=True):
        if len(cells) != width:
            raise CsvFormatError(path, line, f"expected {width} cells like the header, found {len(cells)}")
    return _typed_columns(path, lines[1:], records[1:], positions)


def _typed_columns(path: Path, lines: list[int], records: list[list[str]], positions: dict[str, int]) -> ExpenseColumns:
    """Parse column by column, each distinct cell once; report the earliest bad row."""
    raw = list(zip(*records, strict=True)) if records else [() for _ in positions]
    cells = {name: [cell.strip() for cell in raw[index]] for name, index in positions.items()}
    problems: list[tuple[int, str]] = []
    values: dict[str, pl.Series] = {}
    for name in CSV_COLUMNS:
        values.update(_CELL_READERS[ATTRIBUTES[name]](name, cells[name], problems))
    if problems:
        row, reason = min(problems)
        raise CsvFormatError(path, lines[row], reason)
    return ExpenseColumns(values)


def _text_cells(name: str, column: list[str], problems: list[tuple[int, str]]) -> dict[str, pl.Series]:
    if "" in set(column):
        problems.append((column.index(""), f"{name} is empty"))
    return {name: _texts(column)}


def _money_cells(name: str, column: list[str], problems: list[tuple[int, str]]) -> dict[str, pl.Series]:
    """Cents, and the currency each amount's sign names (the one attribute no column holds)."""
    amounts = _parse_distinct(column, parse_amount, problems)
    parsed = [amounts.get(text, (0, "")) for text in column]  # a cell that failed is reported, never served
    return {
        name: pl.Series([cents for cents, _ in parsed], dtype=_STORED[Kind.MONEY]),
        CURRENCY: _texts([currency for _, currency in parsed]),
    }


def _date_cells(name: str, column: list[str], problems: list[tuple[int, str]]) -> dict[str, pl.Series]:
    days = _parse_distinct(column, parse_us_date, problems)
    return {name: pl.Series([days.get(text) for text in column], dtype=_STORED[Kind.DATE])}


#: How the exact loader reads a CSV column of each kind (trimmed cells; problems noted with their row).
_CELL_READERS: dict[Kind, Callable[[str, list[str], list[tuple[int, str]]], dict[str, pl.Series]]] = {
    Kind.TEXT: _text_cells,
    Kind.MONEY: _money_cells,
    Kind.DATE: _date_cells,
}


def _parse_distinct(column: list[str], parse: Callable[[str], T], problems: list[tuple[int, str]]) -> dict[str, T]:
    """Parse each distinct text once (values repeat a lot); note the first failing row."""
    parsed: dict[str, T] = {}
    for text in set(column):
        try:
            parsed[text] = parse(text)
        except ValueError as error:
            problems.append((column.index(text), str(error)))
    return parsed


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 with or without a byte-order mark; invalid bytes name their line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CsvFormatError(path, line, f"not valid UTF-8 (byte {error.start})") from None


def _read_records(path: Path, text: str) -> tuple[list[int], list[list[str]]]:
    """Split the text into non-blank records and the line each record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[int] = []
    records: list[list[str]] = []
    start = 1
    try:
        for cells in reader:
            if cells and (len(cells) > 1 or cells[0].strip()):
                lines.append(start)
                records.append(cells)
            start = reader.line_num + 1
    except csv.Error as error:
        raise CsvFormatError(path, start, f"malformed CSV: {error}") from None
    return lines, records


def _column_positions(path: Path, line: int, header: list[str]) -> dict[str, int]:
    """Map each expected column to its index; any other header is an error."""
    names = [cell.strip() for cell in header]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CsvFormatError(path, line, f"duplicate column(s) in header: {', '.join(duplicates)}")
    unknown = [name for name in names if name not in CSV_COLUMNS]
    if unknown:
        raise CsvFormatError(
            path, line, f"unknown column(s) in header: {', '.join(unknown)}; expected {', '.join(CSV_COLUMNS)}"
        )
    missing = [name for name in CSV_COLUMNS if name not in names]
    if missing:
        raise CsvFormatError(path, line, f"missing column(s) in header: {', '.join(missing)}")
    return {name: names.index(name) for name in CSV_COLUMNS}
