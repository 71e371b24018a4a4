"""`/expanses` and `/expanses/{id}`: expense records, filtered, sorted, paginated, one by id.

Pages come by number, or by cursor (the JSON:API cursor pagination profile; docs/api.md); each
record has its department, project and member as relationships, which `include` adds to the
document (compound.py renders both).

Why one module: everything about this resource (its data layer, resource classes and routes) is
found here; its query spec is in specs.py, the flow it shares with the other collections in
base.py, the related collections of one label (`/members/{id}/expanses`) in related.py.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_rest_jsonapi_next import ResourceDetail

from service.api import exports
from service.api.base import CollectionResource, TableDataLayer, route
from service.api.compound import EXPENSE, ExpanseRenderer
from service.api.pagination import cursor_links
from service.api.specs import detail_spec, list_spec
from service.config import Settings
from service.engine.keyset import SeekPage
from service.engine.records import Record
from service.engine.table import ExpenseTable
from service.query import cursors
from service.query.cursor_profile import PROFILE
from service.query.model import Query, QuerySpec
from service.query.parser import parse_query
from service.query.values import parse_id
from service.web.documents import document_response, root_url
from service.web.errors import NotFoundError
from service.web.raw_paths import label_of


class ExpenseDataLayer(TableDataLayer):
    """Expense records: collections and single records, nothing else."""

    def get_collection(self, query: Query) -> tuple[int, list[Record], dict[str, Any]]:
        """Matching count, the requested page in the requested order, and no extra meta."""
        count, records = self.table.find(query.filters, query.sort, query.page.offset, query.page.size)
        return count, records, {}

    def get_seek_page(self, query: Query) -> SeekPage:
        """The page a cursor-mode query asks for (after or before its cursor, or the first)."""
        seek = query.page.seek
        assert seek is not None
        return self.table.seek(query.filters, query.sort, seek.position, seek.backwards, query.page.size)

    def get_object(self, view_kwargs: dict[str, Any], qs: Any = None) -> Record:
        """The record whose id is in the URL; unknown or non-canonical ids are 404."""
        raw_id = label_of(view_kwargs["id"]) or view_kwargs["id"]
        expense_id = parse_id(raw_id)
        record = None if expense_id is None else self.table.get(expense_id)
        if record is None:
            raise NotFoundError(f"There is no expanse with id {raw_id!r}; ids run from 1 to {len(self.table)}.")
        return record


class ExpenseList(CollectionResource):
    """GET /expanses: filtered, sorted, paginated expense records, with the resources `include` asks for."""

    view = "expense_list"
    shape = EXPENSE
    data_layer: ExpenseDataLayer

    def __init__(self, data_layer: ExpenseDataLayer, spec: QuerySpec, renderer: ExpanseRenderer) -> None:
        super().__init__(data_layer, spec)
        self.renderer = renderer

    def render(self, rows: list[Record], query: Query) -> dict[str, Any]:
        return self.renderer.document(rows, query, root_url())

    def answer(self, query: Query) -> Response:
        """By number as every collection, or in cursor mode: each item with its cursor, links by cursor."""
        if query.page.seek is None:
            return super().answer(query)
        page = self.data_layer.get_seek_page(query)
        document = self.render(page.records, query)
        marks = [cursors.encode(position, query.page.seek.made_for) for position in page.positions]
        for resource, mark in zip(document["data"], marks, strict=True):
            resource["meta"] = {"page": {"cursor": mark}}
        links = cursor_links(self.url(), request.args, query.page, (marks[0], marks[-1]) if marks else None, page.more)
        meta = {self.spec.names.out("count"): page.count}
        return document_response({**document, "links": links, "meta": meta}, profile=PROFILE)

    def export(self, query: Query, export_format: str, bom: bool) -> Response:
        """Every matching record in the request's order, `id` and the attributes `fields[expanses]` keeps."""
        names = EXPENSE.attribute_names(query.fields)
        batches = self.data_layer.table.export(query.filters, query.sort, names)
        filename, columns = exports.expense_filename(query), ["id", *names]
        return exports.stream(export_format, filename, batches, columns, exports.EXPENSE_MONEY, bom, self.spec.names)


class ExpenseDetail(ResourceDetail):  # type: ignore[misc]
    """GET /expanses/{id}: one record; sparse fieldsets and `include` apply."""

    view = "expense_detail"

    def __init__(self, data_layer: ExpenseDataLayer, spec: QuerySpec, renderer: ExpanseRenderer) -> None:
        self.data_layer = data_layer
        self.spec = spec
        self.renderer = renderer

    def get(self, *args: Any, **kwargs: Any) -> Response:
        """The library's `ResourceDetail.get` flow, rendering without a marshmallow schema (decision 0004)."""
        query = parse_query(request.args, self.spec)
        record = self.data_layer.get_object(kwargs)
        document = self.renderer.document([record], query, root_url())
        [resource] = document["data"]
        document["data"] = resource
        return document_response({**document, "links": {"self": resource["links"]["self"]}})


def init_app(app: Flask, table: ExpenseTable, settings: Settings, renderer: ExpanseRenderer) -> None:
    data_layer = ExpenseDataLayer(table)
    route(app, "/expanses", ExpenseList.view, ExpenseList, data_layer, list_spec(settings), renderer, exports=True)
    route(app, "/expanses/<id>", ExpenseDetail.view, ExpenseDetail, data_layer, detail_spec(settings), renderer)
