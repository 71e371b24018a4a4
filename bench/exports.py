"""Exports (issue 26): whole files as CSV against Datasette's streamed CSV, large sorted exports against
Polars' own writer, and pages answered while exports stream.

Why these three: an export is judged by how fast a whole file comes out (same rows, same machine,
Datasette with `_stream=on` and its size cap off, our service with one worker), by whether a large
filtered, sorted export starts at once and finishes near what Polars alone needs to write the
same rows, and by whether exports leave ordinary requests their workers (docs/decisions/0012-exports.md).

    .venv-bench/bin/python bench/exports.py [--rows 1000000] [--big-rows 10000000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import servers
from compare import BENCH_BIN, OURS_ENV, WORKDIR, _sqlite_copy, generated_csv

#: Polars alone (the service's venv) writing rows it holds in memory: read the export, time `write_csv`.
POLARS_WRITE = """
import sys, time, polars as pl
frame = pl.read_csv(sys.argv[1], schema_overrides={"amount": pl.String})
began = time.monotonic()
frame.write_csv(sys.argv[1] + ".again")
print(time.monotonic() - began)
"""
#: The large export raced against Polars: a filter and a two-key sort.
BIG_QUERY = "/expanses.csv?filter%5Bamount%5D%5Bgte%5D=2000&sort=member_name,-amount"


def fetch(url: str, sample: servers.Running | None = None) -> dict[str, float]:
    """Seconds to the first byte and to the last, bytes, and (with `sample`) its RSS growth in MB while streaming."""
    began = time.monotonic()
    before = sample.rss_mb()[1] if sample else 0.0
    peak = before
    size, first = 0, 0.0
    with urllib.request.urlopen(url, timeout=600) as answer:
        while piece := answer.read(1 << 20):
            if not size:
                first = time.monotonic() - began
            size += len(piece)
            if sample and size % (16 << 20) < (1 << 20):
                peak = max(peak, sample.rss_mb()[1])
    return {"first_s": first, "total_s": time.monotonic() - began, "mb": size / 1e6, "rss_growth_mb": peak - before}


def whole_file(rows: int) -> dict[str, Any]:
    csv = generated_csv(rows, WORKDIR)
    database, _ = _sqlite_copy(csv, WORKDIR)
    ours = servers.start_ours(csv, {**OURS_ENV["distinct"], "WORKERS": "1"})
    try:
        fetch(ours.base_url + "/expanses.csv?fields%5Bexpanses%5D=amount")  # maps the columns once
        own = [fetch(ours.base_url + "/expanses.csv", sample=ours) for _ in range(3)]
    finally:
        ours.stop()
    theirs = servers.start_datasette(
        database, BENCH_BIN / "datasette", {"max_csv_mb": "0", "sql_time_limit_ms": "600000"}
    )
    try:
        path = f"/{database.stem}/expanses.csv?_stream=on&_size=max"
        datasette = [fetch(theirs.base_url + path)]
    finally:
        theirs.stop()
    best_ours, best_theirs = min(own, key=lambda run: run["total_s"]), datasette[0]
    return {
        "rows": rows,
        "ours": best_ours,
        "datasette": best_theirs,
        "ratio": best_theirs["total_s"] / best_ours["total_s"],
        "ours_runs_s": [round(run["total_s"], 3) for run in own],
    }


def big_export(rows: int) -> dict[str, Any]:
    csv = generated_csv(rows, WORKDIR)
    ours = servers.start_ours(csv, OURS_ENV["distinct"])
    try:
        fetch(ours.base_url + "/expanses.csv?fields%5Bexpanses%5D=amount&filter%5Bamount%5D%5Bgte%5D=9999")
        runs = [fetch(ours.base_url + BIG_QUERY, sample=ours) for _ in range(2)]
        exported = WORKDIR / "export.csv"
        with urllib.request.urlopen(ours.base_url + BIG_QUERY, timeout=600) as answer:
            exported.write_bytes(answer.read())
        pages = pages_while_exporting(ours)
    finally:
        ours.stop()
    polars_s = float(
        subprocess.run(
            [str(servers.PROJECT_BIN / "python"), "-c", POLARS_WRITE, str(exported)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    exported.unlink()
    Path(f"{exported}.again").unlink()
    best = min(runs, key=lambda run: run["total_s"])
    return {
        "rows": rows,
        "query": BIG_QUERY,
        "ours": best,
        "polars_write_csv_s": polars_s,
        "ratio_to_polars": best["total_s"] / polars_s,
        "pages_while_exporting": pages,
    }


def pages_while_exporting(ours: servers.Running, seconds: float = 10) -> dict[str, Any]:
    """Two clients export the whole file over and over; a third asks for first pages with fresh filters."""
    stop = time.monotonic() + seconds
    outcomes: list[int] = []

    def export_loop() -> None:
        while time.monotonic() < stop:
            try:
                fetch(ours.base_url + "/expanses.csv")
                outcomes.append(200)
            except urllib.error.HTTPError as refused:
                refused.close()
                outcomes.append(refused.code)
                time.sleep(0.2)

    exporters = [threading.Thread(target=export_loop) for _ in range(2)]
    for thread in exporters:
        thread.start()
    latencies = []
    threshold = 0
    while time.monotonic() < stop:
        threshold = (threshold + 37) % 9000
        began = time.monotonic()
        url = f"{ours.base_url}/expanses?page%5Bsize%5D=20&filter%5Bamount%5D%5Bgte%5D={threshold + 4}"
        with urllib.request.urlopen(url, timeout=60) as answer:
            answer.read()
        latencies.append((time.monotonic() - began) * 1000)
    for thread in exporters:
        thread.join()
    latencies.sort()
    return {
        "pages": len(latencies),
        "median_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "max_ms": latencies[-1],
        "exports_answered": outcomes.count(200),
        "exports_refused_429": outcomes.count(429),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    result = {"whole_file": whole_file(args.rows)}
    print(json.dumps(result, indent=1), flush=True)
    result["big_export"] = big_export(args.big_rows)
    print(json.dumps(result["big_export"], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
