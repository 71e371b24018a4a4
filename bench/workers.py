"""Measure gunicorn worker models on the race's distinct queries: the evidence for docs/decisions/0005-workers.md.

Why: the worker class, the number of workers and threads decide throughput and tail latency
on a small machine; this starts the service as shipped with each candidate setting (through
the WORKERS, WORKER_CLASS and THREADS variables the gunicorn config reads) and drives it
with the same wrk scripts as `compare.py`.

    .venv-bench/bin/python bench/workers.py [--rows 149 1000000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import servers
import wrk
from compare import WORKDIR, generated_csv
from queries import RACES

CANDIDATES = (
    {"WORKERS": "2", "WORKER_CLASS": "sync", "THREADS": "1"},
    {"WORKERS": "2", "WORKER_CLASS": "sync", "THREADS": "1", "POLARS_MAX_THREADS": "1"},
    {"WORKERS": "3", "WORKER_CLASS": "sync", "THREADS": "1"},
    {"WORKERS": "4", "WORKER_CLASS": "sync", "THREADS": "1"},
    {"WORKERS": "2", "WORKER_CLASS": "gthread", "THREADS": "4"},
)
RACE_NAMES = ("list", "filter_sort", "single", "aggregate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[149, 1_000_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workdir", default=str(WORKDIR))
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    load = wrk.Load(seconds=args.seconds)
    columns = " | ".join(f"{name} req/s (p99 ms)" for name in RACE_NAMES)
    print(f"| rows | workers | class | threads | Polars threads | {columns} | RSS MB |")
    print("|---" * (6 + len(RACE_NAMES)) + "|")
    for rows in args.rows:
        csv_path = generated_csv(rows, workdir)
        for candidate in CANDIDATES:
            server = servers.start_ours(csv_path, candidate)
            try:
                cells = []
                for race in (race for race in RACES if race.name in RACE_NAMES):
                    script = workdir / f"workers-{rows}-{race.name}.lua"
                    script.write_text(wrk.lua_script(race.ours, rows, None, seed=rows))
                    wrk.run(server.base_url, str(script), wrk.Load(seconds=max(1, args.seconds // 5)))
                    measure = wrk.run(server.base_url, str(script), load)
                    cells.append(f"{measure.per_second:,.0f} ({measure.p99_ms:.0f})")
                _, total = server.rss_mb()
            finally:
                server.stop()
            print(
                f"| {rows:,} | {candidate['WORKERS']} | {candidate['WORKER_CLASS']} | {candidate['THREADS']} | "
                f"{candidate.get('POLARS_MAX_THREADS', 'all cores')} | " + " | ".join(cells) + f" | {total:.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
