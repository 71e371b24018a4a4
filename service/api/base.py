"""The flow every collection shares: data layer over the table, resource objects, collection `get`, routes.

Why: each request reads top to bottom: parse the query at the door, ask the data layer for
`(count, items, meta)`, render resource objects, add pagination links and `meta.count`,
the shape of the library's `ResourceList.get`. The `get` methods are ours rather than the
library's, which build a marshmallow schema per request (decision 0004): records and groups
arrive typed and in rendered order, so rendering is choosing keys. Routes are registered with
plain Flask rather than `Api.route`, which would wrap every view in the library's Accept
check that refuses what JSON:API 1.1 allows (decision 0002); the resource's own
`dispatch_request` still runs, and `service/web/policy.py` negotiates instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, Response, request
from flask.typing import ResponseReturnValue
from flask_rest_jsonapi_next import ResourceList
from werkzeug.datastructures import MultiDict

from service.api.exports import export_args
from service.api.pagination import pagination_links
from service.engine.table import ExpenseTable
from service.query.cursor_profile import PROFILE
from service.query.model import Filter, Query, QuerySpec
from service.query.names import AS_IS, MemberNames
from service.query.parser import parse_query
from service.web.documents import document_response, root_url
from service.web.exports import FORMATS, offer, requested_format
from service.web.negotiation import asks_for_profile

ResourceObject = dict[str, Any]


@dataclass(frozen=True)
class ResourceShape:
    """A resource type: its attributes in rendered order, and the path of its own URL if it has one."""

    type: str
    attributes: tuple[str, ...]
    self_path: str | None = None

    def attribute_names(self, fields: tuple[str, ...] | None) -> tuple[str, ...]:
        """The attributes to render for a sparse fieldset (None: all), in declared order."""
        if fields is None:
            return self.attributes
        chosen = set(fields)
        return tuple(name for name in self.attributes if name in chosen)

    def render(
        self,
        row: dict[str, Any],
        names: tuple[str, ...],
        root_url: str,
        written: MemberNames = AS_IS,
        relationships: Callable[[str], dict[str, Any]] | None = None,
    ) -> ResourceObject:
        """One resource object; attributes the row lacks (dimensions not grouped by) are absent.

        `written`: how member names are written; `relationships`: given the resource's own URL,
        its relationships object (placed before its links).
        """
        resource: ResourceObject = {
            "type": self.type,
            "id": str(row["id"]),
            "attributes": {written.out(name): row[name] for name in names if name in row},
        }
        if self.self_path is not None:
            url = f"{root_url}{self.self_path}{row['id']}"
            if relationships is not None:
                resource["relationships"] = relationships(url)
            resource["links"] = {"self": url}
        return resource


class TableDataLayer:
    """A read-only data layer over the expense table, answering with the library's data-layer method names.

    Not a subclass of the library's `BaseDataLayer`: what that gives is configuration by dict
    and stubs for writes (decision 0002).
    """

    def __init__(self, table: ExpenseTable) -> None:
        self.table = table


class CollectionSource(Protocol):
    """What a collection resource needs from its data layer."""

    def get_collection(self, query: Query) -> tuple[int, list[Any], dict[str, Any]]:
        """How many items match, the requested page of them, and any meta beyond `count`."""
        ...


class CollectionResource(ResourceList):  # type: ignore[misc]
    """A collection: parse at the door, ask the data layer, render, add pagination links and meta."""

    view: str
    shape: ResourceShape

    def __init__(self, data_layer: CollectionSource, spec: QuerySpec) -> None:
        self.data_layer = data_layer
        self.spec = spec

    def get(self, *args: Any, **kwargs: Any) -> Response:
        """The library's `ResourceList.get` flow, rendering without a marshmallow schema (decision 0004);
        or, when CSV or NDJSON was asked for, every match streamed (service/api/exports.py)."""
        export_format = requested_format()
        if export_format is None:
            return self.answer(self.parse(request.args))
        chosen, bom = export_args(request.args, export_format, self.spec.names)  # before parsing: page[...] is a 400
        return self.export(self.parse(chosen), export_format, bom)

    def parse(self, args: MultiDict[str, str]) -> Query:
        """The request's query, checked against this collection's spec: a bad parameter is a 400 here."""
        profile_asked = asks_for_profile(request.headers.get("Accept"), PROFILE)
        return parse_query(args, self.spec, profile_asked=profile_asked, scope=self.scope())

    def scope(self) -> tuple[Filter, ...]:
        """The conditions the path itself sets, AND-ed before the query's own (none on a plain collection)."""
        return ()

    def answer(self, query: Query) -> Response:
        """One page by number: count, items, links to the other pages by number."""
        count, rows, meta = self.data_layer.get_collection(query)
        document = self.render(rows, query)
        links = pagination_links(self.url(), request.args, query.page, count)
        names = self.spec.names
        meta = {"count": count, **{names.out(name): value for name, value in meta.items()}}
        return document_response({**document, "links": links, "meta": meta})

    def render(self, rows: list[Any], query: Query) -> dict[str, Any]:
        """The document's `data` (and whatever else the items bring, such as `included`)."""
        names, root = self.shape.attribute_names(query.fields), root_url()
        return {"data": [self.shape.render(row, names, root, self.spec.names) for row in rows]}

    def url(self) -> str:
        """This collection's absolute URL, which its links extend."""
        return base_url()

    def export(self, query: Query, export_format: str, bom: bool) -> Response:
        """Every match in `export_format` ("csv", "ndjson"), streamed: each exporting collection says how."""
        raise NotImplementedError(f"{type(self).__name__} lists no export formats")


def base_url() -> str:
    """This collection's absolute URL: the canonical path, also when asked with a trailing slash."""
    assert request.url_rule is not None
    return root_url() + request.url_rule.rule


def route(app: Flask, rule: str, view_name: str, resource: Any, *args: Any, exports: bool = False) -> None:
    """GET (and so HEAD and OPTIONS) on `rule`: a fresh resource per request, as `as_view` makes.

    `exports`: the collection also answers CSV and NDJSON, by Accept or at `rule.csv` / `rule.ndjson`.
    """

    def view(**url_kwargs: str) -> ResponseReturnValue:
        return resource(*args).dispatch_request(**url_kwargs)  # type: ignore[no-any-return]

    app.add_url_rule(rule, view_name, view, methods=["GET"])
    offer(app, view_name, FORMATS if exports else ())
    for export_format in FORMATS if exports else ():
        app.add_url_rule(f"{rule}.{export_format}", f"{view_name}_{export_format}", view, methods=["GET"])
        offer(app, f"{view_name}_{export_format}", (export_format,))
