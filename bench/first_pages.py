"""First pages as the file grows: issue 22's three sorted queries over HTTP, from 149 rows to ten million.

Why: a first page should cost a page's worth of rows, not the file's (decision 0010). For each
size this serves the generated CSV with this checkout and with `--base` (any git revision,
extracted as bench/ab.py does), both as shipped with the answer memory off, and asks each query
`--requests` times with a fresh amount threshold each time, one request at a time on one
keep-alive connection, the servers taking turns. It prints the median milliseconds and, with
`--chart`, draws them (docs/performance.md, "First pages as the file grows").

    .venv-bench/bin/python bench/first_pages.py --base e389b1b [--rows 149 10000 1000000 10000000] \
        [--chart docs/first-pages.png]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import servers
from ab import extract
from compare import OURS_ENV, REPO, WORKDIR, generated_csv

#: Issue 22's queries; `{x}` is an amount drawn afresh for every request.
QUERIES = {
    "member + amount ≥ x, by -amount": "/expanses?filter[member_name]=Sam&filter[amount][gte]={x}&sort=-amount",
    "amount ≤ x, by -amount": "/expanses?filter[amount][lte]={x}&sort=-amount",
    "amount ≥ x, by date,-amount": "/expanses?filter[amount][gte]={x}&sort=date,-amount",
}


def timed_pages(base_url: str, template: str, requests: int, rng: random.Random) -> float:
    """The median milliseconds of `requests` first pages, each with a new threshold."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=60)
    times = []
    for _ in range(requests):
        path = template.format(x=f"{rng.randint(4, 9_999)}.00").replace("[", "%5B").replace("]", "%5D")
        began = time.perf_counter()
        connection.request("GET", path, headers={"Accept": "application/vnd.api+json"})
        answer = connection.getresponse()
        answer.read()
        times.append((time.perf_counter() - began) * 1000)
        if answer.status != 200:
            raise RuntimeError(f"{path}: {answer.status}")
    connection.close()
    return statistics.median(times)


def measure(rows: int, trees: dict[str, Path], requests: int) -> dict[str, dict[str, float]]:
    csv = generated_csv(rows, WORKDIR) if rows != 149 else REPO / "data" / "expanses.csv"
    running: dict[str, servers.Running] = {}
    try:
        for name, tree in trees.items():
            running[name] = servers.start_ours(csv, OURS_ENV["distinct"], code=tree)
        result: dict[str, dict[str, float]] = {name: {} for name in trees}
        for label, template in QUERIES.items():
            for name in trees:  # one warm-up page each: the first request maps the columns
                timed_pages(running[name].base_url, template, 3, random.Random(0))
            halves: dict[str, list[float]] = {name: [] for name in trees}
            for turn in range(2):
                order = list(trees) if turn == 0 else list(reversed(trees))
                for name in order:
                    halves[name].append(timed_pages(running[name].base_url, template, requests, random.Random(turn)))
            for name in trees:
                result[name][label] = round(statistics.fmean(halves[name]), 2)
            print(rows, label, {name: result[name][label] for name in trees}, flush=True)
        return result
    finally:
        for server in running.values():
            server.stop()


def chart(results: dict[int, dict[str, dict[str, float]]], names: dict[str, str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5))
    sizes = sorted(results)
    for label, color in zip(QUERIES, ("tab:blue", "tab:orange", "tab:green"), strict=True):
        for name, style in zip(names, ("--", "-"), strict=True):
            times = [results[rows][name][label] for rows in sizes]
            axes.plot(sizes, times, style, color=color, marker="o", label=f"{label} ({names[name]})")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("rows in the file")
    axes.set_ylabel("ms per first page (median, loopback)")
    axes.set_title("First page of 20, answer memory off")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--rows", type=int, nargs="+", default=[149, 10_000, 100_000, 1_000_000, 10_000_000])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--chart", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--redraw", type=Path, help="draw --chart from an earlier --json, measuring nothing")
    args = parser.parse_args(argv)
    if args.redraw:
        earlier = json.loads(args.redraw.read_text())
        chart({int(rows): result for rows, result in earlier["results"].items()}, earlier["names"], args.chart)
        return 0
    WORKDIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        commit = extract(args.base, Path(folder))
        trees = {"base": Path(folder), "this": REPO}
        names = {"base": f"before, {commit}", "this": "this checkout"}
        results = {rows: measure(rows, trees, args.requests) for rows in args.rows}
    print(f"| rows | query | {names['base']} ms | {names['this']} ms |")
    print("|---:|---|---:|---:|")
    for rows, result in results.items():
        for label in QUERIES:
            print(f"| {rows:,} | {label} | {result['base'][label]:.1f} | {result['this'][label]:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"names": names, "results": results}, indent=1))
    if args.chart:
        chart(results, names, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
