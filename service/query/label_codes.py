"""Which labels of a text column pass a condition, found among the sorted labels instead of row by row.

Why: a text column is stored as codes into its sorted labels (service/data/labels.py), and a
file may hold millions of distinct labels. Equality, lists and ranges are binary searches
(sorted labels make `> v` a range of codes, and `starts with p` too); only the conditions that
ignore case (`contains`, `ieq`) read every label, in one vectorised pass over the mapped array
(pyarrow.compute). The answer is a few codes, a span of codes, or a mask over all of them, any
of it negated; the engine turns it into one Polars expression or one test of a code
(service/engine/filters.py). The date buckets are coded columns too, so their filters are
decided here the same way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from service.data.labels import Labels


@dataclass(frozen=True)
class Codes:
    """The codes a condition keeps: `listed` ones, those in `span`, or those `mask` marks; if `negated`, the others."""

    listed: tuple[int, ...] | None = None
    span: range | None = None
    mask: pa.BooleanArray | None = None
    negated: bool = False

    def negate(self) -> Codes:
        return Codes(self.listed, self.span, self.mask, not self.negated)


def _position(labels: Sequence[str], value: str) -> int | None:
    index = bisect_left(labels, value)
    return index if index < len(labels) and labels[index] == value else None


def equal(labels: Labels, value: str) -> Codes:
    code = _position(labels, value)
    return Codes(listed=() if code is None else (code,))


def one_of(labels: Labels, values: tuple[str, ...]) -> Codes:
    return Codes(listed=tuple(sorted({code for value in values if (code := _position(labels, value)) is not None})))


def above(labels: Labels, value: str, inclusive: bool) -> Codes:
    start = bisect_left(labels, value) if inclusive else bisect_right(labels, value)
    return Codes(span=range(start, len(labels)))


def below(labels: Labels, value: str, inclusive: bool) -> Codes:
    stop = bisect_right(labels, value) if inclusive else bisect_left(labels, value)
    return Codes(span=range(0, stop))


def starting_with(labels: Labels, prefix: str) -> Codes:
    """Labels that start with `prefix` sit together: from the first at least `prefix`, while their start is it."""
    start = bisect_left(labels, prefix)
    stop = bisect_right(labels, prefix, lo=start, key=lambda label: label[: len(prefix)])
    return Codes(span=range(start, stop))


def containing(labels: Labels, needle: str) -> Codes:
    """Case-insensitively: both sides lower-cased by Unicode's simple mapping (pyarrow's `utf8_lower`)."""
    return Codes(mask=pc.match_substring(pc.utf8_lower(labels.array), pattern=lowered(needle)))


def equal_ignoring_case(labels: Labels, value: str) -> Codes:
    """Labels equal to `value` once both are lower-cased as `containing` lower-cases them."""
    return Codes(mask=pc.equal(pc.utf8_lower(labels.array), lowered(value)))


def lowered(text: str) -> str:
    """`text` lower-cased by Unicode's simple mapping, as pyarrow lower-cases labels (not Python's `str.lower`)."""
    return str(pc.utf8_lower(pa.scalar(text, pa.large_string())).as_py())


#: How each operator finds its codes among sorted labels (service/query/operators.py names one per operator).
LabelCodes = Callable[[Labels, Any], Codes]
