"""The filter operators: everything about each one, in one table.

Why one table: the parser (which fields an operator applies to, whether its value is a
list, the error messages), the engine (its expression on a column, and the same test on one
value for text columns, decided once per distinct value) and the contract (each
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

#: The most values a list operator (`in`, `nin`) may take (a documented limit).
MAX_IN_VALUES = 100

_ALL_KINDS = frozenset(Kind)
_TEXT = frozenset({Kind.TEXT})


@dataclass(frozen=True)
class Operator:
    """One operator: what it means, what it applies to, and how the engine runs it."""

    #: Completes "records whose FIELD ... the value" (docs and the contract say it this way).
    meaning: str
    #: The condition on a whole column (money, dates, ids, metrics).
    on_column: Callable[[pl.Expr, Any], pl.Expr]
    #: The same condition on one value (each distinct value of a text column).
    on_value: Callable[[Any, Any], bool]
    kinds: frozenset[Kind] = _ALL_KINDS
    takes_list: bool = False

    def applies_to(self, kind: Kind) -> bool:
        return kind in self.kinds

    def kinds_text(self) -> str:
        return " and ".join(sorted(kind.value for kind in self.kinds)) + " fields only"


OPERATORS: dict[str, Operator] = {
    "eq": Operator("equals", operator.eq, operator.eq),
    "ne": Operator("differs from", operator.ne, operator.ne),
    "gt": Operator("is greater than", operator.gt, operator.gt),
    "gte": Operator("is at least", operator.ge, operator.ge),
    "lt": Operator("is less than", operator.lt, operator.lt),
    "lte": Operator("is at most", operator.le, operator.le),
    "in": Operator(
        "is one of (comma-separated, at most 100; a text holding a comma in double quotes)",
        lambda column, values: column.is_in(list(values)),
        lambda value, values: value in values,
        takes_list=True,
    ),
    "nin": Operator(
        "is none of (comma-separated, at most 100; a text holding a comma in double quotes)",
        lambda column, values: ~column.is_in(list(values)),
        lambda value, values: value not in values,
        takes_list=True,
    ),
    "starts_with": Operator(
        "starts with (case-sensitively)",
        lambda column, prefix: column.cast(pl.String).str.starts_with(prefix),
        lambda value, prefix: value.startswith(prefix),
        kinds=_TEXT,
    ),
    "contains": Operator(
        "contains, case-insensitively",
        lambda column, needle: column.cast(pl.String).str.to_lowercase().str.contains(needle.lower(), literal=True),
        lambda value, needle: needle.lower() in value.lower(),
        kinds=_TEXT,
    ),
}
