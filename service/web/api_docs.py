"""The API's own description: `/openapi.yaml`, `/openapi.json`, and Swagger UI at `/docs`.

The page reads `/docs/openapi.json`, the same contract arranged for people (service/web/docs_view.py:
one box per family of parameters, no operations that never succeed); tools read `/openapi.json`.

Why served by the app: the contract a client reads is the one deployed, never a copy
that drifted. Swagger UI's assets come from the pinned `flask-swagger-ui` package, so the
docs page works offline (no CDN); the page and its start-up script are ours, with no inline
script, so a strict Content-Security-Policy can apply. `openapi.yaml` is written with member
names as in the data; a deployment that writes them otherwise (MEMBER_NAME_FORMAT) serves it
with every such name rewritten, in parameters, schemas, examples and prose alike (the page's
view is derived after that rewrite).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask_swagger_ui
import yaml
from flask import Flask, Response, send_from_directory

from service.query.names import AS_IS, MemberNames
from service.web.docs_view import people_view
from service.web.policy import takes_no_query
from service.web.state import keep, state

#: The contract, at the repository root (copied beside the package in the container image).
OPENAPI_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
_OURS = Path(__file__).resolve().parent / "static"
_SWAGGER_UI = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
_OUR_FILES = {"index.html": "docs.html", "swagger-initializer.js": "swagger-initializer.js"}
_MIMETYPES = {".html": "text/html", ".js": "text/javascript", ".json": "application/json"}
#: Only our own origin may provide scripts, styles, images and API calls to the docs page.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Description:
    """The contract as YAML and JSON text, and the docs page's files by name (its view of the contract too)."""

    yaml: str
    json: str
    pages: dict[str, str]


def init_app(
    app: Flask, openapi_path: Path = OPENAPI_PATH, names: MemberNames = AS_IS, vocabulary: tuple[str, ...] = ()
) -> None:
    """Load the description once (its member names written as `names` writes the `vocabulary`), register its
    routes and the docs page."""
    text = openapi_path.read_text(encoding="utf-8")
    pages = {asset: (_OURS / name).read_text(encoding="utf-8") for asset, name in _OUR_FILES.items()}
    contract = yaml.load(text, Loader=yaml.CSafeLoader)  # libyaml: 0.02 s, not 0.15 s, in every worker's start
    if not names.as_is:
        contract = _rewritten(contract, names.rewriter(vocabulary))
        text = yaml.dump(contract, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=120)
    pages["openapi.json"] = app.json.dumps(people_view(contract))
    keep(app, Description(yaml=text, json=app.json.dumps(contract), pages=pages))
    app.add_url_rule("/openapi.yaml", "openapi_yaml", takes_no_query(_openapi_yaml))
    app.add_url_rule("/openapi.json", "openapi_json", takes_no_query(_openapi_json))
    app.add_url_rule("/docs", "docs", takes_no_query(_docs_page))
    app.add_url_rule("/docs/", "docs_slash", takes_no_query(_docs_page))
    app.add_url_rule("/docs/<asset>", "docs_asset", takes_no_query(_docs_asset))


def _rewritten(node: Any, rewrite: Callable[[str], str]) -> Any:
    """The contract with every key and string rewritten (the same names in `$ref`s and their targets)."""
    if isinstance(node, dict):
        return {_rewritten(key, rewrite): _rewritten(value, rewrite) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewritten(item, rewrite) for item in node]
    return rewrite(node) if isinstance(node, str) else node


def _openapi_yaml() -> Response:
    return Response(state(Description).yaml, mimetype="application/yaml")


def _openapi_json() -> Response:
    return Response(state(Description).json, mimetype="application/json")


def _docs_page() -> Response:
    return _docs_asset("index.html")


def _docs_asset(asset: str) -> Response:
    """Our page, start-up script and view of the contract (held in memory), or a file of the pinned Swagger UI."""
    ours = state(Description).pages.get(asset)
    if ours is not None:
        return _with_csp(Response(ours, mimetype=_MIMETYPES[Path(asset).suffix]))
    # Not conditional here: validators and 304s are the caching layer's, as on every other path
    # (Werkzeug's own answered a failed If-Match with a 412 carrying the whole file).
    return _with_csp(send_from_directory(_SWAGGER_UI, asset, conditional=False, etag=False))


def _with_csp(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
