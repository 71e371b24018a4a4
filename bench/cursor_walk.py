"""End-to-end time of each page of a cursor walk on /expanses, against the service as shipped.

Why: the cursor pagination issue sets a target per page (at most 150 ms, 20 per page, sort
`member_name,-amount`, with and without a filter, on 10,000,000 rows). This starts gunicorn
with the repo's config on a CSV, walks `links.next` from the first page (asked for with the
profile in Accept) and back by `links.prev`, and times every request from the client's side.
Pages by number are timed alongside for comparison (page 1, and as deep as the walk went).

    .venv/bin/python bench/cursor_walk.py --csv /tmp/expanses-bench/expanses-1000000.csv [--pages 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.servers import start_ours  # noqa: E402

PROFILE = "https://jsonapi.org/profiles/ethanresnick/cursor-pagination/"
SORT = "member_name,-amount"
FILTERS = {"no filter": "", "amount >= 1400": "filter[amount][gte]=1400", "department IT": "filter[departments]=IT"}


def timed_get(url: str, accept: str | None = None) -> tuple[float, dict[str, Any]]:
    """Milliseconds from sending the request to having the whole body, and the document."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
    elapsed = (time.perf_counter() - began) * 1000
    document: dict[str, Any] = json.loads(body)
    return elapsed, document


def walk(base: str, query: str, pages: int) -> dict[str, list[float]]:
    first = f"{base}/expanses?sort={SORT}&{query}&page[size]=20"
    forward, backward = [], []
    ms, page = timed_get(first, f'application/vnd.api+json; profile="{PROFILE}"')
    forward.append(ms)
    while page["links"]["next"] and len(forward) < pages:
        ms, page = timed_get(page["links"]["next"])
        forward.append(ms)
    while page["links"]["prev"] and len(backward) < pages - 1:
        ms, page = timed_get(page["links"]["prev"])
        backward.append(ms)
    by_number = [timed_get(f"{first}&page[number]={number}")[0] for number in (1, 1, len(forward), len(forward))]
    return {"forward": forward, "backward": backward, "by_number_first": by_number[:2], "by_number_deep": by_number[2:]}


def summary(times: list[float]) -> str:
    if not times:
        return "-"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.1f}, p95 {p95:.1f}, max {ordered[-1]:.1f} ms (n={len(ordered)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--workers", default="1", help="gunicorn workers (1: the walk is one client, sequential)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    server = start_ours(args.csv, {"WORKERS": args.workers, "RESPONSE_CACHE_MB": "0"})
    try:
        print(f"{args.csv}: first answer after {server.startup_s:.1f} s; load average {os.getloadavg()[0]:.2f}")
        results = {name: walk(server.base_url, query, args.pages) for name, query in FILTERS.items()}
        rss = server.rss_mb()
    finally:
        server.stop()
    print("load average (1, 5, 15 min) after the walks: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for name, times in results.items():
        print(f"sort={SORT}, 20 per page, {name}:")
        for part, values in times.items():
            print(f"  {part:16} {summary(values)}")
    print(f"RSS: largest process {rss[0]:.0f} MB, all {rss[1]:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"csv": str(args.csv), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
