"""The data the workers serve is the master's checked copy: what was checked is what is served, always there.

Why: a file replaced between the check and the copy, or a copy deleted by a tmp cleaner,
once made a restarted worker fail to boot and gunicorn shut the whole service down.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from service import gunicorn_config, handoff
from service.config import Settings
from service.csv_source import load_expenses
from tests.conftest import HEADER, SAMPLE_CSV
from tests.live_server import Server, serving

BROKEN = (HEADER + "IT,Gaama,bad,1/2/2021,Sam\n").encode()


def sample_rows() -> int:
    return len(SAMPLE_CSV.read_text(encoding="utf-8").strip().splitlines()) - 1


def records(base: str) -> int:
    with urllib.request.urlopen(base + "/health", timeout=5) as response:
        return int(json.load(response)["meta"]["records"])


@contextlib.contextmanager
def changing_file(path: Path, contents: list[bytes]) -> Iterator[None]:
    """A named pipe at `path` that gives the next of `contents` each time it is opened for reading."""
    os.mkfifo(path)

    def serve() -> None:
        for content in contents:
            with contextlib.suppress(BrokenPipeError), path.open("wb") as pipe:  # waits for a reader
                pipe.write(content)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # until that reader is gone, so the next open gets the next
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:  # ENXIO: nobody has the pipe open for reading
                    break
                time.sleep(0.01)

    writer = threading.Thread(target=serve, daemon=True)
    writer.start()
    try:
        yield
    finally:
        for _ in contents:  # unblock a writer still waiting for a reader
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(timeout=5)


def test_a_file_that_changes_after_it_is_read_cannot_reach_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each read of the source gives other bytes: the workers must get the bytes that were checked."""
    source = tmp_path / "expanses.csv"
    monkeypatch.setenv("EXPANSES_CSV", str(source))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the master's, not this process's
    for name in (handoff.SNAPSHOT_FD, handoff.DATA_CHECK):
        monkeypatch.setenv(name, "")  # so that the variable's absence is restored after the test
        monkeypatch.delenv(name)
    with changing_file(source, [SAMPLE_CSV.read_bytes(), BROKEN, BROKEN]):
        gunicorn_config.on_starting(SimpleNamespace(log=logging.getLogger("test.master")))
    settings = Settings.from_env()  # what a worker forked now would read
    assert settings.snapshot_fd is not None
    try:
        assert len(load_expenses(settings.csv_path, settings.snapshot_fd)) == sample_rows()
    finally:
        os.close(settings.snapshot_fd)


def kill_every_worker(server: Server) -> set[int]:
    workers = server.worker_pids()
    assert workers, server.output()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return workers


def test_restarted_workers_load_the_checked_copy_when_every_file_on_disk_is_gone(tmp_path: Path) -> None:
    data = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, data)
    with serving(data, workers=2) as server:
        data.unlink()  # the operator moved it away
        for leftover in Path(tempfile.gettempdir()).glob("expanses-data-*"):  # a tmp cleaner ran
            shutil.rmtree(leftover, ignore_errors=True)
        killed = kill_every_worker(server)
        server.wait_for(lambda: len(server.worker_pids() - killed) == 2, "two new workers")
        server.wait_until_ready(server.base)
        assert records(server.base) == sample_rows()
