"""The expanses service: a read-only JSON:API over a CSV file of expense records.

The packages are its layers, each importing only those below it (checked by `lint-imports`):
`ops` (gunicorn's hooks, logs, the master's data supervision) over `api` (the resources) over
`web` (HTTP on every path) over `engine` over `query` over `data`. On top sit the entry points:
`app` (`create_app`), `wsgi`, `gunicorn_config`, `check_csv`, with `config` and `handoff`.

Why this package imports nothing: gunicorn loads `service.gunicorn_config` in its master before
any worker exists, and that config must run before the app's modules are imported (it names the
directory where workers share their metrics). The app itself is `service.app.create_app`.
"""
