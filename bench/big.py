"""Ten million rows: start-up on a new and on an unchanged file, memory of every process, deep and cursor pages.

Why: issue 12's targets are about large files: one parse shared by every worker, restarts that
skip parsing, memory counted once for shared pages (PSS), and pages deep in a sort that stay
fast. This starts the service as `make run` does (WORKERS workers, a fresh snapshot directory),
samples the proportional set size of all its processes every 0.1 s while it starts, then times
pages end to end over HTTP, one client, and starts it again on the same file.

    .venv/bin/python bench/big.py [--rows 10000000] [--workers 4] [--json test-output/bench-big.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import servers
from compare import WORKDIR, generated_csv

#: Pages timed on the running service (paths under its base URL).
DEEP_PAGE = "/expanses?page%5Bnumber%5D=400000&page%5Bsize%5D=20&sort=member_name"
CURSOR_WALKS = {
    "cursor walk, sort=member_name,-amount": "/expanses?sort=member_name,-amount&page%5Bsize%5D=20",
    "cursor walk, same with filter[departments]=IT": (
        "/expanses?sort=member_name,-amount&page%5Bsize%5D=20&filter%5Bdepartments%5D=IT"
    ),
}
WALK_PAGES = 20
#: A walk starts in cursor mode with the profile in Accept (docs/decisions/0006); links.next then carries cursors.
CURSOR_ACCEPT = 'application/vnd.api+json; profile="https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"'


class PssSampler:
    """The largest total PSS of the service's processes (master, workers, data check) seen so far."""

    def __init__(self, marker: str) -> None:
        self.peak_mb = 0.0
        self._marker = marker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_mb = max(self.peak_mb, service_pss_mb(self._marker))


def service_pss_mb(marker: str) -> float:
    """Summed PSS of the processes whose environment holds `marker` (this run's snapshot directory)."""
    total = 0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            environment = (process / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environment:
            total += servers._pss_kb(int(process.name))
    return total / 1024


def timed_get(url: str, accept: str = "application/vnd.api+json") -> tuple[float, dict[str, Any]]:
    began = time.monotonic()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=120) as answer:
        document = json.load(answer)
    return (time.monotonic() - began) * 1000, document


def start(csv: Path, workers: int, snapshots: Path) -> tuple[servers.Running, float]:
    env = {"WORKERS": str(workers), "EXPANSES_SNAPSHOT_DIR": str(snapshots), "RESPONSE_CACHE_MB": "0"}
    with PssSampler(f"EXPANSES_SNAPSHOT_DIR={snapshots}\0") as sampler:
        running = servers.start_ours(csv, env)
        time.sleep(1.0)  # the other workers finish starting
    return running, sampler.peak_mb


def pages(base: str) -> dict[str, Any]:
    """Milliseconds per page: a deep page[number] page (3 runs) and each page of the cursor walks."""
    deep = [timed_get(base + DEEP_PAGE)[0] for _ in range(3)]
    results: dict[str, Any] = {"deep page[number]=400000 (3 runs)": deep}
    for name, first in CURSOR_WALKS.items():
        url: str | None = base + first
        times = []
        try:
            while url and len(times) < WALK_PAGES:
                elapsed, document = timed_get(url, CURSOR_ACCEPT)
                times.append(elapsed)
                url = document["links"].get("next")
                assert url is None or "page%5Bafter%5D" in url or "page[after]" in url, url
        except urllib.error.HTTPError as error:
            results[name] = f"not served: {error.code}"
            continue
        results[name] = times
    return results


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.0f} ms, max {max(values):.0f} ms over {len(values)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    csv = generated_csv(args.rows, WORKDIR)
    report: dict[str, Any] = {"rows": args.rows, "workers": args.workers, "csv_mb": csv.stat().st_size / 1e6}
    with tempfile.TemporaryDirectory(prefix="expanses-big-") as scratch:
        snapshots = Path(scratch) / "snapshots"
        for run in ("new file", "unchanged file"):
            running, peak = start(csv, args.workers, snapshots)
            try:
                timed_get(running.base_url + "/expanses/1")  # a few answers, so steady memory includes serving
                figures: dict[str, Any] = {"first_answer_s": running.startup_s, "peak_pss_mb": peak}
                if run == "new file":
                    figures["pages_ms"] = pages(running.base_url)
                figures["pss_after_start_mb"] = running.pss_mb()
            finally:
                running.stop()
            report[run] = figures
            print(
                f"{run}: first answer {figures['first_answer_s']:.1f} s, peak PSS while starting {peak:.0f} MB, "
                f"PSS after start {figures['pss_after_start_mb']:.0f} MB (all processes)"
            )
            for name, values in figures.get("pages_ms", {}).items():
                print(f"  {name}: {summary(values) if isinstance(values, list) else values}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
