"""How long requests wait while a SIGHUP reloads the data: the longest of back-to-back `/health` requests.

Why: gunicorn replaces every worker on a reload, and requests queue while the new ones start
(docs/operations.md). This serves a copy of a CSV with `make run`'s settings, sends one SIGHUP
after appending a row (a changed file: the master checks it and builds its snapshot while the
old workers still serve) and one with the file unchanged, and requests `/health` one after
another for a while after each.

    .venv/bin/python bench/reload_pause.py --csv /tmp/expanses-bench/expanses-1000000.csv [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import servers

#: A row in the user's format, appended to make the file a new one.
EXTRA_ROW = 'IT,Gaama,"1,000.00€",1/2/2021,Sam\n'


def longest_wait(url: str, seconds: float) -> tuple[float, int]:
    """The slowest of back-to-back requests for `seconds`, and how many were made."""
    waits = []
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        sent = time.monotonic()
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
        waits.append(time.monotonic() - sent)
    return max(waits), len(waits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="expanses-reload-") as folder:
        data = Path(folder) / "expanses.csv"
        shutil.copyfile(args.csv, data)
        env = {"WORKERS": str(args.workers), "EXPANSES_SNAPSHOT_DIR": str(Path(folder) / "snapshots")}
        running = servers.start_ours(data, env)
        try:
            for change in ("changed file", "same file"):
                if change == "changed file":
                    with data.open("a", encoding="utf-8") as handle:
                        handle.write(EXTRA_ROW)
                os.kill(running.process.pid, signal.SIGHUP)
                wait, requests = longest_wait(running.base_url + "/health", args.seconds)
                print(f"{change}: longest wait {wait:.2f} s over {requests} requests in {args.seconds:g} s", flush=True)
        finally:
            running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
