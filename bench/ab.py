"""Our service at another commit against this checkout, in turns under the same load: what a change bought.

Why: between two runs on this shared machine throughput varies by ±20%, so a change is judged
by the ratio of two servers measured alternately in one run, not by two runs. `--base` (any
git revision) is extracted with `git archive` into a temporary directory and served with this
checkout's venv; both servers run at once on the same generated CSV, as shipped but with the
answer memory off, and each race query (bench/queries.py) is driven with fresh parameters,
`--runs` times, the servers alternating. The ratio is this checkout's mean req/s over the base's.

    .venv-bench/bin/python bench/ab.py --base main [--rows 149 1000000 10000000] [--seconds 10] [--runs 2]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import servers
import wrk
from compare import OURS_ENV, REPO, WORKDIR, generated_csv
from queries import RACES


def extract(revision: str, folder: Path) -> str:
    """The tree of `revision` under `folder`; its short commit id."""
    commit = subprocess.run(["git", "rev-parse", "--short", revision], cwd=REPO, capture_output=True, text=True)
    archive = subprocess.run(["git", "archive", revision], cwd=REPO, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return commit.stdout.strip()


def race_size(rows: int, base: Path, this: Path, load: wrk.Load, runs: int, races: list[str]) -> None:
    """Print a markdown row per query: its req/s on the base and on this tree, and their ratio."""
    csv = generated_csv(rows, WORKDIR)
    env = OURS_ENV["distinct"]
    pair: dict[str, servers.Running] = {}
    try:  # a server that fails to start stops the one already running
        pair["base"] = servers.start_ours(csv, env, code=base)
        pair["this"] = servers.start_ours(csv, env, code=this)
        for race in (race for race in RACES if race.name in races):
            script = WORKDIR / f"ab-{rows}-{race.name}.lua"
            script.write_text(wrk.lua_script(race.ours, rows, None, seed=rows))
            warm = wrk.Load(load.threads, load.connections, max(1, load.seconds // 5))
            for server in pair.values():
                wrk.run(server.base_url, str(script), warm)
            rates: dict[str, list[float]] = {"base": [], "this": []}
            for run in range(runs):
                for name in ("base", "this") if run % 2 == 0 else ("this", "base"):
                    rates[name].append(wrk.run(pair[name].base_url, str(script), load).per_second)
            base_mean, this_mean = statistics.fmean(rates["base"]), statistics.fmean(rates["this"])
            line = (
                f"| {rows:,} | {race.label} | {base_mean:,.0f} | {this_mean:,.0f} | {this_mean / base_mean:.2f}x | "
                + ", ".join(f"{b:,.0f}/{t:,.0f}" for b, t in zip(rates["base"], rates["this"], strict=True))
                + " |"
            )
            print(line, flush=True)
    finally:
        for server in pair.values():
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision to compare against")
    parser.add_argument("--base-dir", type=Path, help="a source tree to compare against instead of --base")
    parser.add_argument("--this-dir", type=Path, default=REPO, help="the source tree measured (default: this one)")
    parser.add_argument("--rows", type=int, nargs="+", default=[149, 1_000_000])
    parser.add_argument("--races", nargs="+", default=[race.name for race in RACES])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    load = wrk.Load(seconds=args.seconds)
    with tempfile.TemporaryDirectory(prefix="expanses-ab-") as folder:
        base = args.base_dir or Path(folder)
        name = str(args.base_dir) if args.base_dir else f"{args.base} ({extract(args.base, base)})"
        print(
            f"base {name} against {args.this_dir}; wrk -t{load.threads} -c{load.connections} "
            f"-d{load.seconds}s, {args.runs} runs each, servers alternating, answer memory off\n"
        )
        print("| rows | query | base req/s | this req/s | ratio | runs (base/this) |")
        print("|---:|---|---:|---:|---:|---|", flush=True)
        for rows in args.rows:
            race_size(rows, base, args.this_dir, load, args.runs, args.races)
    return 0


if __name__ == "__main__":
    sys.exit(main())
