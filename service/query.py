"""Parse a request's query string into a typed, validated `Query`, or fail at the door.

Why: every later step (engine, pagination links, schema) may trust a `Query`; a bad
parameter becomes a 400 naming that exact parameter before any data is touched.
The grammar follows JSON:API 1.1 families: filter[...], sort, fields[...], page[...],
plus our `group_by` on endpoints that aggregate. `page[...]` pages by number, or by cursor
(the JSON:API cursor pagination profile) where the endpoint offers it: service/cursors.py
reads the cursors, service/cursor_profile.py has the profile's errors.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from service import cursors
from service.cursor_profile import MaxPageSizeExceeded, RangePaginationNotSupported
from service.errors import QueryError
from service.fields import Kind
from service.operators import MAX_IN_VALUES, OPERATORS

FilterValue = str | int | date | tuple[str | int | date, ...]

_PARAMETER = re.compile(r"(?P<family>[a-z_]+)(?:\[(?P<first>[^\[\]]*)\])?(?:\[(?P<second>[^\[\]]*)\])?")
_MONEY = re.compile(r"(?P<minus>-)?(?P<whole>[0-9]{1,15})(?:\.(?P<frac>[0-9]{1,2}))?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[1-9][0-9]{0,9}")
_PAGE_NUMBER_LIMIT = 10**9


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
    position: cursors.Position | None = None
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
    attributes: tuple[str, ...]
    filterable: Mapping[str, Kind]
    sortable: tuple[str, ...]
    families: frozenset[str]
    default_page_size: int = 20
    max_page_size: int = 1000
    dimensions: tuple[str, ...] = ()
    #: Whether `page[after]`/`page[before]` (cursor mode) are offered besides page numbers.
    cursor_pagination: bool = False


@dataclass(frozen=True)
class Query:
    filters: tuple[Filter, ...]
    sort: tuple[SortKey, ...]
    fields: tuple[str, ...] | None
    page: Page
    group_by: tuple[str, ...] = ()
    #: Conditions on each group's metrics (`/aggregates`), applied after grouping, like SQL's HAVING.
    group_filters: tuple[Filter, ...] = ()


def parse_query(args: MultiDict[str, str], spec: QuerySpec, *, profile_asked: bool = False) -> Query:
    """Validate every parameter of `args` against `spec`; raise `QueryError` on the first bad one.

    `profile_asked`: the request's Accept asks for the cursor pagination profile, which makes a
    request without `page[number]` a cursor-mode one where the endpoint offers it.
    """
    cursor_mode = spec.cursor_pagination and (
        "page[after]" in args or "page[before]" in args or (profile_asked and "page[number]" not in args)
    )
    parts = _Parts(cursor_mode=cursor_mode)
    for name in args:
        values = args.getlist(name)
        if len(values) > 1:
            raise QueryError(name, f"{name} is given {len(values)} times; give it once.")
        family, first, second = _split_name(name, spec)
        _FAMILIES[family].read(parts, _Parameter(name, first, second, values[0]), spec)
    return Query(tuple(parts.filters), parts.sort, parts.fields, _page(parts, spec), parts.group_by)


def ordering(sort: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    """The order rows are served in: the sort, then id ascending to break ties (unless the sort names id)."""
    return sort if any(key.field == "id" for key in sort) else (*sort, SortKey("id"))


@dataclass
class _Parts:
    """A Query as its parameters are read, one family at a time."""

    filters: list[Filter] = dataclasses.field(default_factory=list)
    sort: tuple[SortKey, ...] = ()
    fields: tuple[str, ...] | None = None
    group_by: tuple[str, ...] = ()
    page: dict[str, int] = dataclasses.field(default_factory=dict)
    #: The cursors given, by direction (`after`, `before`), as text.
    cursors: dict[str, str] = dataclasses.field(default_factory=dict)
    cursor_mode: bool = False


@dataclass(frozen=True)
class _Parameter:
    """One query parameter: `family[first][second]=value`."""

    name: str
    first: str
    second: str | None
    value: str


@dataclass(frozen=True)
class _Family:
    """A parameter family: its syntax (for errors), whether a name is well formed, and how it is read."""

    syntax: str
    well_formed: Callable[[str | None, str | None], bool]
    read: Callable[[_Parts, _Parameter, QuerySpec], None]


def _split_name(name: str, spec: QuerySpec) -> tuple[str, str, str | None]:
    """Check the parameter's name against the families this endpoint supports."""
    family = name.split("[", 1)[0]
    if family == "include":
        raise QueryError(name, "include is not supported: expanses have no relationships.")
    if family not in spec.families:
        supported = ", ".join(_FAMILIES[f].syntax for f in sorted(spec.families))
        raise QueryError(name, f"Unknown query parameter {name!r}. Supported here: {supported}.")
    match = _PARAMETER.fullmatch(name)
    if match is None or not _FAMILIES[family].well_formed(match["first"], match["second"]):
        raise QueryError(name, f"Malformed parameter {name!r}; expected {_FAMILIES[family].syntax}.")
    return family, match["first"] or "", match["second"]


