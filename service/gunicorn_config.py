"""Gunicorn settings, shared by `make run` and the container image: `gunicorn -c python:service.gunicorn_config`.

Why one file of settings: read from the environment (PORT, HOST, WORKERS, WORKER_CLASS,
THREADS, LOG_LEVEL; docs/operations.md), so the service starts the same way on a laptop and
in a container. What the hooks do lives in `service/ops/`, a module per job.
"""

from __future__ import annotations

import os
from typing import Any

from service.ops import data_supervisor, logs, metrics_dir, preload, tcp_cork

wsgi_app = "service.wsgi:app"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{int(os.environ.get('PORT', '8000'))}"
# Worker model: sync workers, one per core, chosen by measurement (docs/decisions/0005-workers.md).
workers = int(os.environ.get("WORKERS", "2"))
worker_class = os.environ.get("WORKER_CLASS", "sync")
threads = int(os.environ.get("THREADS", "1"))
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = "-"
errorlog = "-"
timeout = 30
graceful_timeout = 30
# Request limits (docs/api.md): the app refuses query strings over 8000 bytes itself.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Forwarding headers: only a proxy listed in FORWARDED_ALLOW_IPS (comma-separated; none by
# default, so `make run` trusts nobody) may set the scheme, and only with X-Forwarded-Proto.
# No client, trusted or not, may choose SCRIPT_NAME or PATH_INFO (a path prefix) by header.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""
# Every line is one JSON object (service/ops/logs.py).
logger_class = "service.ops.logs.AccessLogger"
logconfig_dict = logs.logging_config(loglevel.upper())
# No control socket: nothing here uses `gunicornc`, and it would write to $HOME, read-only in the container.
control_socket_disable = True
# Workers' heartbeat files, where tmp cleaners do not reach (a vanished $TMPDIR stopped the master).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

pre_request = tcp_cork.pre_request
post_request = tcp_cork.post_request
pre_fork = metrics_dir.pre_fork
child_exit = metrics_dir.child_exit
on_exit = metrics_dir.on_exit


def on_starting(server: Any) -> None:
    preload.shared_libraries()
    data_supervisor.activate(server, reloading=False)  # first: a start it refuses leaves no metrics directory
    metrics_dir.prepare()


def on_reload(server: Any) -> None:
    data_supervisor.activate(server, reloading=True)
