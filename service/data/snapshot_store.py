"""The snapshot directory: one file per data file and release, built once, found again, checked, cleaned up.

Why: a restart on an unchanged file should skip parsing, two processes starting at once
should parse once, and a snapshot nobody serves any more should not fill the disk.
- A snapshot's name is a hash of the CSV's bytes and of this release's code, so a changed
  file or a new parser never looks for an old snapshot; and a snapshot found is served only
  once `snapshot.verify` has found in it this CSV's SHA-256, this release, and every value as
  it was written (an edited, cut or swapped file is rebuilt: decision 0009).
- Only regular files are opened, never through a link and never blocking; anything else under
  a snapshot's name (a FIFO, a directory, a link) is a stranger, skipped and named in `notes`.
- Builds happen under an exclusive lock on the directory's `.lock` file, waited for at most
  `LOCK_SECONDS`: a second process waits, then finds the first one's snapshot. A snapshot is
  written under a temporary name and renamed when complete and read-only.
- `into`: the snapshot is copied into that open file (the gunicorn master's sealed memory
  file) and the copy is what is verified, so what workers map is what was checked.
- The master holds a shared lock on the snapshot it was given; one on which an exclusive lock
  can be had is served by no one and is removed.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from service.data import snapshot
from service.data.csv_source import data_file_sha256, load_expenses
from service.data.release import SERVICE_CODE, release_fingerprint

_PREFIX, _SUFFIX = "expanses-", ".arrow"
_BUILDING = ".building-"
#: The longest a check waits for another process's build (ten million rows build in about 15 s).
LOCK_SECONDS = 300
#: How a snapshot, or the lock, is opened: never through a link, never waiting on a FIFO.
_OPEN_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class Provided:
    """The snapshot for a data file: where it is, how many rows, whether it was already there, what was odd."""

    path: Path
    rows: int
    reused: bool
    #: What an operator should know: strangers skipped, a damaged snapshot rebuilt.
    notes: list[str] = field(default_factory=list)


def provide(csv_path: Path, directory: Path, into: int | None = None) -> Provided:
    """The snapshot of `csv_path` as it is now in `directory`: found and verified, else checked, built and written.

    `into`: an open file the verified snapshot is copied into. Raises `CsvFormatError` for a file
    that cannot be served, `OSError` for a directory that cannot be used.
    """
    fingerprint = data_file_sha256(csv_path)
    path = directory / snapshot_name(fingerprint)
    notes: list[str] = []
    _make_private(directory)
    with _exclusive(directory / ".lock"):
        rows = _verified_rows(path, fingerprint, into, notes)
        reused = rows is not None
        if rows is None:
            built = snapshot.build(load_expenses(csv_path))
            path = directory / snapshot_name(built.fingerprint)  # the bytes parsed, if the file changed meanwhile
            _write(built, path)
            rows = _verified_rows(path, built.fingerprint, into, notes)
            if rows is None:
                raise OSError(errno.EIO, f"the snapshot just written does not read back: {'; '.join(notes)}", str(path))
        notes += remove_stale(directory, keep=path)
    return Provided(path, rows, reused, notes)


def snapshot_name(csv_fingerprint: str) -> str:
    """The file name of the snapshot of a CSV with this SHA-256, made by this release."""
    key = hashlib.sha256(f"{snapshot.FORMAT}\0{csv_fingerprint}\0{release()}".encode()).hexdigest()
    return f"{_PREFIX}{key[:32]}{_SUFFIX}"


def open_regular(path: Path) -> int:
    """`path` opened for reading if it is a regular file (not a link, FIFO, device or directory); else OSError."""
    descriptor = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return descriptor


def remove_stale(directory: Path, keep: Path) -> list[str]:
    """Remove the snapshots (and abandoned partial writes) in `directory` that no process serves; under the lock.

    Returns a note for each entry under a snapshot's name that is not a regular file: left alone.
    """
    notes = []
    with os.scandir(directory) as entries:
        for entry in entries:
            ours = entry.name.startswith(_BUILDING) or (entry.name.startswith(_PREFIX) and entry.name.endswith(_SUFFIX))
            if not ours or entry.path == str(keep):
                continue
            if not entry.is_file(follow_symlinks=False):
                notes.append(f"skipped {entry.path}: not a regular file")
            elif _unused(Path(entry.path)):
                Path(entry.path).unlink(missing_ok=True)
    return notes


@functools.cache
def release() -> str:
    """This release's code, hashed once per process (snapshot names, and what a snapshot says made it)."""
    return release_fingerprint((SERVICE_CODE,))


def _make_private(directory: Path) -> None:
    """Create `directory`, or check that only this user can write in it: whoever can, chooses the data served."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = directory.lstat()
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise PermissionError(errno.EPERM, "not a directory of this user's, or writable by others", str(directory))


def _verified_rows(path: Path, fingerprint: str, into: int | None, notes: list[str]) -> int | None:
    """Rows of the snapshot at `path` (of its copy into `into`) if it is this file's, this release's and intact."""
    try:
        descriptor = open_regular(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        notes.append(f"skipped {path}: {error.strerror}; building it again")
        return None
    try:
        if into is not None:
            _copy(descriptor, into)
        found = snapshot.read(into if into is not None else descriptor)
        snapshot.verify(found, fingerprint, release())
        return len(found)
    except snapshot.SnapshotError as error:
        notes.append(f"snapshot {path} refused ({error}); building it again")
        return None
    finally:
        os.close(descriptor)


def _copy(source: int, target: int) -> None:
    """The whole of `source` into `target`, from its start (a memory file: `sendfile`, no pages through Python)."""
    size = os.fstat(source).st_size
    os.ftruncate(target, 0)
    os.lseek(target, 0, os.SEEK_SET)
    sent = 0
    while sent < size:
        count = os.sendfile(target, source, sent, size - sent)
        if count == 0:
            raise snapshot.SnapshotError("it shrank while it was copied")
        sent += count


def _write(built: snapshot.Snapshot, path: Path) -> None:
    """Write under a temporary name, make it read-only, then rename: the final name only ever holds a whole file."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=_BUILDING, delete=False)  # noqa: SIM115
    try:
        with handle:
            snapshot.write(built, handle.file, release())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o444)
        os.replace(handle.name, path)  # over a stranger of that name too: a link is replaced, not followed
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _unused(path: Path) -> bool:
    try:
        descriptor = open_regular(path)
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
    """An exclusive lock on the regular file `path`, waited for at most `LOCK_SECONDS`; released when the block
    ends or the process dies."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | _OPEN_FLAGS, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "the lock file is not a regular file; remove it", str(path))
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    reason = f"another process held the lock for {LOCK_SECONDS} s"
                    raise OSError(errno.ETIMEDOUT, reason, str(path)) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)