def _read_filter(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.filters.append(_parse_filter(p.name, p.first, p.second, p.value, spec))


def _read_sort(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.sort = _parse_sort(p.name, p.value, spec)


def _read_fields(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.fields = _parse_fields(p.name, p.first, p.value, spec)


def _read_page(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    if p.first in ("after", "before"):
        parts.cursors[p.first] = p.value  # read once the sort and filters are known (`_page`)
        return
    limit = spec.max_page_size if p.first == "size" else _PAGE_NUMBER_LIMIT
    number = _whole_number(p.value)
    if p.first == "size" and parts.cursor_mode and number is not None and number > limit:
        raise MaxPageSizeExceeded(limit)  # the profile's own error, which states the maximum
    if number is None or not 1 <= number <= limit:
        raise QueryError(p.name, f"{p.name} must be a whole number from 1 to {limit}; got {p.value!r}.")
    parts.page[p.first] = number


def _read_group_by(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.group_by = _parse_group_by(p.name, p.value, spec)


#: Every parameter family in one table: its syntax, its well-formed names, and how it is read.
_FAMILIES: dict[str, _Family] = {
    "filter": _Family("filter[field] or filter[field][op]", lambda first, _: bool(first), _read_filter),
    "sort": _Family("sort", lambda first, second: first is None, _read_sort),
    "fields": _Family("fields[type]", lambda first, second: bool(first) and second is None, _read_fields),
    "page": _Family(
        "page[number], page[size], page[after] or page[before]",
        lambda first, second: first in ("number", "size", "after", "before") and second is None,
        _read_page,
    ),
    "group_by": _Family("group_by", lambda first, second: first is None, _read_group_by),
}


def _parse_filter(name: str, field: str, operator: str | None, value: str, spec: QuerySpec) -> Filter:
    kind = spec.filterable.get(field)
    if kind is None:
        raise QueryError(name, f"Cannot filter on {field!r}. Filterable fields: {', '.join(spec.filterable)}.")
    op_name = "eq" if operator is None else operator
    op = OPERATORS.get(op_name)
    if op is None:
        raise QueryError(name, f"Unknown operator {op_name!r}. Operators: {', '.join(OPERATORS)}.")
    if not op.applies_to(kind):
        raise QueryError(name, f"Operator {op_name!r} does not apply to {field!r}; it works on {op.kinds_text()}.")
    if not value:
        raise QueryError(name, f"{name} needs a value.")
    if not op.takes_list:
        return Filter(field, op_name, _parse_value(name, kind, value))
    items = value.split(",")
    if len(items) > MAX_IN_VALUES:
        raise QueryError(name, f"{name} lists {len(items)} values; at most {MAX_IN_VALUES} are allowed.")
    if any(not item for item in items):
        raise QueryError(name, f"{name} has an empty item; separate values with single commas.")
    return Filter(field, op_name, tuple(_parse_value(name, kind, item) for item in items))


def _parse_value(name: str, kind: Kind, text: str) -> str | int | date:
    """Read one filter value by the field's kind (amounts exactly, as cents)."""
    if kind is Kind.TEXT:
        return text
    if kind is Kind.MONEY:
        match = _MONEY.fullmatch(text)
        if match is None:
            raise QueryError(
                name, f"{text!r} is not an amount; use a number with at most 2 decimals, like 1400 or -12.50."
            )
        cents = int(match["whole"]) * 100 + int((match["frac"] or "0").ljust(2, "0"))
        return -cents if match["minus"] else cents
    if kind is Kind.DATE:
        try:
            if _ISO_DATE.fullmatch(text) is None:
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise QueryError(
                name, f"{text!r} is not a date; use an existing day as YYYY-MM-DD, like 2021-02-01."
            ) from None
    if kind is Kind.COUNT:
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise QueryError(name, f"{text!r} is not a count; use a whole number like 10.")
        return int(text)
    if _ID.fullmatch(text) is None:
        raise QueryError(name, f"{text!r} is not an id; ids are whole numbers from 1.")
    return int(text)


def _parse_sort(name: str, value: str, spec: QuerySpec) -> tuple[SortKey, ...]:
    """Sort keys in order; a field named again is dropped, as it cannot change the order."""
    keys: dict[str, SortKey] = {}
    for item in value.split(","):
        field = item.removeprefix("-")
        if field not in spec.sortable:
            raise QueryError(
                name, f"Cannot sort on {item!r}. Sort keys: {', '.join(spec.sortable)} (prefix - for descending)."
            )
        keys.setdefault(field, SortKey(field, item.startswith("-")))
    return tuple(keys.values())


def _parse_fields(name: str, resource_type: str, value: str, spec: QuerySpec) -> tuple[str, ...]:
    if resource_type != spec.resource_type:
        raise QueryError(name, f"Unknown type {resource_type!r}; use fields[{spec.resource_type}].")
    if not value:
        return ()  # an empty fieldset: resources with no attributes (JSON:API allows it)
    names = tuple(value.split(","))
    for field in names:
        if field not in spec.attributes:
            raise QueryError(
                name, f"{field!r} is not a field of {spec.resource_type}. Fields: {', '.join(spec.attributes)}."
            )
    return names


def _parse_group_by(name: str, value: str, spec: QuerySpec) -> tuple[str, ...]:
    dimensions = tuple(value.split(","))
    for dimension in dimensions:
        if dimension not in spec.dimensions:
            raise QueryError(
                name, f"Cannot group by {dimension!r}. Dimensions: {', '.join(spec.dimensions)} (comma-separated)."
            )
        if dimensions.count(dimension) > 1:
            raise QueryError(name, f"{dimension!r} appears twice in group_by.")
    return dimensions


def _page(parts: _Parts, spec: QuerySpec) -> Page:
    """Page numbers, or cursor mode: the page after or before one cursor, or the first page."""
    size = parts.page.get("size", spec.default_page_size)
    if not parts.cursor_mode:
        if parts.cursors:  # only where the endpoint pages by number alone
            name = f"page[{next(iter(parts.cursors))}]"
            raise QueryError(name, f"This collection pages by number only: use page[number] instead of {name}.")
        return Page(parts.page.get("number", 1), size)
    if "number" in parts.page:
        raise QueryError(
            "page[number]", "page[number] cannot be combined with page[after] or page[before]; give one way of paging."
        )
    if len(parts.cursors) > 1:
        raise RangePaginationNotSupported()
    order = ordering(parts.sort)
    made_for = cursors.digest(
        [(key.field, key.descending) for key in order], [(f.field, f.operator, f.value) for f in parts.filters]
    )
    if not parts.cursors:
        return Page(1, size, Seek(made_for))  # the first page
    [(direction, text)] = parts.cursors.items()
    kinds = [spec.filterable[key.field] for key in order]
    position = cursors.decode(text, f"page[{direction}]", kinds, made_for)
    return Page(1, size, Seek(made_for, position, backwards=direction == "before"))


def _whole_number(text: str) -> int | None:
    """ASCII digits as a number (past 18 digits, a number too large for any limit here), else None."""
    if not text.isascii() or not text.isdigit():
        return None
    return int(text) if len(text) <= 18 else 10**18
