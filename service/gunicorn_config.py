"""Gunicorn settings, shared by `make run` and the container image.

Why here: one file, read from the environment (PORT, HOST, WORKERS, WORKER_CLASS, THREADS,
LOG_LEVEL), so the
service starts the same way on a laptop and in Docker. Used as
`gunicorn -c python:service.gunicorn_config`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

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
# Request limits (documented in the README): the app refuses query strings over 8000 bytes itself.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Forwarding headers: only a proxy listed in FORWARDED_ALLOW_IPS (comma-separated; none by
# default, so `make run` trusts nobody) may set the scheme, and only with X-Forwarded-Proto.
# No client, trusted or not, may choose SCRIPT_NAME or PATH_INFO (a path prefix) by header.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""

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


# Data reloads. Workers never read EXPANSES_CSV directly: the master checks it (in a child
# process, so the master never imports the data stack) and copies it to a snapshot that
# workers load through EXPANSES_CSV_ACTIVE. On SIGHUP the master checks the file again: a
# servable replacement becomes the new snapshot and the new workers serve it; a broken one is
# logged and the new workers load the previous snapshot, so the service keeps serving.
_SNAPSHOTS = Path(tempfile.gettempdir()) / f"expanses-data-{os.getpid()}"  # the master's pid: stable across reloads


def on_starting(server: Any) -> None:
    _activate(server, reloading=False)


def on_reload(server: Any) -> None:
    _activate(server, reloading=True)


def on_exit(server: Any) -> None:
    shutil.rmtree(_SNAPSHOTS, ignore_errors=True)


def _activate(server: Any, reloading: bool) -> None:
    source = os.environ.get("EXPANSES_CSV", "data/expanses.csv")
    check = subprocess.run(
        [sys.executable, "-m", "service.check_csv", source], capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        if reloading and "EXPANSES_CSV_ACTIVE" in os.environ:
            server.log.error("data file not reloaded, still serving the previous one: %s", check.stderr.strip())
        return  # at start, workers load the file themselves and stop with the reason
    previous = os.environ.get("EXPANSES_CSV_ACTIVE")
    _SNAPSHOTS.mkdir(mode=0o700, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=_SNAPSHOTS, suffix=".csv")
    os.close(handle)
    snapshot = Path(name)
    shutil.copyfile(source, snapshot)
    os.environ["EXPANSES_CSV_ACTIVE"] = str(snapshot)
    if previous:
        Path(previous).unlink(missing_ok=True)
    server.log.info("serving %s", check.stdout.strip())
