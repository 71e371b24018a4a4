"""Start, time, measure and stop the servers in the race, all on loopback.

Why one module: every server is started the same way (a process group we can stop), timed
the same way (spawn to first 200) and measured the same way (resident memory of its
process tree), so the report compares like with like.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT_BIN = REPO / ".venv" / "bin"

sys.path.insert(0, str(REPO))  # tests/helpers/ports.py: one free_port for tests and benchmarks
from tests.helpers.ports import free_port  # noqa: E402


@dataclass
class Running:
    """A server process group, its URL, and how long it took to answer its first request."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    startup_s: float = 0.0

    def rss_mb(self) -> tuple[float, float]:
        """Resident memory of the process tree in MB: (largest single process, whole tree)."""
        sizes = [_rss_kb(pid) for pid in _tree(self.process.pid)]
        return max(sizes) / 1024, sum(sizes) / 1024

    def pss_mb(self) -> float:
        """Proportional set size of the process tree in MB: shared pages (a mapped snapshot) counted once in all."""
        return sum(_pss_kb(pid) for pid in _tree(self.process.pid)) / 1024

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_ours(csv_path: Path, env: dict[str, str] | None = None, code: Path = REPO) -> Running:
    """The service exactly as `make run` starts it (the shipped gunicorn config), on this CSV.

    `code`: the source tree to run (another commit's, for bench/ab.py), with this checkout's venv.
    """
    port = free_port()
    environ = {**os.environ, "EXPANSES_CSV": str(csv_path), "HOST": "127.0.0.1", "PORT": str(port), **(env or {})}
    command = [str(PROJECT_BIN / "gunicorn"), "-c", "python:service.gunicorn_config"]
    return _start("expanses", command, port, "/expanses?page%5Bsize%5D=1", environ, code)


def start_datasette(database: Path, datasette: Path) -> Running:
    """Datasette serving the SQLite copy, immutable (`-i`), one process, defaults otherwise."""
    port = free_port()
    command = [str(datasette), "serve", "-i", str(database), "--host", "127.0.0.1", "--port", str(port)]
    return _start("datasette", command, port, f"/{database.stem}/expanses.json?_size=1&_nosuggest=1", dict(os.environ))


def start_drf(database: Path, bench_bin: Path) -> Running:
    """The DJA peer (`bench/drf_peer/`) on its SQLite copy: gunicorn from `bench_bin`, 2 sync workers and no
    control socket, as ours."""
    port = free_port()
    command = [str(bench_bin / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--no-control-socket"]
    command.append("bench.drf_peer.wsgi")
    environ = {**os.environ, "DRF_PEER_DB": str(database), "DJANGO_SETTINGS_MODULE": "bench.drf_peer.settings"}
    return _start("drf", command, port, "/expanses?page%5Bsize%5D=1", environ)


def start_bare_flask() -> Running:
    """The ceiling: Flask returning a precomputed 2 KB JSON body, 2 sync gunicorn workers."""
    port = free_port()
    command = [str(PROJECT_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "bench.bare_flask:app"]
    return _start("bare flask", command, port, "/", dict(os.environ))


def _start(name: str, command: list[str], port: int, probe: str, env: dict[str, str], cwd: Path = REPO) -> Running:
    began = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = began + 120
    while True:
        try:
            with urllib.request.urlopen(base_url + probe, timeout=5) as answer:
                if answer.status == 200:
                    return Running(name, process, base_url, time.monotonic() - began)
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start: {' '.join(command)}")
        time.sleep(0.05)


def _tree(pid: int) -> list[int]:
    """The process and its descendants (one that exits while we look is left out)."""
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            pending.extend(int(child) for child in children)
    return pids


def _pss_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
