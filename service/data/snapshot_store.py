"""The snapshot directory: one Arrow file per data file and release, built once, found again, cleaned up.

Why: a restart on an unchanged file should skip parsing, two processes starting at once
should parse once, and a snapshot nobody serves any more should not fill the disk.
- A snapshot's name is a hash of the CSV's bytes and of this release's code, so a changed
  file or a new parser never finds an old snapshot.
- Builds happen under an exclusive lock on the directory's `.lock` file: a second process
  waits, then finds the first one's snapshot. A snapshot is written under a temporary name
  and renamed when complete and read-only, so no process ever sees half of one.
- Every process serving a snapshot holds a shared lock on it (the gunicorn master takes it in
  service/ops/data_supervisor.py; its workers inherit it). A snapshot on which an exclusive lock
  can be had is served by no one and is removed; removing a file a process still maps would
  not harm it anyway.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from service.data import snapshot
from service.data.csv_source import data_file_sha256, load_expenses
from service.data.release import SERVICE_CODE, release_fingerprint

_PREFIX, _SUFFIX = "expanses-", ".arrow"
_BUILDING = ".building-"


@dataclass(frozen=True)
class Provided:
    """The snapshot for a data file: where it is, how many rows, and whether it was already there."""

    path: Path
    rows: int
    reused: bool


def provide(csv_path: Path, directory: Path) -> Provided:
    """The snapshot of `csv_path` as it is now in `directory`: found if valid, else checked, built and written.

    Raises `CsvFormatError` for a file that cannot be served, `OSError` for a directory that cannot be used.
    """
    path = directory / snapshot_name(data_file_sha256(csv_path))
    _make_private(directory)
    with _exclusive(directory / ".lock"):
        rows = _valid_rows(path)
        reused = rows is not None
        if rows is None:
            built = snapshot.build(load_expenses(csv_path))
            path = directory / snapshot_name(built.fingerprint)  # the bytes parsed, if the file changed meanwhile
            _write(built, path)
            rows = len(built)
        remove_stale(directory, keep=path)
    return Provided(path, rows, reused)


def snapshot_name(csv_fingerprint: str) -> str:
    """The file name of the snapshot of a CSV with this SHA-256, made by this release."""
    key = hashlib.sha256(f"{snapshot.FORMAT}\0{csv_fingerprint}\0{_release()}".encode()).hexdigest()
    return f"{_PREFIX}{key[:32]}{_SUFFIX}"


def remove_stale(directory: Path, keep: Path) -> list[Path]:
    """Remove the snapshots (and abandoned partial writes) in `directory` that no process serves; under the lock."""
    removed = []
    for candidate in directory.iterdir():
        name = candidate.name
        stale = name.startswith(_BUILDING) or (name.startswith(_PREFIX) and name.endswith(_SUFFIX))
        if stale and candidate != keep and _unused(candidate):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


@functools.cache
def _release() -> str:
    """This release's code, hashed once per process (a build names its snapshot twice: before and after parsing)."""
    return release_fingerprint((SERVICE_CODE,))


def _make_private(directory: Path) -> None:
    """Create `directory`, or check that only this user can write in it: whoever can, chooses the data served."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = directory.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise PermissionError(errno.EPERM, "owned by another user, or writable by others", str(directory))


def _valid_rows(path: Path) -> int | None:
    """Rows of the snapshot at `path` if it is one this release can serve, else None (absent or broken)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        return len(snapshot.read(descriptor))
    except snapshot.SnapshotError:
        return None
    finally:
        os.close(descriptor)


def _write(built: snapshot.Snapshot, path: Path) -> None:
    """Write under a temporary name, make it read-only, then rename: the final name only ever holds a whole file."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=_BUILDING, delete=False)  # noqa: SIM115
    try:
        with handle:
            snapshot.write(built, handle.file)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o444)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _unused(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """An exclusive lock on the file `path`, waited for; released when the block ends or the process dies."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
