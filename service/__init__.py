"""The expanses service: a read-only JSON:API over a CSV file of expense records.

Why this package imports nothing: gunicorn loads `service.gunicorn_config` in its master before
any worker exists, and that config must run before the app's modules are imported (it names the
directory where workers share their metrics). The app itself is `service.app.create_app`.
"""
