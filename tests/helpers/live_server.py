"""Start the real server (gunicorn with the repo's config) on a free loopback port, for tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.ports import free_port as free_port  # the one helper, also bench's

REPO = Path(__file__).resolve().parents[2]


class Server:
    """A gunicorn process whose output goes to a file (a pipe nobody reads would fill and block it)."""

    def __init__(self, csv_path: Path, port: int, workers: int = 1, extra_env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "EXPANSES_CSV": str(csv_path), "HOST": "127.0.0.1", "PORT": str(port), **(extra_env or {})}
        env["WORKERS"] = str(workers)
        command = [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_config"]
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._final_output = ""

    def output(self) -> str:
        """Everything it wrote so far (after `close`, everything it wrote)."""
        if self.log.closed:
            return self._final_output
        self.log.seek(0)
        return self.log.read()

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        self._final_output = self.output()
        self.log.close()

    def records(self) -> int:
        """How many records /health says it serves (the wait allows for workers still loading)."""
        with urllib.request.urlopen(self.base + "/health", timeout=30) as response:
            return int(json.load(response)["meta"]["records"])

    def worker_pids(self) -> set[int]:
        """The gunicorn master's child processes: its workers, and a data check while one runs (Linux's /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def wait_for(self, condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
        """Return once `condition()` holds; fail naming `what`, with the server's output, if it exits or times out."""
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, f"gunicorn exited while waiting for {what}:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {what} within {seconds:g} s:\n{self.output()}"
            time.sleep(0.1)

    def wait_until_ready(self, base: str, seconds: float = 30) -> None:
        """Return once `base`/health answers; fail with the server's output if it exits or times out."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).close()
                return
            except OSError:
                assert self.process.poll() is None, self.output()
                assert time.monotonic() < deadline, f"gunicorn did not answer within {seconds:g} s"
                time.sleep(0.2)


def start(csv_path: Path, port: int, workers: int = 1, extra_env: dict[str, str] | None = None) -> Server:
    """gunicorn exactly as `make run` starts it, on 127.0.0.1:`port` (`extra_env` for a test's override)."""
    return Server(csv_path, port, workers, extra_env)


@contextmanager
def serving(csv_path: Path, workers: int = 1, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """A ready server (`server.base` is its URL), stopped with SIGTERM, which must exit cleanly.

    Its output stays readable after the block (`server.output()`).
    """
    server = start(csv_path, free_port(), workers, extra_env)
    try:
        server.wait_until_ready(server.base)
        yield server
    finally:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
        exit_code = server.wait(timeout=30)
        server.close()
    assert exit_code == 0, server.output()
    assert "Traceback" not in server.output(), server.output()


@contextmanager
def running(csv_path: Path, workers: int = 1) -> Iterator[str]:
    """The server's base URL while it runs (see `serving`)."""
    with serving(csv_path, workers) as server:
        yield server.base
