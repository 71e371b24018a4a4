"""The order the API serves rows in, computed independently of the service.

Stable sorts from the last key to the first over rows in id order, so ties end up by id
ascending, as JSON:API clients of this API are promised (docs/api.md, "Sort").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from tests.helpers.reference import Row


def sort_keys(sort: str) -> list[tuple[str, bool]]:
    """A `sort` parameter as (field, descending) pairs; a field named again is dropped, as the API does."""
    keys: dict[str, bool] = {}
    for item in filter(None, sort.split(",")):
        keys.setdefault(item.removeprefix("-"), item.startswith("-"))
    return list(keys.items())


def served_order(rows: Sequence[Row], keys: Sequence[tuple[str, bool]]) -> list[Row]:
    """`rows` in the order of `keys` ((field, descending) pairs), ties by id ascending."""
    ordered = sorted(rows, key=attrgetter("id"))
    for field, descending in reversed(keys):
        ordered.sort(key=value_of(field), reverse=descending)
    return ordered


def value_of(field: str) -> Callable[[Row], Any]:
    """What a field orders by: amounts by exact cents, text in code-point order, dates as dates."""
    return attrgetter("cents" if field == "amount" else field)
