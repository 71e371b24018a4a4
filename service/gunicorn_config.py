"""Gunicorn settings, shared by `make run` and the container image.

Why here: one file, read from the environment (PORT, HOST, WORKERS, WORKER_CLASS, THREADS,
LOG_LEVEL), so the
service starts the same way on a laptop and in Docker. Used as
`gunicorn -c python:service.gunicorn_config`.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from service.config import DEFAULT_CSV, DEFAULT_SNAPSHOT_DIR
from service.handoff import DATA_CHECK, SNAPSHOT_FD

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
    "filters": {"request_id": {"()": "service.logs.request_id_filter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
        },
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


# Metrics: workers share their values through files in one directory (prometheus_client's
# multiprocess mode, service/metrics.py), named before any worker imports the client; an
# operator may choose it (PROMETHEUS_MULTIPROC_DIR), else the master makes a private one,
# and makes it again before each fork if a cleaner removed it.
_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_OWN_METRICS_DIR = "EXPANSES_OWN_METRICS_DIR"
# Workers' heartbeat files, where tmp cleaners do not reach (a vanished $TMPDIR stopped the master).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


# Workers are forked from the master, so a module the master has imported is theirs without
# importing it again. The web framework and the JSON:API library take 0.5 s to import, in every
# worker, all at once at start (with 4 workers on 2 cores, most of the start on an unchanged
# data file); the master imports them once. Only libraries that start no thread when imported:
# Polars and pyarrow do (their allocators' and cleaners' threads would not survive the fork), so
# workers import those, and the service's own code, themselves. Upgrading a library takes a
# restart, not a reload.
_SHARED_IMPORTS = ("flask", "flask_rest_jsonapi_next", "marshmallow", "werkzeug", "yaml", "orjson")


def on_starting(server: Any) -> None:
    for module in _SHARED_IMPORTS:
        importlib.import_module(module)
    if _METRICS_DIR not in os.environ:
        os.environ[_METRICS_DIR] = os.environ[_OWN_METRICS_DIR] = tempfile.mkdtemp(prefix="expanses-metrics-")
    for stale in Path(os.environ[_METRICS_DIR]).glob("*.db"):  # an earlier run's values
        stale.unlink()
    _activate(server, reloading=False)


def on_reload(server: Any) -> None:
    _activate(server, reloading=True)


def pre_fork(server: Any, worker: Any) -> None:
    os.makedirs(os.environ[_METRICS_DIR], mode=0o700, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its gauges stop counting as live (its counters stay in the sums)."""
    from prometheus_client import multiprocess  # here, in the master, only once the directory is set

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _OWN_METRICS_DIR in os.environ:
        shutil.rmtree(os.environ[_OWN_METRICS_DIR], ignore_errors=True)


# Data. Workers never read EXPANSES_CSV. The master has a child process (a huge or broken file
# never costs the master memory, and a check that hangs is stopped) read the file once, check
# every row and write what the engine needs as an Arrow snapshot in EXPANSES_SNAPSHOT_DIR, or
# find the one an earlier start made of the same bytes (service/snapshot_store.py). The master
# opens that snapshot and hands the descriptor to every worker it forks (SNAPSHOT_FD); each
# maps it, so N workers share one copy, and a worker restarted later (a timeout, a crash) maps
# the same bytes whatever happens to the files on disk. At start, a file that cannot be served
# stops the service with the reason. On SIGHUP the master does the same with the file as it
# is then: a servable replacement becomes the new snapshot before any new worker starts;
# anything else is logged and new workers keep the previous snapshot, so the service keeps serving.
_CHECK_SECONDS = 600


class _Refusal(Exception):
    """Why the data file cannot be served now."""


def _activate(server: Any, reloading: bool) -> None:
    source = os.environ.get("EXPANSES_CSV", str(DEFAULT_CSV))
    directory = os.environ.get("EXPANSES_SNAPSHOT_DIR") or str(DEFAULT_SNAPSHOT_DIR)
    try:
        snapshot, provided = _open_snapshot(source, directory)
    except _Refusal as refusal:
        _refuse(server, reloading, str(refusal))
        return
    previous = os.environ.get(SNAPSHOT_FD) if reloading else None  # at start, any value is not ours
    os.environ[SNAPSHOT_FD] = str(snapshot)
    os.environ[DATA_CHECK] = f"loaded {time.time()}"
    if previous:
        os.close(int(previous))  # workers that inherited it keep their own descriptor until they exit
    how = "found" if provided["reused"] else "built"
    server.log.info("serving %s: %s records, snapshot %s %s", source, provided["records"], how, provided["snapshot"])


def _open_snapshot(source: str, directory: str) -> tuple[int, dict[str, Any]]:
    """Have the file checked, then open its snapshot; once more if it vanished in between.

    (Another replica sharing the directory removes snapshots no process holds.)
    """
    for attempt in (1, 2):
        provided = _checked_snapshot(source, directory)
        try:
            return _hold(provided["snapshot"]), provided
        except FileNotFoundError:
            if attempt == 2:
                raise _Refusal(f"the snapshot {provided['snapshot']} was removed as soon as it was made") from None
        except OSError as error:
            raise _Refusal(f"cannot open the snapshot {provided['snapshot']}: {error.strerror}") from None
    raise AssertionError("unreachable")


def _checked_snapshot(source: str, directory: str) -> dict[str, Any]:
    """Run the check in a child process; what it printed (path, records, reused), or the reason it failed."""
    try:
        check = subprocess.run(
            [sys.executable, "-m", "service.check_csv", source, "--snapshot-dir", directory],
            capture_output=True,
            text=True,
            check=False,
            timeout=_CHECK_SECONDS,
        )
    except (OSError, subprocess.SubprocessError) as error:  # no interpreter, no fork, or a hung check
        raise _Refusal(f"{source}: the check could not run: {error}") from None
    if check.returncode:
        raise _Refusal(check.stderr.strip() or f"{source}: the check stopped with status {check.returncode}")
    provided: dict[str, Any] = json.loads(check.stdout)
    return provided


def _hold(path: str) -> int:
    """The snapshot, open, with a shared lock every worker inherits: while any holds it, no cleaner removes it."""
    descriptor = os.open(path, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    return descriptor


def _refuse(server: Any, reloading: bool, reason: str) -> None:
    """A reload keeps the previous snapshot; at start there is none, so the service stops with the reason."""
    if not reloading:
        server.log.critical("cannot serve the data file: %s", reason)
        raise SystemExit(3)
    server.log.error("data file not reloaded, still serving the previous one: %s", reason)
    os.environ[DATA_CHECK] = f"refused {time.time()}"
