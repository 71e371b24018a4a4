"""The data the workers serve is the master's checked snapshot: what was checked is what is served, always there.

Why: a file replaced between the check and the copy, or a copy deleted by a tmp cleaner,
once made a restarted worker fail to boot and gunicorn shut the whole service down.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import stat
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from service import gunicorn_config, handoff
from service.config import Settings
from service.data import snapshot
from service.ops import data_supervisor
from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.live_server import Server, free_port, serving, start

BROKEN = (HEADER + "IT,Gaama,bad,1/2/2021,Sam\n").encode()


def sample_rows() -> int:
    return len(SAMPLE_CSV.read_text(encoding="utf-8").strip().splitlines()) - 1


def test_a_file_replaced_right_after_its_check_cannot_reach_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is replaced by a broken one the moment the check has passed: workers still get the checked bytes."""
    source = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, source)
    monkeypatch.setenv("EXPANSES_CSV", str(source))
    monkeypatch.setenv("EXPANSES_SNAPSHOT_DIR", str(tmp_path / "snapshots"))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # the master's, not this process's
    for name in (handoff.SNAPSHOT_FD, handoff.DATA_CHECK):
        monkeypatch.setenv(name, "")  # so that the variable's absence is restored after the test
        monkeypatch.delenv(name)

    def check_then_replace(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        checked = subprocess.run(*args, **kwargs)
        source.write_bytes(BROKEN)
        return checked

    monkeypatch.setattr(data_supervisor, "subprocess", SimpleNamespace(run=check_then_replace, **_ERRORS))
    gunicorn_config.on_starting(SimpleNamespace(log=logging.getLogger("test.master")))
    settings = Settings.from_env()  # what a worker forked now would read
    assert settings.snapshot_fd is not None and source.read_bytes() == BROKEN
    try:
        assert len(snapshot.read(settings.snapshot_fd)) == sample_rows()
    finally:
        os.close(settings.snapshot_fd)


_ERRORS = {"SubprocessError": subprocess.SubprocessError}


def kill_every_worker(server: Server) -> set[int]:
    workers = server.worker_pids()
    assert workers, server.output()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return workers


def test_restarted_workers_map_the_checked_snapshot_when_every_file_on_disk_is_gone(tmp_path: Path) -> None:
    data, snapshots = tmp_path / "expanses.csv", tmp_path / "snapshots"
    shutil.copyfile(SAMPLE_CSV, data)
    with serving(data, workers=2, extra_env={"EXPANSES_SNAPSHOT_DIR": str(snapshots)}) as server:
        data.unlink()  # the operator moved it away
        shutil.rmtree(snapshots)  # a tmp cleaner ran
        killed = kill_every_worker(server)
        server.wait_for(lambda: len(server.worker_pids() - killed) == 2, "two new workers")
        server.wait_until_ready(server.base)
        assert server.records() == sample_rows()


def test_the_snapshot_is_read_only_in_a_directory_only_its_user_can_write(tmp_path: Path) -> None:
    data, snapshots = tmp_path / "expanses.csv", tmp_path / "snapshots"
    shutil.copyfile(SAMPLE_CSV, data)
    with serving(data, workers=1, extra_env={"EXPANSES_SNAPSHOT_DIR": str(snapshots)}):
        [served] = snapshots.glob("expanses-*.arrow")
        assert stat.S_IMODE(served.stat().st_mode) == 0o444
        assert stat.S_IMODE(snapshots.stat().st_mode) == 0o700


def test_a_snapshot_directory_others_can_write_stops_the_start_with_the_reason(tmp_path: Path) -> None:
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir(mode=0o777)
    snapshots.chmod(0o777)  # whoever can write here could choose the data served
    server = start(SAMPLE_CSV, free_port(), extra_env={"EXPANSES_SNAPSHOT_DIR": str(snapshots)})
    with contextlib.closing(server):
        assert server.wait(timeout=60) != 0
        assert f"cannot use the snapshot directory {snapshots}" in server.output()
        assert "writable by others" in server.output()


@pytest.mark.parametrize("kind", ["named pipe", "directory", "missing"])
def test_a_reload_from_something_that_is_not_a_file_keeps_the_master_serving(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "expanses.csv"
    shutil.copyfile(SAMPLE_CSV, data)
    with serving(data, workers=1) as server:
        data.unlink()
        if kind == "named pipe":
            os.mkfifo(data)  # opening it for reading would wait for a writer forever
        elif kind == "directory":
            data.mkdir()
        old_workers = server.worker_pids()
        server.process.send_signal(signal.SIGHUP)
        server.wait_for(lambda: "data file not reloaded" in server.output(), "the refusal")
        server.wait_for(lambda: not server.worker_pids() & old_workers, "replacement of the worker")
        server.wait_until_ready(server.base)
        assert server.records() == sample_rows()
        if kind == "directory":
            data.rmdir()  # the server's own stop must not trip on it


def test_a_start_from_a_named_pipe_stops_at_once_with_the_reason(tmp_path: Path) -> None:
    fifo = tmp_path / "expanses.csv"
    os.mkfifo(fifo)
    server = start(fifo, free_port())
    with contextlib.closing(server):
        assert server.wait(timeout=60) != 0
        assert f"cannot serve the data file: {fifo}, line 0: cannot read the file: not a regular file" in (
            server.output()
        )


def test_workers_restart_when_the_metrics_directory_was_removed(tmp_path: Path) -> None:
    with serving(SAMPLE_CSV, workers=1) as server:
        [worker] = server.worker_pids()
        files = [os.readlink(link) for link in Path(f"/proc/{worker}/fd").iterdir()]
        [directory] = {str(Path(name).parent) for name in files if "/expanses-metrics-" in name}
        shutil.rmtree(directory)  # a tmp cleaner ran
        killed = kill_every_worker(server)
        server.wait_for(lambda: len(server.worker_pids() - killed) == 1, "a new worker")
        server.wait_until_ready(server.base)
        assert server.records() == sample_rows()
