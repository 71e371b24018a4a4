"""The engine's columns as one file: built once from the checked CSV, mapped by every worker.

Why: parsing ten million rows takes seconds and gigabytes, and each worker doing it again
multiplied both. The gunicorn master has the file checked and converted once into a snapshot
(service/data/snapshot_store.py); every worker maps it, so one copy of its pages serves them all.
Every column is a plain number (ids, cents, dates as days, and text as a code into its sorted
distinct labels) because Polars takes numbers from a mapped Arrow table without copying them,
while it copies dictionary columns (decision 0007 has the measurements).

The file: the rows as an Arrow IPC file, then the labels of every coded column as a second
Arrow IPC file (one large-string column, each coded column's labels a range of it), then a
trailer saying where the second begins. What it is (format, the CSV's SHA-256, the release that
wrote it, the distinct days, the label ranges) and a SHA-256 of all of it and of every value
(`checksum`) are in the rows' schema metadata, so a snapshot edited, cut short or made for
another file or release is refused by `verify`, never served (decision 0009).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Literal

import polars as pl
import pyarrow as pa

from service.data.csv_source import ExpenseColumns
from service.data.fields import ATTRIBUTES, DATE_BUCKET_KINDS, FILTERABLE, Kind
from service.data.labels import Labels

#: Changes whenever the layout or its meaning changes, so an older snapshot is never read.
FORMAT = "expanses-snapshot-5"

#: Text attributes, stored as codes into their sorted distinct values.
TEXT_FIELDS = tuple(name for name, kind in ATTRIBUTES.items() if kind is Kind.TEXT)

#: The stored column behind each field a query may name (money is held as exact integer cents).
COLUMN_OF = {name: "cents" if kind is Kind.MONEY else name for name, kind in FILTERABLE.items()}


def index_name(column: str) -> str:
    """The stored column holding `column`'s index (decision 0010)."""
    return f"order_{column}"


#: The label of each kind of date bucket; they sort chronologically as text (service/query/values.py checks
#: a filter's value has the same form).
_BUCKET_LABELS: dict[Kind, pl.Expr] = {
    Kind.WEEK: pl.col("date").dt.strftime("%G-W%V"),  # ISO 8601 week and its year: 2021-W07
    Kind.MONTH: pl.col("date").dt.strftime("%Y-%m"),
    Kind.QUARTER: pl.format("{}-Q{}", pl.col("date").dt.strftime("%Y"), pl.col("date").dt.quarter()),
    Kind.YEAR: pl.col("date").dt.strftime("%Y"),  # four digits, so years before 1000 sort too
}

#: Labels of the date buckets `/aggregates` groups by and filters select on (service/data/fields.py names them).
DATE_BUCKETS: dict[str, pl.Expr] = {name: _BUCKET_LABELS[kind] for name, kind in DATE_BUCKET_KINDS.items()}

#: Every column stored as a code: its value is the code-th of its sorted labels.
CODED = (*TEXT_FIELDS, *DATE_BUCKETS)

#: The stored columns a sort can start with, each with an index: its rows' positions in its order (ties by id).
INDEXED = tuple(COLUMN_OF[name] for name in ATTRIBUTES)

#: The snapshot's columns, in order: the id, each attribute, the date buckets, then the indexes.
LAYOUT = ("id", *INDEXED, *DATE_BUCKETS, *(index_name(column) for column in INDEXED))

#: At the end of the file: a mark, the length of the rows part, where the labels part begins.
_TRAILER = struct.Struct("<8sQQ")
_MARK = b"EXPSNAP4"
#: Where the labels part may begin: Arrow's buffers keep their alignment.
_ALIGNMENT = 64

#: The memoryview format of each Arrow type the snapshot stores.
_FORMATS: dict[pa.DataType, Literal["B", "H", "I", "q", "i"]] = {
    pa.uint8(): "B",
    pa.uint16(): "H",
    pa.uint32(): "I",
    pa.int64(): "q",
    pa.date32(): "i",
}


class SnapshotError(Exception):
    """A snapshot file that is not one this release wrote for this data; it is rebuilt, never served."""


