"""Following relationships: `/expanses/{id}/member`, `/expanses/{id}/relationships/member`, `/members/{id}/expanses`.

Why together: these are the URLs the relationship objects link to (compound.py writes them), so
what each answers is found next to the others. The related resource and the linkage document
of an expanse's to-one relationships, per JSON:API 1.1 ("Fetching Resources", "Fetching
Relationships"); the related collection of a label, which is `/expanses` scoped to it: the whole
query language, its links pointing back to it. The library's `ResourceRelationship` gives the
linkage endpoint its dispatch, as `ResourceList` and `ResourceDetail` do for the others; its `get`
and relationship routing are not used (docs/decisions/0011-relationships.md says why).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_rest_jsonapi_next import ResourceDetail, ResourceRelationship
from werkzeug.datastructures import MultiDict

from service.api.base import route
from service.api.compound import ExpanseRenderer
from service.api.dimension_resources import DimensionIndex
from service.api.dimension_types import RECORDS
from service.api.expanses import ExpenseDataLayer, ExpenseList
from service.api.specs import dimension_detail_spec, list_spec, no_query_spec
from service.config import Settings
from service.query.errors import QueryError
from service.query.model import Filter, Query, QuerySpec
from service.query.parser import parse_query
from service.web.documents import document_response, root_url
from service.web.errors import NotFoundError
from service.web.raw_paths import label_of, segment


class RelatedResource(ResourceDetail):  # type: ignore[misc]
    """GET /expanses/{id}/member: the expanse's member as primary data; `fields[members]` applies."""

    def __init__(self, records: ExpenseDataLayer, spec: QuerySpec, index: DimensionIndex) -> None:
        self.records, self.spec, self.index = records, spec, index

    def get(self, *args: Any, **kwargs: Any) -> Response:
        query = parse_query(request.args, self.spec)
        record = self.records.get_object(kwargs)
        root = root_url()
        position = self.index.position(record[self.index.kind.column])
        assert position is not None, "a record's label is always among its type's resources"
        resource = self.index.resource(position, query.fields, root)
        self_url = f"{root}/expanses/{record['id']}/{self.index.kind.relationship}"
        return document_response({"data": resource, "links": {"self": self_url}})


class Linkage(ResourceRelationship):  # type: ignore[misc]
    """GET /expanses/{id}/relationships/member: the relationship itself, its linkage and links."""

    def __init__(self, records: ExpenseDataLayer, spec: QuerySpec, index: DimensionIndex) -> None:
        self.records, self.spec, self.index = records, spec, index

    def get(self, *args: Any, **kwargs: Any) -> Response:
        parse_query(request.args, self.spec)  # takes no parameter: any is a 400 naming it
        record = self.records.get_object(kwargs)
        kind = self.index.kind
        url = f"{root_url()}/expanses/{record['id']}"
        links = {"self": f"{url}/relationships/{kind.relationship}", "related": f"{url}/{kind.relationship}"}
        return document_response({"links": links, "data": {"type": kind.type, "id": record[kind.column]}})


class RelatedExpenseList(ExpenseList):
    """GET /members/{id}/expanses: `/expanses` scoped to one label, with links that point back here."""

    def __init__(
        self, records: ExpenseDataLayer, spec: QuerySpec, renderer: ExpanseRenderer, index: DimensionIndex
    ) -> None:
        super().__init__(records, spec, renderer)
        self.index = index
        self.label = ""

    def get(self, *args: Any, **kwargs: Any) -> Response:
        """The label from the path, then the flow of every collection (a page, or an export) scoped to it."""
        label = label_of(kwargs["id"])
        if label is None:
            raise self.missing(kwargs["id"])
        self.label = label
        return super().get(*args, **kwargs)

    def scope(self) -> tuple[Filter, ...]:
        """The label's own filter, leading the query's (so a cursor is made for this label only)."""
        return (Filter(self.index.kind.column, "eq", self.label),)

    def parse(self, args: MultiDict[str, str]) -> Query:
        """The query scoped to the label; a label the data does not hold is a 404, and a cursor made for it
        (before a reload) a 400."""
        query = super().parse(args)
        if self.index.position(self.label) is None:
            cursor = next((name for name in ("page[after]", "page[before]") if name in args), None)
            if cursor is not None:
                raise QueryError(
                    cursor,
                    f"{cursor} was made for the expanses of {self.index.kind.relationship} {self.label!r}, which "
                    f"the data no longer holds; start again from /{self.index.kind.type}.",
                )
            raise self.missing(self.label)
        return query

    def missing(self, label: str) -> NotFoundError:
        kind = self.index.kind
        return NotFoundError(f"There is no {kind.relationship} {label!r}; /{kind.type} lists them.")

    def url(self) -> str:
        return f"{root_url()}/{self.index.kind.type}/{segment(self.label)}/{RECORDS}"


def init_app(app: Flask, records: ExpenseDataLayer, renderer: ExpanseRenderer, settings: Settings) -> None:
    """For each dimension type: the expanses' related resource and relationship, and the label's records."""
    for index in renderer.dimensions:
        kind = index.kind
        detail, none = dimension_detail_spec(settings, kind), no_query_spec(settings, kind)
        rule = f"/expanses/<id>/{kind.relationship}"
        route(app, rule, f"expense_{kind.relationship}", RelatedResource, records, detail, index)
        rule = f"/expanses/<id>/relationships/{kind.relationship}"
        route(app, rule, f"expense_{kind.relationship}_linkage", Linkage, records, none, index)
        rule = f"/{kind.type}/<id>/{RECORDS}"
        spec = list_spec(settings)
        route(app, rule, f"{kind.type}_{RECORDS}", RelatedExpenseList, records, spec, renderer, index, exports=True)
