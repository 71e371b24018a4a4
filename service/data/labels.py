"""The labels of a coded column: its distinct texts, sorted, read straight from the snapshot's buffers.

Why not Python tuples: a file whose every row has its own member holds millions of labels, and
each worker decoding them all cost 310 MB of private memory (issue 23). The labels live in the
snapshot as one Arrow string array, mapped and shared like the columns; a label is decoded when
an answer shows it, and text predicates run over the whole array at once (service/query/text.py).
A small label set (`EAGER_LABELS`) is decoded once, as indexing a tuple is the fastest lookup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import pyarrow as pa
import pyarrow.compute as pc

#: Label sets up to this size are decoded once into a tuple (a few hundred kB at most).
EAGER_LABELS = 4096


class Labels(Sequence[str]):
    """Sorted labels (code i stands for the i-th), over a mapped Arrow large-string array."""

    def __init__(self, array: pa.Array) -> None:
        if array.type != pa.large_string():
            array = array.cast(pa.large_string())
        self.array = array
        self._count = len(array)
        buffers = array.buffers()
        offsets, data = buffers[1], buffers[2]
        self._offsets = memoryview(offsets).cast("q")[array.offset :] if offsets is not None else memoryview(b"")
        self._data = memoryview(data) if data is not None else memoryview(b"")
        #: Every label, decoded once, for a small set (None for a large one, decoded one at a time).
        self.decoded: tuple[str, ...] | None = tuple(array.to_pylist()) if self._count <= EAGER_LABELS else None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, code: int) -> str: ...
    @overload
    def __getitem__(self, code: slice) -> Sequence[str]: ...
    def __getitem__(self, code: int | slice) -> str | Sequence[str]:
        if isinstance(code, slice):
            return [self[index] for index in range(*code.indices(self._count))]
        if self.decoded is not None:
            return self.decoded[code]
        if code < 0:
            code += self._count
        if not 0 <= code < self._count:
            raise IndexError(code)
        return str(self._data[self._offsets[code] : self._offsets[code + 1]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self.decoded) if self.decoded is not None else (self[code] for code in range(self._count))

    def content(self) -> bytes:
        """The labels' offsets (counted from the first label) and bytes: what a checksum of them reads."""
        if self._count == 0:
            return b""
        first, last = self._offsets[0], self._offsets[self._count]
        offsets = pa.Array.from_buffers(
            pa.int64(), self._count + 1, [None, self.array.buffers()[1]], offset=self.array.offset
        )
        rebased = pc.subtract(offsets, pa.scalar(first, pa.int64()))
        return bytes(memoryview(rebased.buffers()[1]).cast("B")[: (self._count + 1) * 8]) + bytes(
            self._data[first:last]
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Labels):
            return bool(self.array.equals(other.array))
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Labels({len(self)} labels)"
