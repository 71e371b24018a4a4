"""The API's own description: `/openapi.yaml`, `/openapi.json`, and Swagger UI at `/docs`.

Why served by the app: the contract a client reads is the one deployed, never a copy
that drifted. Swagger UI's assets come from the pinned `flask-swagger-ui` package, so the
docs page works offline (no CDN).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import Flask, Response, current_app
from flask_swagger_ui import get_swaggerui_blueprint

#: The contract, at the repository root (copied beside the package in the container image).
OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi.yaml"


def init_app(app: Flask, openapi_path: Path = OPENAPI_PATH) -> None:
    """Load the description once and register its routes and the docs page."""
    text = openapi_path.read_text(encoding="utf-8")
    app.extensions["openapi"] = {"yaml": text, "json": app.json.dumps(yaml.safe_load(text))}
    app.add_url_rule("/openapi.yaml", "openapi_yaml", _openapi_yaml)
    app.add_url_rule("/openapi.json", "openapi_json", _openapi_json)
    config = {"app_name": "expanses API", "displayRequestDuration": True}
    app.register_blueprint(get_swaggerui_blueprint("/docs", "/openapi.json", config=config))
    app.add_url_rule("/docs", "docs", app.view_functions["swagger_ui.show"])  # the page itself, no redirect


def _openapi_yaml() -> Response:
    return Response(current_app.extensions["openapi"]["yaml"], mimetype="application/yaml")


def _openapi_json() -> Response:
    return Response(current_app.extensions["openapi"]["json"], mimetype="application/json")
