"""What each endpoint accepts: its query spec, from the settings and the field catalogue.

Why one module: `/expanses`, `/expanses/{id}` and `/aggregates` share most of their grammar;
each spec says what differs, and the page sizes come from the one place settings live.
"""

from __future__ import annotations

from dataclasses import replace

from service.config import Settings
from service.data.fields import ATTRIBUTES, DIMENSIONS, FILTERABLE, QUERYABLE, RESOURCE_TYPE
from service.engine.metrics import METRIC_KINDS, METRICS
from service.query.model import QuerySpec

AGGREGATES_TYPE = "aggregates"
#: Attributes of an `aggregates` resource, in the order they are rendered (dimensions not grouped by are absent).
AGGREGATE_ATTRIBUTES = (*DIMENSIONS, "currency", *METRICS)


def list_spec(settings: Settings) -> QuerySpec:
    """What `/expanses` accepts: every family, pages by number or by cursor; filters on the date buckets too."""
    return QuerySpec(
        resource_type=RESOURCE_TYPE,
        attributes=tuple(ATTRIBUTES),
        filterable=FILTERABLE,
        sortable=tuple(QUERYABLE),
        families=frozenset({"filter", "sort", "fields", "page"}),
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
        cursor_pagination=True,
    )


def detail_spec(settings: Settings) -> QuerySpec:
    """What `/expanses/{id}` accepts: sparse fieldsets only."""
    return replace(list_spec(settings), families=frozenset({"fields"}))


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
    )
