"""`/departments`, `/projects`, `/members` and one resource of each: the labels of an attribute, with totals.

Why one module for the three: they are one kind of resource (dimension_types.py lists them), so
one data layer, one collection and one detail class serve each type, routed once per entry.
A label is its resource's id, as served in the records; the totals are the engine's, made once
per data version (dimension_resources.py). Filters on `name` take the text operators.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_rest_jsonapi_next import ResourceDetail

from service.api.base import CollectionResource, route
from service.api.dimension_resources import DimensionIndex, Dimensions
from service.api.specs import dimension_detail_spec, dimension_list_spec
from service.config import Settings
from service.query.model import Query, QuerySpec
from service.query.parser import parse_query
from service.web.documents import document_response, root_url
from service.web.errors import NotFoundError
from service.web.raw_paths import label_of


class DimensionDataLayer:
    """The resources of one dimension type: a page of them by name, or one by its id (its label)."""

    def __init__(self, index: DimensionIndex) -> None:
        self.index = index

    def get_collection(self, query: Query) -> tuple[int, list[int], dict[str, Any]]:
        """How many labels pass the filters, and the page of their positions, by name (ascending unless `-name`)."""
        descending = bool(query.sort) and query.sort[0].descending
        count, positions = self.index.labels.find(query.filters, descending, query.page.offset, query.page.size)
        return count, positions, {}

    def get_object(self, view_kwargs: dict[str, Any]) -> int:
        """The position of the label in the URL; a label no record holds is a 404."""
        label = label_of(view_kwargs["id"])
        position = None if label is None else self.index.position(label)
        if position is None:
            raise NotFoundError(
                f"There is no {self.index.kind.relationship} {label!r}; "
                f"/{self.index.kind.type} lists them (ids are the labels, percent-encoded in paths)."
            )
        return position


class DimensionList(CollectionResource):
    """GET /departments (and the others): every label, filtered on `name`, sorted by it, by page."""

    data_layer: DimensionDataLayer

    def render(self, rows: list[int], query: Query) -> dict[str, Any]:
        root = root_url()
        return {"data": [self.data_layer.index.resource(position, query.fields, root) for position in rows]}


class DimensionDetail(ResourceDetail):  # type: ignore[misc]
    """GET /departments/{id} (and the others): one label; only its sparse fieldset applies."""

    def __init__(self, data_layer: DimensionDataLayer, spec: QuerySpec) -> None:
        self.data_layer = data_layer
        self.spec = spec

    def get(self, *args: Any, **kwargs: Any) -> Response:
        """Parse at the door, find the label, render it (the flow of the expanses' detail)."""
        query = parse_query(request.args, self.spec)
        position = self.data_layer.get_object(kwargs)
        resource = self.data_layer.index.resource(position, query.fields, root_url())
        return document_response({"data": resource, "links": {"self": resource["links"]["self"]}})


def init_app(app: Flask, dimensions: Dimensions, settings: Settings) -> None:
    """Each type's collection and resources, at `/{type}` and `/{type}/{id}`."""
    for index in dimensions:
        kind, data_layer = index.kind, DimensionDataLayer(index)
        collection, one = dimension_list_spec(settings, kind), dimension_detail_spec(settings, kind)
        route(app, f"/{kind.type}", list_view(kind.type), DimensionList, data_layer, collection)
        route(app, f"/{kind.type}/<id>", f"{kind.type}_detail", DimensionDetail, data_layer, one)


def list_view(resource_type: str) -> str:
    """The endpoint name of a dimension type's collection (the entry document links to it)."""
    return f"{resource_type}_list"
