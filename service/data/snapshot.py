"""The engine's columns as one Arrow table: built once from the checked CSV, mapped by every worker.

Why: parsing ten million rows takes seconds and gigabytes, and each worker doing it again
multiplied both. The gunicorn master has the file checked and converted once into an Arrow
IPC file (service/data/snapshot_store.py); every worker maps that file, so the operating system
keeps one copy of its pages for all of them. Every column is a plain number (ids, cents,
dates as days, and text as a code into its sorted distinct values) because Polars takes
numbers from a mapped Arrow table without copying them, while it copies dictionary columns
into Enums (docs/decisions/0007-shared-snapshot.md has the measurements).
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO

import polars as pl
import pyarrow as pa

from service.data.csv_source import ExpenseColumns
from service.data.fields import ATTRIBUTES, QUERYABLE, Kind

#: Changes whenever the columns or their meaning change, so an older snapshot is never read.
FORMAT = "expanses-snapshot-3"

#: Text attributes, stored as codes into their sorted distinct values.
TEXT_FIELDS = tuple(name for name, kind in ATTRIBUTES.items() if kind is Kind.TEXT)

#: The stored column behind each field a query may name (money is held as exact integer cents).
COLUMN_OF = {name: "cents" if kind is Kind.MONEY else name for name, kind in QUERYABLE.items()}

#: Labels of the date buckets `/aggregates` groups by; they sort chronologically as text.
DATE_BUCKETS: dict[str, pl.Expr] = {
    "date_week": pl.col("date").dt.strftime("%G-W%V"),  # ISO 8601 week and its year: 2021-W07
    "date_month": pl.col("date").dt.strftime("%Y-%m"),
    "date_quarter": pl.format("{}-Q{}", pl.col("date").dt.strftime("%Y"), pl.col("date").dt.quarter()),
    "date_year": pl.col("date").dt.strftime("%Y"),  # four digits, so years before 1000 sort too
}

#: Every column stored as a code: its value is the code-th of its sorted labels.
CODED = (*TEXT_FIELDS, *DATE_BUCKETS)

#: The snapshot's columns, in order: the id, each attribute, then the date buckets.
LAYOUT = ("id", *(COLUMN_OF[name] for name in ATTRIBUTES), *DATE_BUCKETS)


class SnapshotError(Exception):
    """A snapshot file that is not one this release wrote; it is rebuilt, never served."""


@dataclass(frozen=True)
class Snapshot:
    """All rows in id order: `id`, the coded columns, `cents` and `date` (row i has id i + 1)."""

    table: pa.Table
    #: Each coded column's labels, sorted, so comparing codes compares the texts.
    labels: Mapping[str, tuple[str, ...]]
    #: SHA-256 of the CSV file the rows came from (HTTP ETags build on it).
    fingerprint: str
    #: The distinct days of the file, sorted (so no worker scans every row to learn them).
    days: tuple[date, ...]

    def __len__(self) -> int:
        return int(self.table.num_rows)


def build(columns: ExpenseColumns) -> Snapshot:
    """The snapshot of checked CSV columns: text as codes into sorted labels, money and dates as they are."""
    labels = {name: tuple(sorted(columns[name].unique().to_list())) for name in TEXT_FIELDS}
    stored = {"id": pl.int_range(1, len(columns) + 1, dtype=pl.Int64, eager=True)}
    for name in ATTRIBUTES:
        values = columns[name]
        stored[COLUMN_OF[name]] = values.cast(pl.Enum(labels[name])).to_physical() if name in labels else values
    frame = pl.DataFrame(stored)
    days = frame["date"].unique().sort()
    buckets, bucket_labels = _date_buckets(frame["date"], days)
    table = frame.with_columns(buckets).to_arrow().combine_chunks()
    return Snapshot(table, {**labels, **bucket_labels}, columns.fingerprint, tuple(days.to_list()))


def write(snapshot: Snapshot, sink: IO[bytes]) -> None:
    """The snapshot as an Arrow IPC file: one record batch, what it is in the schema's metadata."""
    metadata = {
        "format": FORMAT,
        "fingerprint": snapshot.fingerprint,
        "rows": str(len(snapshot)),
        "labels": json.dumps(snapshot.labels),
        "days": json.dumps([day.isoformat() for day in snapshot.days]),
    }
    schema = snapshot.table.schema.with_metadata(metadata)
    with pa.ipc.new_file(sink, schema) as writer:
        writer.write_table(snapshot.table.replace_schema_metadata(metadata), max_chunksize=max(1, len(snapshot)))


def read(descriptor: int) -> Snapshot:
    """The snapshot in the open file `descriptor`, mapped, not read: its pages are shared by every process."""
    try:
        view = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
        table = pa.ipc.open_file(pa.py_buffer(view)).read_all()
    except (OSError, ValueError, pa.ArrowException) as error:
        raise SnapshotError(f"not an Arrow IPC file: {error}") from None
    metadata = {key.decode(): value.decode() for key, value in (table.schema.metadata or {}).items()}
    if metadata.get("format") != FORMAT or metadata.get("rows") != str(table.num_rows):
        raise SnapshotError(f"written by another release or cut short (format {metadata.get('format')!r})")
    try:
        labels = {name: tuple(values) for name, values in json.loads(metadata["labels"]).items()}
        days = tuple(date.fromisoformat(day) for day in json.loads(metadata["days"]))
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise SnapshotError(f"its labels or days cannot be read: {error!r}") from None
    if set(labels) != set(CODED) or tuple(table.column_names) != LAYOUT or "fingerprint" not in metadata:
        raise SnapshotError("its columns are not this release's")
    if any(column.num_chunks > 1 for column in table.columns):
        raise SnapshotError("its rows are not one record batch")
    return Snapshot(table, labels, metadata["fingerprint"], days)


def _date_buckets(dates: pl.Series, days: pl.Series) -> tuple[list[pl.Series], dict[str, tuple[str, ...]]]:
    """Each row's week, month, quarter and year as codes, labelled once per distinct day (`days`, sorted)."""
    row_day = days.search_sorted(dates)  # each row's position among the distinct days
    labelled = days.to_frame().select(**DATE_BUCKETS)
    columns, labels = [], {}
    for name in DATE_BUCKETS:
        texts = sorted(labelled[name].unique().to_list())
        day_codes = labelled[name].cast(pl.Enum(texts)).to_physical()
        columns.append(day_codes.gather(row_day).alias(name))
        labels[name] = tuple(texts)
    return columns, labels
