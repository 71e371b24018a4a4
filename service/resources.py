"""The HTTP resources: `/`, `/expanses`, `/expanses/{id}` and `/aggregates`, registered in one place.

Why: each request runs top to bottom in the library's shape: validate the query at the door
(`before_get`), answer from the data layer, render resource objects, finish the document
(`after_get`) with our links and JSON:API 1.1. The `get` methods are ours rather than the
library's, which build a marshmallow schema per request (docs/decisions/0004-rendering.md).
Routes are registered with plain Flask rather than `Api.route`, which would wrap every
view in the library's Accept check that refuses what JSON:API 1.1 allows
(docs/decisions/0002-library-boundaries.md); `http_policy` negotiates instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from flask import Flask, Response, request, url_for
from flask.typing import ResponseReturnValue
from flask_rest_jsonapi_next import ResourceDetail, ResourceList
from werkzeug.datastructures import MultiDict

from service.aggregates import AggregateDataLayer, parse_aggregate_query
from service.app_state import keep, state
from service.config import Settings
from service.data_layer import ExpenseDataLayer
from service.documents import document_response, root_url
from service.engine import ExpenseTable
from service.fields import (
    AGGREGATE_ATTRIBUTES,
    AGGREGATES_TYPE,
    ATTRIBUTES,
    DIMENSIONS,
    METRIC_KINDS,
    QUERYABLE,
    RESOURCE_TYPE,
)
from service.http_policy import takes_no_query
from service.pagination import pagination_links
from service.query import Query, QuerySpec, parse_query
from service.resource_objects import AGGREGATE, EXPENSE, ResourceShape


class CollectionSource(Protocol):
    """What a collection resource needs from its data layer."""

    def get_collection(self, query: Query) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
        """How many items match, the requested page of them, and any meta beyond `count`."""
        ...


class CollectionResource(ResourceList):  # type: ignore[misc]
    """A collection: parse at the door, ask the data layer, render, add pagination links and meta."""

    view: str
    shape: ResourceShape

    def __init__(self, data_layer: CollectionSource, spec: QuerySpec) -> None:
        self.data_layer = data_layer
        self.spec = spec
        self.query: Query | None = None

    def parse(self, args: MultiDict[str, str]) -> Query:
        return parse_query(args, self.spec)

    def get(self, *args: Any, **kwargs: Any) -> Response:
        """The library's `ResourceList.get` flow, rendering without a marshmallow schema (decision 0004)."""
        self.before_get(args, kwargs)
        assert self.query is not None  # set by before_get
        count, rows, meta = self.data_layer.get_collection(self.query)
        names = self.shape.attribute_names(self.query.fields)
        root = root_url()
        data = [self.shape.render(row, names, root) for row in rows]
        return self.after_get({"data": data, "links": {}, "meta": {"count": count, **meta}})

    def before_get(self, args: Any, kwargs: Any) -> None:
        self.query = self.parse(request.args)

    def after_get(self, result: dict[str, Any]) -> Response:
        assert self.query is not None and request.url_rule is not None
        base_url = root_url() + request.url_rule.rule  # the canonical path, also when asked with a trailing slash
        result["links"] = pagination_links(base_url, request.args, self.query.page, result["meta"]["count"])
        return document_response(result)


class ExpenseList(CollectionResource):
    """GET /expanses: filtered, sorted, paginated expense records."""

    view = "expense_list"
    shape = EXPENSE


class AggregateList(CollectionResource):
    """GET /aggregates: metrics of the filtered records grouped by `group_by`."""

    view = "aggregate_list"
    shape = AGGREGATE

    def parse(self, args: MultiDict[str, str]) -> Query:
        return parse_aggregate_query(args, self.spec)


class ExpenseDetail(ResourceDetail):  # type: ignore[misc]
    """GET /expanses/{id}: one record; only sparse fieldsets apply."""

    view = "expense_detail"

    def __init__(self, data_layer: ExpenseDataLayer, spec: QuerySpec) -> None:
        self.data_layer = data_layer
        self.spec = spec

    def get(self, *args: Any, **kwargs: Any) -> Response:
        """The library's `ResourceDetail.get` flow, rendering without a marshmallow schema (decision 0004)."""
        query = parse_query(request.args, self.spec)
        record = self.data_layer.get_object(kwargs)
        names = EXPENSE.attribute_names(query.fields)
        resource = EXPENSE.render(record, names, root_url())
        return document_response({"data": resource, "links": {"self": resource["links"]["self"]}})


def root() -> Response:
    """The entry point: where the resources are."""
    resources = {
        name: url_for(view, _external=True)
        for name, view in (("expanses", "expense_list"), ("aggregates", "aggregate_list"))
    }
    meta = {
        "description": "Read-only JSON:API over the company's expense records.",
        "resources": resources,
        "docs": url_for("docs", _external=True),
    }
    links = {"self": url_for("root", _external=True), "describedby": url_for("openapi_json", _external=True)}
    return document_response({"meta": meta, "links": links})


def health() -> Response:
    """Liveness for orchestrators: the data is loaded and how many records it holds."""
    return document_response({"meta": {"status": "ok", "records": len(state(ExpenseTable))}})


def init_app(app: Flask, table: ExpenseTable, settings: Settings) -> None:
    """Register every route of the API."""
    list_spec = QuerySpec(
        resource_type=RESOURCE_TYPE,
        attributes=tuple(ATTRIBUTES),
        filterable=QUERYABLE,
        sortable=tuple(QUERYABLE),
        families=frozenset({"filter", "sort", "fields", "page"}),
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
    )
    detail_spec = replace(list_spec, families=frozenset({"fields"}))
    aggregate_spec = replace(
        list_spec,
        resource_type=AGGREGATES_TYPE,
        attributes=AGGREGATE_ATTRIBUTES,
        filterable={**QUERYABLE, **METRIC_KINDS},
        sortable=AGGREGATE_ATTRIBUTES,
        families=frozenset({"filter", "sort", "fields", "page", "group_by"}),
        dimensions=DIMENSIONS,
    )
    expanses, aggregates = ExpenseDataLayer(table), AggregateDataLayer(table)
    _route(app, "/expanses", ExpenseList, expanses, list_spec)
    _route(app, "/expanses/<id>", ExpenseDetail, expanses, detail_spec)
    _route(app, "/aggregates", AggregateList, aggregates, aggregate_spec)
    app.add_url_rule("/", "root", takes_no_query(root))
    app.add_url_rule("/health", "health", takes_no_query(health))
    keep(app, table)


def _route(app: Flask, rule: str, resource: type[CollectionResource | ExpenseDetail], *args: Any) -> None:
    """GET (and so HEAD and OPTIONS) on `rule`: a fresh resource per request, as `as_view` makes."""

    def view(**url_kwargs: str) -> ResponseReturnValue:
        return resource(*args).dispatch_request(**url_kwargs)  # type: ignore[no-any-return]

    app.add_url_rule(rule, resource.view, view, methods=["GET"])
