"""The directory where workers share their metrics (prometheus_client's multiprocess mode).

Why the master: it must be named before any worker imports the client (service/web/metrics.py).
An operator may choose it (PROMETHEUS_MULTIPROC_DIR); else the master makes a private one once
the data is served (a start that fails leaves nothing behind), makes it again before each fork
if a cleaner removed it, and removes it on exit. Each worker writes files of its own; when one
exits, the master adds its counters and histograms into one archive file per kind and removes
its files, so totals stay exact while the files stay as many as the live workers' (issue 23:
4,000 files had made `/metrics` take 0.17 s instead of 4 ms).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_OWN_METRICS_DIR = "EXPANSES_OWN_METRICS_DIR"
#: The kinds of file whose values add up across processes (gauges are per live process).
_ADDED_UP = ("counter", "histogram")


def prepare() -> None:
    """Name the directory (a private one unless the operator chose one) and drop an earlier run's values."""
    if _METRICS_DIR not in os.environ:
        os.environ[_METRICS_DIR] = os.environ[_OWN_METRICS_DIR] = tempfile.mkdtemp(prefix="expanses-metrics-")
    for stale in Path(os.environ[_METRICS_DIR]).glob("*.db"):
        stale.unlink()


def pre_fork(server: Any, worker: Any) -> None:
    os.makedirs(os.environ[_METRICS_DIR], mode=0o700, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its gauges stop counting as live, its counters and histograms join the archive."""
    from prometheus_client import multiprocess  # here, in the master, only once the directory is set

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
    fold_into_archive(Path(os.environ[_METRICS_DIR]), worker.pid)


def fold_into_archive(directory: Path, pid: int) -> None:
    """Add a dead worker's counters and histograms (every value is a running sum) into `<kind>_archive.db`.

    Written with the client's own file format (`MmapedDict`), which its collector reads like any
    worker's file: the sums `/metrics` shows are the same before and after.
    """
    from prometheus_client.mmap_dict import MmapedDict

    for kind in _ADDED_UP:
        dead = directory / f"{kind}_{pid}.db"
        if not dead.is_file():
            continue
        archive = MmapedDict(str(directory / f"{kind}_archive.db"))  # type: ignore[no-untyped-call]
        try:
            for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(str(dead)):  # type: ignore[no-untyped-call]
                total, _ = archive.read_value(key)  # type: ignore[no-untyped-call]
                archive.write_value(key, total + value, timestamp)  # type: ignore[no-untyped-call]
        finally:
            archive.close()  # type: ignore[no-untyped-call]
        dead.unlink()


def on_exit(server: Any) -> None:
    if _OWN_METRICS_DIR in os.environ:
        shutil.rmtree(os.environ[_OWN_METRICS_DIR], ignore_errors=True)
