"""The directory where workers share their metrics (prometheus_client's multiprocess mode).

Why the master: it must be named before any worker imports the client (service/web/metrics.py).
An operator may choose it (PROMETHEUS_MULTIPROC_DIR); else the master makes a private one,
makes it again before each fork if a cleaner removed it, and removes it on exit.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_OWN_METRICS_DIR = "EXPANSES_OWN_METRICS_DIR"


def prepare() -> None:
    """Name the directory (a private one unless the operator chose one) and drop an earlier run's values."""
    if _METRICS_DIR not in os.environ:
        os.environ[_METRICS_DIR] = os.environ[_OWN_METRICS_DIR] = tempfile.mkdtemp(prefix="expanses-metrics-")
    for stale in Path(os.environ[_METRICS_DIR]).glob("*.db"):
        stale.unlink()


def pre_fork(server: Any, worker: Any) -> None:
    os.makedirs(os.environ[_METRICS_DIR], mode=0o700, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its gauges stop counting as live (its counters stay in the sums)."""
    from prometheus_client import multiprocess  # here, in the master, only once the directory is set

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _OWN_METRICS_DIR in os.environ:
        shutil.rmtree(os.environ[_OWN_METRICS_DIR], ignore_errors=True)
