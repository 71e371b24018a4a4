"""The API's routes: the entry document `/`, `/health`, and each resource module's own routes.

Why here: one place lists what the API serves; each resource's code lives in its own module
(`expanses.py`, `aggregates.py`, `dimensions.py`, `related.py`) over the flow they share (`base.py`).
"""

from __future__ import annotations

from flask import Flask, Response, url_for

from service.api import aggregates, dimensions, expanses, related
from service.api.compound import ExpanseRenderer
from service.api.dimension_resources import Dimensions
from service.api.dimension_types import DIMENSION_TYPES
from service.api.specs import member_names
from service.config import Settings
from service.engine.table import ExpenseTable
from service.web.documents import document_response
from service.web.exports import offer
from service.web.policy import takes_no_query
from service.web.state import keep, state

#: The collections the entry document lists, by name, with their endpoints.
COLLECTIONS = (
    ("expanses", expanses.ExpenseList.view),
    ("aggregates", aggregates.AggregateList.view),
    *((kind.type, dimensions.list_view(kind.type)) for kind in DIMENSION_TYPES),
)


def root() -> Response:
    """The entry point: where the resources are."""
    resources = {name: url_for(view, _external=True) for name, view in COLLECTIONS}
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
    """Register every route of the API; the dimension types' totals are computed here, once, before any request."""
    names = member_names(settings)
    dimension_types = Dimensions(table, names)
    dimension_types.warm()
    renderer = ExpanseRenderer(dimension_types, names)
    expanses.init_app(app, table, settings, renderer)
    aggregates.init_app(app, table, settings)
    dimensions.init_app(app, dimension_types, settings)
    related.init_app(app, expanses.ExpenseDataLayer(table), renderer, settings)
    app.add_url_rule("/", "root", takes_no_query(root))
    app.add_url_rule("/health", "health", takes_no_query(health))
    offer(app, "root")
    offer(app, "health")
    keep(app, table)
