"""The filter operators: everything about each one, in one table.

Why one table: the parser (which fields an operator applies to, whether its value is a
list, the error messages), the engine (its expression on a column of numbers, the same test on
one value, and which sorted labels of a text column pass) and the contract (each
`filter[field][op]` parameter of openapi.yaml, checked against this table by
tests/unit/test_openapi_filters.py) all read it. Adding an operator is one entry here, plus
its parameters in openapi.yaml, its tests and a line in docs/api.md.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from service.data.fields import Kind
from service.query import label_codes as text
from service.query.label_codes import LabelCodes

#: The most values a list operator (`in`, `nin`) may take (a documented limit).
MAX_IN_VALUES = 100

_ALL_KINDS = frozenset(Kind)
_TEXT = frozenset({Kind.TEXT})


@dataclass(frozen=True)
class Operator:
    """One operator: what it means, what it applies to, and how the engine runs it."""

    #: Completes "records whose FIELD ... the value" (docs and the contract say it this way).
    meaning: str
    #: The condition on a whole column of numbers (money, dates, ids, metrics).
    on_column: Callable[[pl.Expr, Any], pl.Expr]
    #: The same condition on one such value (small tables in plain Python, filters on groups).
    on_value: Callable[[Any, Any], bool]
    #: The same condition on a text column: which of its sorted labels pass (service/query/label_codes.py).
    on_labels: LabelCodes
    kinds: frozenset[Kind] = _ALL_KINDS
    takes_list: bool = False

    def applies_to(self, kind: Kind) -> bool:
        return kind in self.kinds

    def kinds_text(self) -> str:
        return " and ".join(sorted(kind.value for kind in self.kinds)) + " fields only"


OPERATORS: dict[str, Operator] = {
    "eq": Operator("equals", operator.eq, operator.eq, text.equal),
    "ne": Operator("differs from", operator.ne, operator.ne, lambda labels, v: text.equal(labels, v).negate()),
    "gt": Operator("is greater than", operator.gt, operator.gt, lambda labels, v: text.above(labels, v, False)),
    "gte": Operator("is at least", operator.ge, operator.ge, lambda labels, v: text.above(labels, v, True)),
    "lt": Operator("is less than", operator.lt, operator.lt, lambda labels, v: text.below(labels, v, False)),
    "lte": Operator("is at most", operator.le, operator.le, lambda labels, v: text.below(labels, v, True)),
    "in": Operator(
        "is one of (comma-separated, at most 100; a text holding a comma in double quotes)",
        lambda column, values: column.is_in(list(values)),
        lambda value, values: value in values,
        text.one_of,
        takes_list=True,
    ),
    "nin": Operator(
        "is none of (comma-separated, at most 100; a text holding a comma in double quotes)",
        lambda column, values: ~column.is_in(list(values)),
        lambda value, values: value not in values,
        lambda labels, values: text.one_of(labels, values).negate(),
        takes_list=True,
    ),
    "starts_with": Operator(
        "starts with (case-sensitively)",
        lambda column, prefix: column.cast(pl.String).str.starts_with(prefix),
        lambda value, prefix: value.startswith(prefix),
        text.starting_with,
        kinds=_TEXT,
    ),
    "ieq": Operator(
        "equals, ignoring case,",
        lambda column, value: column.cast(pl.String).str.to_lowercase() == value.lower(),
        lambda value, other: value.lower() == other.lower(),
        text.equal_ignoring_case,
        kinds=_TEXT,
    ),
    "contains": Operator(
        "contains, case-insensitively",
        lambda column, needle: column.cast(pl.String).str.to_lowercase().str.contains(needle.lower(), literal=True),
        lambda value, needle: needle.lower() in value.lower(),
        text.containing,
        kinds=_TEXT,
    ),
}
