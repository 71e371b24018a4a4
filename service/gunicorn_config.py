"""Gunicorn settings, shared by `make run` and the container image.

Why here: one file, read from the environment (PORT, HOST, WORKERS, WORKER_CLASS, THREADS,
LOG_LEVEL), so the
service starts the same way on a laptop and in Docker. Used as
`gunicorn -c python:service.gunicorn_config`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
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
# Request limits (documented in docs/api.md): the app refuses query strings over 8000 bytes itself.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Forwarding headers: only a proxy listed in FORWARDED_ALLOW_IPS (comma-separated; none by
# default, so `make run` trusts nobody) may set the scheme, and only with X-Forwarded-Proto.
# No client, trusted or not, may choose SCRIPT_NAME or PATH_INFO (a path prefix) by header.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""

# Every line is one JSON object (service/logs.py): gunicorn's and the app's lines on stderr,
# one line per request on stdout.
logger_class = "service.logs.AccessLogger"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.logs.json_formatter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
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


# One answer leaves in as few TCP segments as it fits, its head together with its body. gunicorn
# writes the head and the body with two calls; a worker killed between them (a replica's
# container SIGKILLed under load) left nginx holding a head it had already passed on to the
# client, so the client got a cut-short answer instead of nginx trying another replica (seen
# as IncompleteRead in 1 of 5 runs of tests/topology/). With TCP_CORK the kernel holds partial
# segments until the answer is complete (post_request) or the socket closes, so a worker that
# dies mid-answer has sent nothing of a small answer, and nginx retries it elsewhere.
def pre_request(worker: Any, req: Any) -> None:
    _cork(req, True)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    _cork(req, False)  # sends what the kernel held at once (keep-alive workers do not close)


def _cork(req: Any, on: bool) -> None:
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    cork = getattr(socket, "TCP_CORK", None)  # Linux only
    if sock is None or cork is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, cork, int(on))
    except OSError:
        pass  # the client is gone; gunicorn reports that itself


# Data reloads. Workers never read EXPANSES_CSV directly: the master copies it into a file
# with no name (nothing can delete or change it), has that copy checked in a child process
# (a huge or broken file never costs the master memory), and hands the checked copy to every
# worker it forks as an open file descriptor (SNAPSHOT_FD). The bytes checked are the bytes
# served, and a worker restarted later (a timeout, a crash) reads the same copy. On SIGHUP the master does
# the same with the file as it is then: a servable replacement becomes the new copy; a broken
# one is logged and new workers keep the previous copy, so the service keeps serving.
SNAPSHOT_FD = "EXPANSES_SNAPSHOT_FD"  # read by service.config.Settings.from_env in each worker


def on_starting(server: Any) -> None:
    _activate(server, reloading=False)


def on_reload(server: Any) -> None:
    _activate(server, reloading=True)


def _activate(server: Any, reloading: bool) -> None:
    source = os.environ.get("EXPANSES_CSV", "data/expanses.csv")
    try:
        snapshot = _unnamed_copy(source)
    except OSError as error:
        _not_switched(server, reloading, f"{source}: cannot read the file: {error.strerror}")
        return
    check = subprocess.run(
        [sys.executable, "-m", "service.check_csv", source, "--snapshot-fd", str(snapshot)],
        pass_fds=(snapshot,),
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        os.close(snapshot)
        _not_switched(server, reloading, check.stderr.strip())
        return
    previous = os.environ.get(SNAPSHOT_FD) if reloading else None  # at start, any value is not ours
    os.environ[SNAPSHOT_FD] = str(snapshot)
    if previous:
        os.close(int(previous))  # workers that inherited it keep their own descriptor until they exit
    server.log.info("serving %s", check.stdout.strip())


def _not_switched(server: Any, reloading: bool, reason: str) -> None:
    """A reload keeps the previous copy; at start, workers read the file themselves and stop with the reason."""
    if reloading and SNAPSHOT_FD in os.environ:
        server.log.error("data file not reloaded, still serving the previous one: %s", reason)


def _unnamed_copy(source: str) -> int:
    """A descriptor of a private copy of `source` that has no name in any directory."""
    if hasattr(os, "memfd_create"):
        descriptor = os.memfd_create("expanses-data")
    else:  # not Linux: an unlinked temporary file
        descriptor, name = tempfile.mkstemp(prefix="expanses-data-")
        os.unlink(name)
    try:
        with open(source, "rb") as original, open(descriptor, "wb", closefd=False) as copy:
            shutil.copyfileobj(original, copy, 1 << 20)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor
