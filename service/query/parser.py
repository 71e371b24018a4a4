"""Parse a request's query string into a typed, validated `Query`, or fail at the door.

Why: every later step (engine, pagination links, rendering) may trust a `Query`
(service/query/model.py); a bad parameter becomes a `QueryError` naming that exact parameter
before any data is touched. The grammar follows JSON:API 1.1 families: filter[...], sort,
fields[...], page[...], include, plus our `group_by` on endpoints that aggregate. `page[...]` pages
by number, or by cursor (the JSON:API cursor pagination profile) where the endpoint offers it:
service/query/cursors.py reads the cursors, service/query/cursor_profile.py has the profile's errors.
Member names are read as this deployment writes them (`spec.names`, service/query/names.py) and
kept snake_case inside; errors name the parameter as sent and list names as a client must write them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from service.data.fields import Kind
from service.query import cursors
from service.query.cursor_profile import MaxPageSizeExceeded, RangePaginationNotSupported
from service.query.errors import QueryError
from service.query.model import Filter, Page, Query, QuerySpec, Seek, SortKey, ordering
from service.query.operators import MAX_IN_VALUES, OPERATORS
from service.query.values import parse_value


class Arguments(Protocol):
    """A query string as a web framework hands it over: its names, each with its values (werkzeug's MultiDict)."""

    def __iter__(self) -> Iterator[str]: ...
    def __contains__(self, key: object) -> bool: ...
    def getlist(self, key: str) -> list[str]: ...


_PARAMETER = re.compile(r"(?P<family>[A-Za-z_-]+)(?:\[(?P<first>[^\[\]]*)\])?(?:\[(?P<second>[^\[\]]*)\])?")
_PAGE_NUMBER_LIMIT = 10**9
#: A quoted item of a list: quotes doubled inside, then a comma or the end.
_QUOTED = re.compile(r'"((?:[^"]|"")*)"(?=,|$)')


def parse_query(
    args: Arguments, spec: QuerySpec, *, profile_asked: bool = False, scope: tuple[Filter, ...] = ()
) -> Query:
    """Validate every parameter of `args` against `spec`; raise `QueryError` on the first bad one.

    `profile_asked`: the request's Accept asks for the cursor pagination profile, which makes a
    request without `page[number]` a cursor-mode one where the endpoint offers it. `scope`: the
    conditions the path itself sets (`/members/Sam/expanses`), AND-ed before the query's own
    filters, so they are part of what a cursor is made for.
    """
    cursor_mode = spec.cursor_pagination and (
        "page[after]" in args or "page[before]" in args or (profile_asked and "page[number]" not in args)
    )
    parts = _Parts(filters=list(scope), cursor_mode=cursor_mode)
    for name in args:
        values = args.getlist(name)
        if len(values) > 1:
            raise QueryError(name, f"{name} is given {len(values)} times; give it once.")
        family, first, second = _split_name(name, spec)
        _FAMILIES[family].read(parts, _Parameter(name, first, second, values[0]), spec)
    return Query(
        tuple(parts.filters),
        parts.sort,
        parts.fields,
        _page(parts, spec),
        parts.group_by,
        include=parts.include,
        other_fields=parts.other_fields,
    )


@dataclass
class _Parts:
    """A Query as its parameters are read, one family at a time."""

    filters: list[Filter] = dataclasses.field(default_factory=list)
    sort: tuple[SortKey, ...] = ()
    fields: tuple[str, ...] | None = None
    other_fields: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    group_by: tuple[str, ...] = ()
    include: tuple[str, ...] | None = None
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
    written = name.split("[", 1)[0]
    family = spec.names.into(written, spec.families)
    if family is None:
        if written == "include":  # JSON:API: an endpoint without include answers 400 to any use of it
            raise QueryError(name, f"{name} is not supported here: nothing can be included in this document.")
        if not spec.families:
            raise QueryError(name, f"This path takes no query parameters; remove {name!r}.")
        supported = ", ".join(_syntax(f, spec) for f in sorted(spec.families))
        raise QueryError(name, f"Unknown query parameter {name!r}. Supported here: {supported}.")
    match = _PARAMETER.fullmatch(name)
    if match is None or not _FAMILIES[family].well_formed(match["first"], match["second"]):
        raise QueryError(name, f"Malformed parameter {name!r}; expected {_syntax(family, spec)}.")
    return family, match["first"] or "", match["second"]


def _syntax(family: str, spec: QuerySpec) -> str:
    """A family's syntax for an error's detail, its name as this deployment writes it."""
    return _FAMILIES[family].syntax.replace(family, spec.names.out(family))


def _read_filter(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.filters.append(_parse_filter(p.name, p.first, p.second, p.value, spec))


def _read_sort(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.sort = _parse_sort(p.name, p.value, spec)


def _read_fields(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    names = _parse_fields(p.name, p.first, p.value, spec)
    if p.first == spec.resource_type:
        parts.fields = names
    else:
        parts.other_fields[p.first] = names


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


def _read_include(parts: _Parts, p: _Parameter, spec: QuerySpec) -> None:
    parts.include = _parse_include(p.name, p.value, spec)


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
    "include": _Family("include", lambda first, second: first is None, _read_include),
}


def _parse_filter(name: str, written: str, operator: str | None, value: str, spec: QuerySpec) -> Filter:
    names = spec.names
    field = names.into(written, spec.filterable)
    if field is None:
        raise QueryError(name, f"Cannot filter on {written!r}. Filterable fields: {names.listed(spec.filterable)}.")
    kind = spec.filterable[field]
    op_name = "eq" if operator is None else names.into(operator, OPERATORS)
    if op_name is None:
        raise QueryError(name, f"Unknown operator {operator!r}. Operators: {names.listed(OPERATORS)}.")
    op = OPERATORS[op_name]
    if not op.applies_to(kind):
        raise QueryError(
            name, f"Operator {names.out(op_name)!r} does not apply to {written!r}; it works on {op.kinds_text()}."
        )
    if not value:
        raise QueryError(name, f"{name} needs a value.")
    if not op.takes_list:
        return Filter(field, op_name, parse_value(name, kind, value))
    items = _text_items(name, value) if kind is Kind.TEXT else value.split(",")
    if len(items) > MAX_IN_VALUES:
        raise QueryError(name, f"{name} lists {len(items)} values; at most {MAX_IN_VALUES} are allowed.")
    if any(not item for item in items):
        raise QueryError(name, f"{name} has an empty item; separate values with single commas.")
    return Filter(field, op_name, tuple(parse_value(name, kind, item) for item in items))


def _text_items(name: str, value: str) -> list[str]:
    """Comma-separated texts; one that holds a comma, or starts with a double quote, is written in double
    quotes with `""` for each quote inside (as in a CSV file): `"Alpha, Inc",Beta`. Elsewhere a quote is text.
    """
    items: list[str] = []
    position = 0
    while True:
        if value.startswith('"', position):
            match = _QUOTED.match(value, position)
            if match is None:
                raise QueryError(
                    name,
                    f"{name} has a quoted value that does not end with a single double quote before a comma; "
                    'write a quote inside quotes as "" (for example "Alpha ""A"", Inc").',
                )
            items.append(match[1].replace('""', '"'))
            position = match.end()
        else:
            end = value.find(",", position)
            items.append(value[position:] if end < 0 else value[position:end])
            position = len(value) if end < 0 else end
        if position == len(value):
            return items
        position += 1  # the comma after the item


def _parse_sort(name: str, value: str, spec: QuerySpec) -> tuple[SortKey, ...]:
    """Sort keys in order; a field named again is dropped, as it cannot change the order."""
    keys: dict[str, SortKey] = {}
    for item in value.split(","):
        field = spec.names.into(item.removeprefix("-"), spec.sortable)
        if field is None:
            raise QueryError(
                name,
                f"Cannot sort on {item!r}. Sort keys: {spec.names.listed(spec.sortable)} (prefix - for descending).",
            )
        keys.setdefault(field, SortKey(field, item.startswith("-")))
    return tuple(keys.values())


def _parse_fields(name: str, resource_type: str, value: str, spec: QuerySpec) -> tuple[str, ...]:
    fieldsets = {spec.resource_type: spec.attributes, **spec.other_fieldsets}
    known = fieldsets.get(resource_type)
    if known is None:
        use = " or ".join(f"fields[{kind}]" for kind in fieldsets)
        raise QueryError(name, f"Unknown type {resource_type!r}; use {use}.")
    if not value:
        return ()  # an empty fieldset: resources with no fields (JSON:API allows it)
    chosen = []
    for written in value.split(","):
        field = spec.names.into(written, known)
        if field is None:
            raise QueryError(
                name, f"{written!r} is not a field of {resource_type}. Fields: {spec.names.listed(known)}."
            )
        chosen.append(field)
    return tuple(chosen)


def _parse_group_by(name: str, value: str, spec: QuerySpec) -> tuple[str, ...]:
    written = value.split(",")
    dimensions = tuple(spec.names.into(item, spec.dimensions) for item in written)
    for item, dimension in zip(written, dimensions, strict=True):
        if dimension is None:
            raise QueryError(
                name,
                f"Cannot group by {item!r}. Dimensions: {spec.names.listed(spec.dimensions)} (comma-separated).",
            )
        if dimensions.count(dimension) > 1:
            raise QueryError(name, f"{item!r} appears twice in {name}.")
    return tuple(dimension for dimension in dimensions if dimension is not None)


def _parse_include(name: str, value: str, spec: QuerySpec) -> tuple[str, ...]:
    """Relationship paths of one name each, each kept once; empty: nothing is included (JSON:API)."""
    if not value:
        return ()
    chosen: list[str] = []
    for path in value.split(","):
        relationship = spec.names.into(path, spec.includable)
        if relationship is None:
            offered = spec.names.listed(spec.includable)
            longer = " Paths are one relationship long here." if "." in path else ""
            raise QueryError(
                name,
                f"Cannot include {path!r}.{longer} {spec.resource_type} can include {offered} "
                "(comma-separated, any of them).",
            )
        if relationship not in chosen:
            chosen.append(relationship)
    return tuple(chosen)


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
