"""Workers share one sealed copy of the snapshot; a restart finds the file; a reload makes the next, retires the old.

Why: parsing once and mapping everywhere is what lets N workers cost about one copy of the
data, and an unchanged file restart without parsing (decision 0007); the copy workers map is
sealed, so no change to a file on disk can reach them (decision 0009).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
from pathlib import Path

from tests.conftest import HEADER, SAMPLE_CSV
from tests.helpers.live_server import Server, serving


def mapped_files(pid: int) -> set[str]:
    """The files a process has mapped (Linux's /proc/PID/maps)."""
    lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return {line.split(maxsplit=5)[5] for line in lines if len(line.split(maxsplit=5)) == 6}


def mapped_copies(pid: int) -> set[str]:
    """The inodes of the sealed snapshot copies a process maps (memory files show as /memfd:NAME)."""
    lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return {line.split()[4] for line in lines if "/memfd:expanses-snapshot" in line}


def seals_of_the_copy(pid: int) -> int:
    """The seals on the snapshot copy a worker holds, read through /proc."""
    held = next(fd for fd in Path(f"/proc/{pid}/fd").iterdir() if "memfd:expanses-snapshot" in os.readlink(fd))
    descriptor = os.open(held, os.O_RDONLY)
    try:
        return fcntl.fcntl(descriptor, fcntl.F_GET_SEALS)
    finally:
        os.close(descriptor)


def snapshots(directory: Path) -> list[Path]:
    return sorted(directory.glob("expanses-*.arrow"))


def test_every_worker_maps_the_one_snapshot_and_a_restart_finds_it(tmp_path: Path) -> None:
    data, directory = tmp_path / "expanses.csv", tmp_path / "snapshots"
    shutil.copyfile(SAMPLE_CSV, data)
    environment = {"EXPANSES_SNAPSHOT_DIR": str(directory)}
    with serving(data, workers=2, extra_env=environment) as server:
        [built] = snapshots(directory)
        assert "snapshot built" in server.output()
        workers = server.worker_pids()
        assert len(workers) == 2
        # Ready means one worker answers; the other may still be importing.
        server.wait_for(lambda: all(mapped_copies(pid) for pid in workers), "both workers mapping the copy")
        assert len(set.union(*(mapped_copies(pid) for pid in workers))) == 1  # one copy for all
        assert not any(str(built) in mapped_files(pid) for pid in workers)  # never the file itself
        sealed = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
        assert all(seals_of_the_copy(pid) & sealed == sealed for pid in workers)
    with serving(data, workers=1, extra_env=environment) as server:
        assert f"snapshot found {built}" in server.output()
        assert snapshots(directory) == [built]


def reload(server: Server) -> None:
    old_workers = server.worker_pids()
    server.process.send_signal(signal.SIGHUP)
    server.wait_for(lambda: not server.worker_pids() & old_workers, "new workers")
    server.wait_until_ready(server.base)


def test_a_reload_builds_the_new_snapshot_and_the_next_one_removes_the_retired(tmp_path: Path) -> None:
    data, directory = tmp_path / "expanses.csv", tmp_path / "snapshots"
    shutil.copyfile(SAMPLE_CSV, data)
    with serving(data, workers=1, extra_env={"EXPANSES_SNAPSHOT_DIR": str(directory)}) as server:
        [first] = snapshots(directory)
        server.wait_for(lambda: all(mapped_copies(pid) for pid in server.worker_pids()), "the worker mapping the copy")
        [before] = mapped_copies(next(iter(server.worker_pids())))
        data.write_text(HEADER + "IT,Gaama,4.00€,1/2/2021,Sam\n", encoding="utf-8")
        reload(server)
        assert server.records() == 1
        [second] = set(snapshots(directory)) - {first}
        assert mapped_copies(next(iter(server.worker_pids()))) - {before}  # a new copy, of the new file
        reload(server)  # the first one's workers are gone: no process holds it any more
        assert snapshots(directory) == [second]
        assert server.records() == 1


def test_the_master_shares_the_web_stack_but_starts_no_thread_before_forking(tmp_path: Path) -> None:
    """A thread does not survive fork; Polars and pyarrow start some when imported, so only workers import them."""
    with serving(SAMPLE_CSV, workers=1) as server:
        master = server.process.pid
        assert len(list(Path(f"/proc/{master}/task").iterdir())) == 1
        libraries = {
            path.split("site-packages/")[1].split("/")[0] for path in mapped_files(master) if "site-packages/" in path
        }
        # Their compiled parts are mapped: imported (the JSON:API library imports SQLAlchemy).
        assert {"sqlalchemy", "yaml"} <= libraries, libraries
        assert not {"polars", "pyarrow"} & libraries, libraries
