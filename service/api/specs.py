"""What each endpoint accepts: its query spec, from the settings and the field catalogue.

Why one module: `/expanses`, `/expanses/{id}`, the related collections (`/members/{id}/expanses`),
the dimension types and `/aggregates` share most of their grammar; each spec says what differs,
and the page sizes and the spelling of member names come from the one place settings live.
"""

from __future__ import annotations

from dataclasses import replace

from service.api.dimension_types import (
    DIMENSION_FIELDS,
    DIMENSION_TYPES,
    EXPANSE_RELATIONSHIPS,
    DimensionType,
)
from service.api.exports import BOM_PARAMETER
from service.config import Settings
from service.data.fields import ATTRIBUTES, DIMENSIONS, FILTERABLE, QUERYABLE, RESOURCE_TYPE, Kind
from service.engine.metrics import METRIC_KINDS, METRICS
from service.query.model import QuerySpec
from service.query.names import MemberNames
from service.query.operators import OPERATORS

AGGREGATES_TYPE = "aggregates"
#: Attributes of an `aggregates` resource, in the order they are rendered (dimensions not grouped by are absent).
AGGREGATE_ATTRIBUTES = (*DIMENSIONS, "currency", *METRICS)
#: Meta members of our own beside `count` (`/aggregates`), written as member names are.
META_NAMES = ("grand_totals",)
#: The query parameter families, as the parser knows them.
FAMILIES = ("filter", "sort", "fields", "page", "include", "group_by")


def member_names(settings: Settings) -> MemberNames:
    """This deployment's spelling of member names (MEMBER_NAME_FORMAT)."""
    return MemberNames(settings.member_names)


def list_spec(settings: Settings) -> QuerySpec:
    """What `/expanses` and each related collection (`/members/{id}/expanses`) accept: every family,
    pages by number or by cursor, `include` of any of the expanses' relationships; filters on the
    date buckets too."""
    return QuerySpec(
        resource_type=RESOURCE_TYPE,
        attributes=(*ATTRIBUTES, *EXPANSE_RELATIONSHIPS),
        filterable=FILTERABLE,
        sortable=tuple(QUERYABLE),
        families=frozenset({"filter", "sort", "fields", "page", "include"}),
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
        cursor_pagination=True,
        includable=EXPANSE_RELATIONSHIPS,
        other_fieldsets={kind.type: DIMENSION_FIELDS for kind in DIMENSION_TYPES},
        names=member_names(settings),
    )


def detail_spec(settings: Settings) -> QuerySpec:
    """What `/expanses/{id}` accepts: sparse fieldsets and `include`."""
    return replace(list_spec(settings), families=frozenset({"fields", "include"}))


def aggregate_spec(settings: Settings) -> QuerySpec:
    """What `/aggregates` accepts: filters on fields and metrics, `group_by`, pages by number only (docs/api.md)."""
    return replace(
        list_spec(settings),
        resource_type=AGGREGATES_TYPE,
        attributes=AGGREGATE_ATTRIBUTES,
        filterable={**FILTERABLE, **METRIC_KINDS},
        sortable=AGGREGATE_ATTRIBUTES,
        families=frozenset({"filter", "sort", "fields", "page", "group_by"}),
        dimensions=DIMENSIONS,
        cursor_pagination=False,
        includable=(),
        other_fieldsets={},
    )


def dimension_list_spec(settings: Settings, kind: DimensionType) -> QuerySpec:
    """What `/departments` (and each dimension collection) accepts: filters and sort on `name`, pages by number."""
    return QuerySpec(
        resource_type=kind.type,
        attributes=DIMENSION_FIELDS,
        filterable={"name": Kind.TEXT},
        sortable=("name",),
        families=frozenset({"filter", "sort", "fields", "page"}),
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
        names=member_names(settings),
    )


def dimension_detail_spec(settings: Settings, kind: DimensionType) -> QuerySpec:
    """What `/departments/{id}` and `/expanses/{id}/department` accept: their sparse fieldset only."""
    return replace(dimension_list_spec(settings, kind), families=frozenset({"fields"}))


def no_query_spec(settings: Settings, kind: DimensionType) -> QuerySpec:
    """What a relationship endpoint (`/expanses/{id}/relationships/department`) accepts: no parameter."""
    return replace(dimension_list_spec(settings, kind), families=frozenset())


def vocabulary() -> tuple[str, ...]:
    """Every member name and parameter name this API writes, snake_case: what a name format rewrites."""
    names = [*QUERYABLE, *AGGREGATE_ATTRIBUTES, *EXPANSE_RELATIONSHIPS, *DIMENSION_FIELDS, *OPERATORS]
    return tuple(dict.fromkeys([*names, *META_NAMES, *FAMILIES, "count", "name", BOM_PARAMETER]))
