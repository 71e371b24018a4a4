"""The gunicorn master's care of the data: check the file, seal a verified copy, hand it to every worker.

Why in the master, through a child process: the master must stay small and never hang, so a
child (`python -m service.check_csv FILE --snapshot-dir DIR --into-fd N`) reads, checks and
converts the file, or finds the snapshot an earlier start made of the same bytes, and copies the
verified snapshot into a memory file the master made. The master seals that copy (no write,
no shrink, no growth, ever) and names its descriptor in the environment workers inherit
(`service/handoff.py`): what workers map can no longer change, whatever happens to files on
disk (issue 23; decision 0009). At start a file that cannot be served stops the service with the
reason; on SIGHUP the previous copy stays served. The whole story: decision 0007, 0009 and
docs/operations.md, "The data file".
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

from service.config import DEFAULT_CSV, default_snapshot_dir
from service.handoff import DATA_CHECK, SNAPSHOT_FD

#: The longest a check may run before the master gives up on it (ten million rows take about 15 s).
CHECK_SECONDS = 600
#: Sealed: the copy can never be written, shrunk or grown again, nor its seals changed.
_SEALS = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
#: The snapshot file on disk the master holds (a shared lock: no cleaner removes it while served).
_HELD_FILE = "EXPANSES_HELD_SNAPSHOT_FD"


class _Refusal(Exception):
    """Why the data file cannot be served now."""


def activate(server: Any, reloading: bool) -> None:
    """Check the data file and hand a sealed copy of its snapshot to the workers forked from now on; or refuse it."""
    source = os.environ.get("EXPANSES_CSV", str(DEFAULT_CSV))
    directory = os.environ.get("EXPANSES_SNAPSHOT_DIR") or str(default_snapshot_dir(server.log.warning))
    copy = os.memfd_create("expanses-snapshot", os.MFD_ALLOW_SEALING | os.MFD_CLOEXEC)
    try:
        provided = _checked_snapshot(source, directory, copy)
        fcntl.fcntl(copy, fcntl.F_ADD_SEALS, _SEALS)
    except (_Refusal, OSError) as refusal:
        os.close(copy)
        _refuse(server, reloading, str(refusal))
        return
    for note in provided.get("notes", []):
        server.log.warning("data snapshot: %s", note)
    _replace(SNAPSHOT_FD, copy, reloading)
    _replace(_HELD_FILE, _hold(provided["snapshot"]), reloading)
    os.environ[DATA_CHECK] = f"loaded {time.time()}"
    how = "found" if provided["reused"] else "built"
    server.log.info("serving %s: %s records, snapshot %s %s", source, provided["records"], how, provided["snapshot"])


def _checked_snapshot(source: str, directory: str, copy: int) -> dict[str, Any]:
    """Run the check in a child process that dies with the master; what it printed, or the reason it failed."""
    command = [sys.executable, "-m", "service.check_csv", source, "--snapshot-dir", directory, "--into-fd", str(copy)]
    try:
        check = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=CHECK_SECONDS,
            pass_fds=(copy,),
            preexec_fn=_die_with_parent,  # safe here: the master runs one thread (tests/live/test_server.py)
        )
    except (OSError, subprocess.SubprocessError) as error:  # no interpreter, no fork, or a hung check
        raise _Refusal(f"{source}: the check could not run: {error}") from None
    if check.returncode:
        raise _Refusal(check.stderr.strip() or f"{source}: the check stopped with status {check.returncode}")
    provided: dict[str, Any] = json.loads(check.stdout)
    return provided


def _die_with_parent() -> None:
    """In the check, before it runs: SIGKILL when the master dies, so no check outlives it holding the lock."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _hold(path: str) -> int | None:
    """The snapshot file, open, with a shared lock: while the master holds it, no cleaner removes it.

    Only so that a restart finds it: workers map the sealed copy, not this file.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    return descriptor


def _replace(name: str, descriptor: int | None, reloading: bool) -> None:
    """Name `descriptor` in the environment workers inherit; close the one it replaces (workers keep theirs)."""
    previous = os.environ.pop(name, None) if reloading else None  # at start, any value is not ours
    if descriptor is not None:
        os.environ[name] = str(descriptor)
    if previous:
        os.close(int(previous))


def _refuse(server: Any, reloading: bool, reason: str) -> None:
    """A reload keeps the previous snapshot; at start there is none, so the service stops with the reason."""
    if not reloading:
        server.log.critical("cannot serve the data file: %s%s", reason, _container_hint())
        raise SystemExit(3)
    server.log.error("data file not reloaded, still serving the previous one: %s", reason)
    os.environ[DATA_CHECK] = f"refused {time.time()}"


def _container_hint() -> str:
    """In the container image (`EXPANSES_DATA_MOUNT`), a data file that is not there: say how to put it there."""
    mount, source = os.environ.get("EXPANSES_DATA_MOUNT"), os.environ.get("EXPANSES_CSV", str(DEFAULT_CSV))
    if not mount or os.path.exists(source):
        return ""
    return (
        f" (in this container EXPANSES_CSV names a path inside it: mount the file's directory at {mount} and name"
        f" {mount}/<file>; make stack-up does both for EXPANSES_CSV=path/on/this/machine.csv)"
    )