@dataclass(frozen=True)
class Snapshot:
    """All rows in id order: `id`, the coded columns, `cents` and `date` (row i has id i + 1)."""

    table: pa.Table
    #: Each coded column's labels, sorted, so comparing codes compares the texts.
    labels: Mapping[str, Labels]
    #: SHA-256 of the CSV file the rows came from (HTTP ETags build on it).
    fingerprint: str
    #: The distinct days of the file, sorted (so no worker scans every row to learn them).
    days: tuple[date, ...]
    #: The release that wrote the file ("" for a snapshot built in memory).
    release: str = ""
    #: What the file says it holds (`checksum`); "" for a snapshot built in memory.
    checksum: str = ""

    def __len__(self) -> int:
        return int(self.table.num_rows)


def build(columns: ExpenseColumns) -> Snapshot:
    """The snapshot of checked CSV columns: text as codes into sorted labels, money and dates as they are."""
    labels = {name: columns[name].unique().cast(pl.String).sort() for name in TEXT_FIELDS}
    stored = {"id": pl.int_range(1, len(columns) + 1, dtype=pl.Int64, eager=True)}
    for name in ATTRIBUTES:
        values = columns[name]
        stored[COLUMN_OF[name]] = values.cast(pl.Enum(labels[name])).to_physical() if name in labels else values
    frame = pl.DataFrame(stored)
    days = frame["date"].unique().sort()
    buckets, bucket_labels = _date_buckets(frame["date"], days)
    table = frame.with_columns(*buckets, *_indexes(frame)).to_arrow().combine_chunks()
    texts = {name: _label_array(series) for name, series in {**labels, **bucket_labels}.items()}
    return Snapshot(table, {name: Labels(array) for name, array in texts.items()}, columns.fingerprint, tuple(days))


def write(snapshot: Snapshot, sink: IO[bytes], release: str) -> None:
    """The snapshot as a file: the rows' IPC file, the labels' IPC file at an aligned offset, the trailer."""
    joined = pa.concat_arrays([snapshot.labels[name].array for name in CODED])
    ranges, start = {}, 0
    for name in CODED:
        ranges[name] = [start, start + len(snapshot.labels[name])]
        start += len(snapshot.labels[name])
    metadata = {
        "format": FORMAT,
        "fingerprint": snapshot.fingerprint,
        "release": release,
        "rows": str(len(snapshot)),
        "days": json.dumps([day.isoformat() for day in snapshot.days]),
        "label_ranges": json.dumps(ranges),
    }
    metadata["checksum"] = _checksum(metadata, snapshot.table, [snapshot.labels[name] for name in CODED])
    schema = snapshot.table.schema.with_metadata(metadata)
    with pa.ipc.new_file(sink, schema) as writer:
        writer.write_table(snapshot.table.replace_schema_metadata(metadata), max_chunksize=max(1, len(snapshot)))
    rows_length = sink.tell()
    sink.write(b"\0" * (-rows_length % _ALIGNMENT))
    labels_offset = sink.tell()
    label_table = pa.table({"label": joined})
    with pa.ipc.new_file(sink, label_table.schema) as writer:
        writer.write_table(label_table, max_chunksize=max(1, len(joined)))
    sink.write(_TRAILER.pack(_MARK, rows_length, labels_offset))


def read(descriptor: int) -> Snapshot:
    """The snapshot in the open file `descriptor`, mapped, not read: its pages are shared by every process.

    Checks its form (format, columns, one record batch); `verify` checks what it holds.
    """
    try:
        view = pa.py_buffer(mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ))
        if view.size < _TRAILER.size:
            raise SnapshotError("it is too short to be a snapshot")
        mark, rows_length, labels_offset = _TRAILER.unpack(view[view.size - _TRAILER.size :].to_pybytes())
        if mark != _MARK or not rows_length <= labels_offset <= view.size - _TRAILER.size:
            raise SnapshotError("it has no snapshot trailer (cut short, or not a snapshot)")
        table = pa.ipc.open_file(view.slice(0, rows_length)).read_all()
        joined = pa.ipc.open_file(view.slice(labels_offset, view.size - _TRAILER.size - labels_offset)).read_all()
    except SnapshotError:
        raise
    except (OSError, ValueError, struct.error, pa.ArrowException) as error:
        raise SnapshotError(f"not a snapshot file: {error}") from None
    metadata = {key.decode(): value.decode() for key, value in (table.schema.metadata or {}).items()}
    if metadata.get("format") != FORMAT or metadata.get("rows") != str(table.num_rows):
        raise SnapshotError(f"written by another release or cut short (format {metadata.get('format')!r})")
    try:
        days = tuple(date.fromisoformat(day) for day in json.loads(metadata["days"]))
        ranges = {name: (int(start), int(stop)) for name, (start, stop) in json.loads(metadata["label_ranges"]).items()}
        labels_column = joined.column("label")
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise SnapshotError(f"its labels or days cannot be read: {error!r}") from None
    if set(ranges) != set(CODED) or tuple(table.column_names) != LAYOUT or "fingerprint" not in metadata:
        raise SnapshotError("its columns are not this release's")
    if any(column.num_chunks > 1 for column in table.columns) or labels_column.num_chunks > 1:
        raise SnapshotError("its rows are not one record batch")
    every_label = labels_column.chunk(0) if labels_column.num_chunks else pa.array([], pa.large_string())
    if any(not 0 <= start <= stop <= len(every_label) for start, stop in ranges.values()):
        raise SnapshotError("its label ranges do not fit its labels")
    labels = {name: Labels(every_label.slice(start, stop - start)) for name, (start, stop) in ranges.items()}
    return Snapshot(
        table, labels, metadata["fingerprint"], days, metadata.get("release", ""), metadata.get("checksum", "")
    )


