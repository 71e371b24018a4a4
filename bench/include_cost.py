"""What `include=member,department,project` adds to a page of 20, and what /members costs, in one process.

Why: issue 24's budgets are that a page of 20 with all three includes costs at most 25% more than
the same page without, uncached, at 149 and 1,000,000 rows, and that `/members` and
`/members/{id}` answer in 20 ms at 10,000,000 rows. This maps the service's snapshot of a CSV as
a worker does and calls the whole WSGI app with the answer memory off (everything but gunicorn
and the network), each call on a fresh page number (the race's distinct regime). The paired
queries are interleaved call by call, so the machine's drift (it is shared) falls on both alike.
Median and 90th percentile per call, in microseconds, and the include's ratio of medians.

    .venv/bin/python bench/include_cost.py --csv /tmp/expanses-bench/expanses-149.csv [--calls 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine_calls import write_snapshot  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from service.app import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.data import snapshot  # noqa: E402

INCLUDE = "member,department,project"


def environ(target: str) -> dict[str, Any]:
    path, _, query = target.partition("?")
    return EnvironBuilder(path=path, query_string=query, base_url="http://127.0.0.1:8000").get_environ()


def get(app: Any, target: str) -> bytes:
    status: list[str] = []
    body = b"".join(app(environ(target), lambda answer, headers, *_: status.append(answer)))
    assert status[0].startswith("200"), (target, status, body[:300])
    return body


def timed(app: Any, targets: list[str]) -> Callable[[int], float]:
    """A call timing request `i` (of `targets`, in turn), environment built outside the timing."""
    environs = [environ(target) for target in targets]

    def call(i: int) -> float:
        status: list[str] = []
        env = dict(environs[i % len(environs)])
        began = time.perf_counter()
        b"".join(app(env, lambda answer, headers, *_: status.append(answer)))
        spent = (time.perf_counter() - began) * 1e6
        assert status[0].startswith("200"), status
        return spent

    return call


def run(pairs: dict[str, Callable[[int], float]], calls: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in pairs}
    for i in range(max(20, calls // 10)):  # warm-up
        for call in pairs.values():
            call(i)
    for i in range(calls):
        for name, call in pairs.items():
            samples[name].append(call(i))
    return samples


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(len(ordered) * 0.9)]
    return f"{name:<46} median {statistics.median(values):9.0f}  p90 {p90:9.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--skip-include", action="store_true", help="only /members and /members/{id}")
    args = parser.parse_args(argv)
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "snapshot.arrow"
        began = time.perf_counter()
        write_snapshot(args.csv, path)
        with path.open("rb") as mapped:
            app = create_app(Settings(csv_path=args.csv, snapshot_fd=mapped.fileno(), response_cache_mb=0))
            rows = len(snapshot.read(mapped.fileno()))
            print(f"{args.csv.name}: {rows:,} rows, snapshot and app in {time.perf_counter() - began:.1f} s")
            members = [item["id"] for item in json.loads(get(app, "/members?page[size]=1000"))["data"]]
            pages = [rng.randint(1, -(-rows // 20)) for _ in range(500)]
            chosen = [quote(rng.choice(members), safe="") for _ in range(500)]
            print(f"{args.calls} calls each, interleaved, microseconds per call, answer memory off")
            if not args.skip_include:
                plain = [f"/expanses?page[number]={n}&page[size]=20" for n in pages]
                samples = run(
                    {
                        "page of 20": timed(app, plain),
                        f"page of 20, include={INCLUDE}": timed(app, [f"{t}&include={INCLUDE}" for t in plain]),
                    },
                    args.calls,
                )
                for name, values in samples.items():
                    print(line(name, values))
                without, with_include = (statistics.median(values) for values in samples.values())
                print(f"include costs {100 * (with_include / without - 1):+.0f}% (ratio of medians)")
            samples = run(
                {
                    "/members": timed(app, ["/members"]),
                    "/members/{id}": timed(app, [f"/members/{m}" for m in chosen]),
                    "/members/{id}/expanses": timed(app, [f"/members/{m}/expanses" for m in chosen]),
                },
                args.calls,
            )
            for name, values in samples.items():
                print(line(name, values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
