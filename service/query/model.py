"""The query model: what one request asks for, typed and already checked.

Why apart from the parser: the engine, the pagination links and the resources read a `Query`
and never the query string; only service/query/parser.py makes one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from service.data.fields import Kind
from service.query.cursors import Position
from service.query.names import AS_IS, MemberNames

FilterValue = str | int | date | tuple[str | int | date, ...]


@dataclass(frozen=True)
class Filter:
    """One condition `field op value`; all filters of a query are AND-ed."""

    field: str
    operator: str
    value: FilterValue


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class Seek:
    """Cursor mode: the page just after `position` (just before it when `backwards`), or the first page."""

    #: The digest the cursors of this query carry (what they are made for).
    made_for: str
    position: Position | None = None
    backwards: bool = False


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    #: Set in cursor mode, where `number` means nothing.
    seek: Seek | None = None

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class QuerySpec:
    """What one endpoint accepts: its type, fields, and which parameter families."""

    resource_type: str
    #: The fields `fields[resource_type]` may name: attributes, then relationships.
    attributes: tuple[str, ...]
    filterable: Mapping[str, Kind]
    sortable: tuple[str, ...]
    families: frozenset[str]
    #: From the settings (service/config.py), the one home of these defaults.
    default_page_size: int
    max_page_size: int
    dimensions: tuple[str, ...] = ()
    #: Whether `page[after]`/`page[before]` (cursor mode) are offered besides page numbers.
    cursor_pagination: bool = False
    #: The relationships `include` may name (the family must be among `families` too).
    includable: tuple[str, ...] = ()
    #: The fields of the other types this endpoint's documents may hold (included or related resources).
    other_fieldsets: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    #: How this deployment writes member names, in parameters as in documents (service/query/names.py).
    names: MemberNames = AS_IS


@dataclass(frozen=True)
class Query:
    filters: tuple[Filter, ...]
    sort: tuple[SortKey, ...]
    fields: tuple[str, ...] | None
    page: Page
    group_by: tuple[str, ...] = ()
    #: Conditions on each group's metrics (`/aggregates`), applied after grouping, like SQL's HAVING.
    group_filters: tuple[Filter, ...] = ()
    #: The relationships to include (each once, in the order asked); None when `include` is not given.
    include: tuple[str, ...] | None = None
    #: Sparse fieldsets of the other types (`fields[members]`), by type.
    other_fields: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


def ordering(sort: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    """The order rows are served in: the sort, then id ascending to break ties (unless the sort names id)."""
    return sort if any(key.field == "id" for key in sort) else (*sort, SortKey("id"))