def verify(snapshot: Snapshot, fingerprint: str, release: str) -> None:
    """Refuse a snapshot that is not of this CSV (`fingerprint`), not this release's, or not what it was written as.

    Reads every value once (a SHA-256 over the mapped pages: 0.15 s at ten million rows, decision 0009).
    """
    if snapshot.fingerprint != fingerprint:
        raise SnapshotError(f"it was made from another file (SHA-256 {snapshot.fingerprint[:12]}…)")
    if snapshot.release != release:
        raise SnapshotError("it was made by another release")
    metadata = {key.decode(): value.decode() for key, value in (snapshot.table.schema.metadata or {}).items()}
    if _checksum(metadata, snapshot.table, [snapshot.labels[name] for name in CODED]) != snapshot.checksum:
        raise SnapshotError("its contents differ from what was written (edited or damaged)")


def column_values(column: pa.ChunkedArray) -> memoryview:
    """A stored column's values as a typed view of its (mapped) Arrow buffer: nothing is copied.

    (`combine_chunks()` would copy even a single chunk.) The snapshot's form: one chunk, or
    none for a file of no rows, and no nulls.
    """
    form = _FORMATS[column.type]
    if column.num_chunks == 0:
        return memoryview(b"").cast(form)
    (array,) = column.chunks
    values = array.buffers()[1]
    start, stop = int(array.offset), int(array.offset) + len(array)
    raw = memoryview(b"") if values is None or start == stop else memoryview(values)
    return raw.cast("B").cast(form)[start:stop]


def _checksum(metadata: Mapping[str, str], table: pa.Table, labels: list[Labels]) -> str:
    """SHA-256 of the metadata (but the checksum), every column's values, and the labels' offsets and bytes."""
    digest = hashlib.sha256(json.dumps({k: v for k, v in metadata.items() if k != "checksum"}, sort_keys=True).encode())
    for name in table.column_names:
        digest.update(column_values(table.column(name)).cast("B"))
    for group in labels:
        digest.update(group.content())
    return digest.hexdigest()


def _indexes(frame: pl.DataFrame) -> list[pl.Series]:
    """Each indexed column's row positions in (value, id) order: a stable sort by the value, as rows are in id order.

    A database keeps such an index so that a first page in that order reads a page's worth of rows,
    not the table (service/engine/indexed.py; decision 0010, where the sorts are timed).
    """
    return [
        frame.select(pl.arg_sort_by(column, maintain_order=True).cast(pl.UInt32).alias(index_name(column))).to_series()
        for column in INDEXED
    ]


def _label_array(series: pl.Series) -> pa.Array:
    """Sorted texts as one contiguous Arrow large-string array (offsets from 0)."""
    array = series.cast(pl.String).to_arrow()
    return pa.concat_arrays([array.cast(pa.large_string())]) if len(array) else pa.array([], pa.large_string())


def _date_buckets(dates: pl.Series, days: pl.Series) -> tuple[list[pl.Series], dict[str, pl.Series]]:
    """Each row's week, month, quarter and year as codes, labelled once per distinct day (`days`, sorted)."""
    row_day = days.search_sorted(dates)  # each row's position among the distinct days
    labelled = days.to_frame().select(**DATE_BUCKETS)
    columns, labels = [], {}
    for name in DATE_BUCKETS:
        texts = labelled[name].unique().sort()
        day_codes = labelled[name].cast(pl.Enum(texts)).to_physical()
        columns.append(day_codes.gather(row_day).alias(name))
        labels[name] = texts
    return columns, labels
