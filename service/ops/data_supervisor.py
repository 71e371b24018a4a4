"""The gunicorn master's care of the data: check the file, hold its snapshot, hand it to every worker.

Why in the master, through a child process: the master must stay small and never hang, so a
child (`python -m service.check_csv FILE --snapshot-dir DIR`) reads, checks and converts the
file, or finds the snapshot an earlier start made of the same bytes; the master only opens the
result, locks it shared and names its descriptor in the environment workers inherit
(`service/handoff.py`). At start a file that cannot be served stops the service with the
reason; on SIGHUP the previous snapshot stays served. The whole story, and why: decision 0007
and docs/operations.md, "New data".
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from typing import Any

from service.config import DEFAULT_CSV, DEFAULT_SNAPSHOT_DIR
from service.handoff import DATA_CHECK, SNAPSHOT_FD

#: The longest a check may run before the master gives up on it (ten million rows take about 15 s).
CHECK_SECONDS = 600


class _Refusal(Exception):
    """Why the data file cannot be served now."""


def activate(server: Any, reloading: bool) -> None:
    """Check the data file and hand its snapshot to the workers forked from now on; or refuse it."""
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
            timeout=CHECK_SECONDS,
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
