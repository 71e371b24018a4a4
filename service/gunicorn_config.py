"""Gunicorn settings, shared by `make run` and the container image.

Why here: one file, read from the environment (PORT, HOST, WORKERS, LOG_LEVEL), so the
service starts the same way on a laptop and in Docker. Used as
`gunicorn -c python:service.gunicorn_config`.
"""

from __future__ import annotations

import os

wsgi_app = "service.wsgi:app"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{int(os.environ.get('PORT', '8000'))}"
workers = int(os.environ.get("WORKERS", "2"))
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = "-"
errorlog = "-"
timeout = 30
graceful_timeout = 30
# Request limits (documented in the README): the app refuses query strings over 8000 bytes itself.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Gunicorn's lines and the app's "service" logger share one format: errors on stderr,
# the access log on stdout.
_FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": _FORMAT}, "access": {"format": "%(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        "stdout": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
    },
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "service": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
    },
}

# No control socket: nothing here uses `gunicornc`, and it would write to $HOME, which is
# read-only in the container.
control_socket_disable = True
