"""The app: `create_app(settings)` builds the read-only JSON:API over the expense records.

`create_app(settings)` maps the data snapshot the gunicorn master made (or, outside
gunicorn, loads the CSV itself), builds the engine, and wires the routes, error handlers
and request policy; it is the one place configuration gets in.
"""

from __future__ import annotations

import logging

from flask import Flask

from service.api import routes
from service.api.specs import member_names, vocabulary
from service.config import Settings
from service.data.csv_source import load_expenses
from service.data.snapshot import Snapshot, build, read
from service.engine.table import ExpenseTable
from service.web import api_docs, caching, errors, exports, metrics, pipeline, policy, raw_paths, request_ids
from service.web.json_provider import OrjsonProvider


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()
    logging.getLogger("service").setLevel(settings.log_level)
    data = load_snapshot(settings)
    table = ExpenseTable(data)
    # No /static route (the docs page serves its own files under its CSP) and no redirects, which
    # answer HTML with a Location built from the Host header: doubled slashes are 404, and a
    # trailing slash (which some clients append to every path) is served like the path without it.
    app = Flask(__name__, static_folder=None)
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.json = OrjsonProvider(app)
    metrics.init_app(app, str(settings.csv_path), len(table), data.fingerprint)
    offers = exports.init_app(app, settings.export_slots, settings.shared_dir)  # before the routes: they fill it
    routes.init_app(app, table, settings)
    api_docs.init_app(app, names=member_names(settings), vocabulary=vocabulary())
    errors.init_app(app)
    ids = request_ids.RequestIds(settings.trusted_proxies)
    cache = caching.http_cache(
        data.fingerprint, settings.cache_max_age, settings.response_cache_mb, settings.member_names
    )
    # What every request goes through, in this order (timed and counted first and last, so the
    # metrics see all the rest); a step before the view that answers or raises ends it early.
    pipeline.init_app(
        app,
        before=(metrics.start_clock, ids.choose, policy.check_request, offers.negotiate, cache.answer_early),
        after=(cache.add_headers, policy.add_headers, ids.send, metrics.count),
    )
    raw_paths.init_app(app)  # ids with `/` in them route as one segment (service/web/raw_paths.py)
    return app


def load_snapshot(settings: Settings) -> Snapshot:
    """The master's checked snapshot when it handed us one (service/ops/data_supervisor.py), else the CSV, read here."""
    if settings.snapshot_fd is not None:
        return read(settings.snapshot_fd)
    return build(load_expenses(settings.csv_path))
