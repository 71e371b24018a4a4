"""The filter operator table: which operators exist and which field kinds they apply to.

Why: one declarative table read by the parser (validation, error messages) and by the
engine (execution), so adding an operator is one line here plus one in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.fields import Kind

#: The most values an `in` filter may list (a documented limit).
MAX_IN_VALUES = 100

_ALL_KINDS = frozenset(Kind)


@dataclass(frozen=True)
class Operator:
    """An operator name, the field kinds it accepts, and whether its value is a list."""

    kinds: frozenset[Kind] = _ALL_KINDS
    takes_list: bool = False


OPERATORS: dict[str, Operator] = {
    "eq": Operator(),
    "ne": Operator(),
    "gt": Operator(),
    "gte": Operator(),
    "lt": Operator(),
    "lte": Operator(),
    "in": Operator(takes_list=True),
    "contains": Operator(kinds=frozenset({Kind.TEXT})),
}
