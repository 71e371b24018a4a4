"""No change to files on disk reaches the data served (issue 23, findings 1-3; decision 0009).

Each test does to the snapshot directory what the hostile review did, with a real gunicorn:
cut the snapshot short, edit a value in it, link its name to another file's snapshot, leave
FIFOs and directories under snapshot names, kill the master in the middle of a check. The
answers are compared with the CSV as tests/helpers/reference.py reads it, never with the service.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from data.generate import write_csv
from service.data.snapshot_store import provide
from tests.helpers.live_server import REPO, Server, free_port, serving, start
from tests.helpers.reference import read_rows

ROWS = 20_000


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trust") / "expanses.csv"
    write_csv(path, ROWS, seed=5)
    return path


def get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        body: dict[str, object] = json.load(response)
        return body


def the_snapshot(directory: Path) -> Path:
    [path] = sorted(directory.glob("expanses-*.arrow"))
    return path


def amounts_served(server: Server, ids: list[int]) -> dict[int, float]:
    return {i: get(f"{server.base}/expanses/{i}?fields[expanses]=amount")["data"]["attributes"]["amount"] for i in ids}  # type: ignore[index]


def test_a_snapshot_cut_short_on_disk_cannot_stop_the_service(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    with serving(data, workers=2, extra_env={"EXPANSES_SNAPSHOT_DIR": str(directory)}) as server:
        path = the_snapshot(directory)
        path.chmod(0o644)
        os.truncate(path, 5000)  # what the review did to a served snapshot
        rng = random.Random(1)
        for _ in range(40):  # fresh queries: none can be answered from a worker's memory of answers
            body = get(f"{server.base}/expanses?filter[amount][gte]={rng.randint(0, 900_000)}&sort=-amount")
            assert isinstance(body["data"], list)
        for pid in server.worker_pids():
            os.kill(pid, signal.SIGKILL)
        assert server.records() == ROWS  # replacements boot from the sealed copy, not the cut file
        assert server.process.poll() is None


def test_an_edited_snapshot_is_not_served_now_nor_after_a_reload_or_a_restart(data: Path, tmp_path: Path) -> None:
    directory, rows = tmp_path / "snapshots", read_rows(data)
    expected = {row.id: float(row.amount) for row in rows[:50]}
    env = {"EXPANSES_SNAPSHOT_DIR": str(directory)}
    with serving(data, workers=2, extra_env=env) as server:
        path = the_snapshot(directory)
        target = rows[0].cents.to_bytes(8, "little", signed=True)
        whole = bytearray(path.read_bytes())
        assert whole.count(target) >= 1
        whole[whole.index(target) : whole.index(target) + 8] = (123456789012345).to_bytes(8, "little", signed=True)
        path.chmod(0o644)
        path.write_bytes(whole)  # in place, same size: what the review did
        assert amounts_served(server, list(expected)) == expected
        server.process.send_signal(signal.SIGHUP)
        server.wait_for(lambda: "building it again" in server.output(), "the edited snapshot refused on reload")
        server.wait_until_ready(server.base)
        assert amounts_served(server, list(expected)) == expected
    path.chmod(0o644)
    path.write_bytes(whole)  # edited again, between runs
    with serving(data, workers=1, extra_env=env) as server:
        assert "snapshot built" in server.output()
        assert amounts_served(server, list(expected)) == expected


def test_a_snapshot_name_linked_to_another_files_snapshot_is_not_followed(data: Path, tmp_path: Path) -> None:
    directory, other = tmp_path / "snapshots", tmp_path / "other.csv"
    write_csv(other, 300, seed=9)
    theirs = provide(other, directory).path
    ours = provide(data, directory).path
    ours.unlink()
    ours.symlink_to(theirs)
    with serving(data, workers=1, extra_env={"EXPANSES_SNAPSHOT_DIR": str(directory)}) as server:
        assert server.records() == ROWS
        assert "not a regular file" in server.output() or "building it again" in server.output()
    assert not ours.is_symlink() and ours.is_file()


def test_strangers_under_snapshot_names_neither_block_nor_break_a_start(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    directory.mkdir(mode=0o700)
    os.mkfifo(directory / ".building-x")
    os.mkfifo(directory / "expanses-x.arrow")
    (directory / "expanses-y.arrow").mkdir()
    began = time.monotonic()
    with serving(data, workers=1, extra_env={"EXPANSES_SNAPSHOT_DIR": str(directory)}) as server:
        assert time.monotonic() - began < 60
        assert server.records() == ROWS
        for name in (".building-x", "expanses-x.arrow", "expanses-y.arrow"):
            assert f"skipped {directory / name}: not a regular file" in server.output()


def test_a_check_does_not_outlive_the_master_that_started_it(data: Path, tmp_path: Path) -> None:
    """The master is stopped while its check waits for the directory's lock: the check dies with it."""
    directory = tmp_path / "snapshots"
    directory.mkdir(mode=0o700)
    lock = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another start, busy building
    server = start(data, free_port(), 1, {"EXPANSES_SNAPSHOT_DIR": str(directory)})
    try:
        server.wait_for(lambda: bool(server.worker_pids()), "the check to start")
        [check] = server.worker_pids()
        assert "check_csv" in Path(f"/proc/{check}/cmdline").read_text()
        server.process.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(check):
            assert time.monotonic() < deadline, "the check outlived its master"
            time.sleep(0.05)
    finally:
        os.close(lock)
        if server.process.poll() is None:
            server.process.kill()
        server.close()


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_a_fifo_as_the_lock_file_is_refused_with_the_reason(data: Path, tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    directory.mkdir(mode=0o700)
    os.mkfifo(directory / ".lock")
    check = subprocess.run(
        [sys.executable, "-m", "service.check_csv", str(data), "--snapshot-dir", str(directory)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 1 and "not a regular file" in check.stderr, check.stderr
    shutil.rmtree(directory)
