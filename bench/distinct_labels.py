"""A file whose every row has its own member, project and department: the hostile text query's time and memory.

Why: issue 23 found text filters decided per distinct label in Python (6.7 s for one query on
1,000,000 distinct labels, 310 MB of decoded labels in each worker). This writes such a file,
serves it as `make run` does (2 workers, answer memory off), sends the review's query (`in` and
`nin` of 100 values, `contains`, `starts_with`, `ne`, `gte` on each text field; about 3.5 KB) with
fresh values to `/expanses` and `/aggregates`, and reads each worker's private memory
(Private_Dirty of /proc/PID/smaps_rollup: what no other process shares) after start and after.

    cd bench && ../.venv/bin/python distinct_labels.py [--rows 1000000] [--queries 7] [--code OTHER_TREE]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import servers

WORKDIR = Path("/tmp/expanses-bench")
FIELDS = ("departments", "project_name", "member_name")


def write(path: Path, rows: int) -> None:
    rng = random.Random(23)
    with path.open("w", encoding="utf-8") as out:
        out.write("departments,project_name,amount,date,member_name\n")
        for row in range(rows):
            out.write(
                f"d{row:07d},p{row:07d},{rng.randint(1, 999_999) / 100:.2f},{rng.randint(1, 12)}/1/2021,m{row:07d}\n"
            )


def query(rng: random.Random, rows: int) -> str:
    """The review's query, fresh values each time: every text operator on every text field."""
    parts = []
    for field in FIELDS:
        letter = field[0]
        picked = [f"{letter}{rng.randrange(rows):07d}" for _ in range(200)]
        parts += [
            (f"filter[{field}][in]", ",".join(picked[:100])),
            (f"filter[{field}][nin]", ",".join(picked[100:])),
            (f"filter[{field}][contains]", f"{rng.randrange(10)}"),
            (f"filter[{field}][starts_with]", letter),
            (f"filter[{field}][ne]", f"{letter}{rng.randrange(rows):07d}"),
            (f"filter[{field}][gte]", f"{letter}{rng.randrange(rows // 2):07d}"),
        ]
    return urllib.parse.urlencode(parts)


def private_mb(pid: int) -> float:
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    return next(int(line.split()[1]) for line in lines if line.startswith("Private_Dirty:")) / 1024


def workers(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=7)
    parser.add_argument("--code", type=Path, default=servers.REPO, help="the source tree to serve (another commit's)")
    args = parser.parse_args(argv)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    csv = WORKDIR / f"distinct-{args.rows}.csv"
    if not csv.exists():
        write(csv, args.rows)
    server = servers.start_ours(csv, {"RESPONSE_CACHE_MB": "0", "WORKERS": "2"}, code=args.code)
    try:
        pids = workers(server.process.pid)
        for _ in pids:  # every worker answers once, so each has imported what a query needs
            urllib.request.urlopen(server.base_url + "/expanses/1", timeout=60).close()
        print(
            f"{args.rows:,} rows, started in {server.startup_s:.1f} s; private MB after start:",
            [round(private_mb(pid)) for pid in pids],
        )
        rng = random.Random(1)
        for path in ("/expanses", "/aggregates?group_by=member_name,project_name&"):
            times = []
            for _ in range(args.queries):
                url = f"{server.base_url}{path}{'&' if '?' in path else '?'}{query(rng, args.rows)}".replace("&&", "&")
                began = time.perf_counter()
                with urllib.request.urlopen(url, timeout=120) as answer:
                    answer.read()
                times.append((time.perf_counter() - began) * 1000)
            print(
                f"{path.split('?')[0]}: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
                f"(query {len(url) - len(server.base_url)} bytes)"
            )
        print("private MB after the queries:", [round(private_mb(pid)) for pid in pids])
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
