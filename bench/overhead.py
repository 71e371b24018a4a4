"""`make bench-overhead`: the fixed cost of a request, as shares of bare Flask's req/s, measured side by side.

Why: issue 22 asks how much of a request is ours (hooks, routing, rendering) against the floor
any Flask service stands on: `bench/bare_flask.py`, a precomputed body, under the same gunicorn
with 2 sync workers. The servers run at once on the generated 149-row CSV, ours as shipped but
with the answer memory off (every answer computed); each path draws fresh parameters per
request (bench/wrk.py). Each round times every path on each server back to back, bare Flask
beside it, the servers' order turning by round; a share is our req/s over bare Flask's in the
same round, and the reported share is the median of the rounds' (the machine's noise moves a
whole round, not one server of it). `--base REV` also races another commit of the service
(extracted as bench/ab.py does), so before and after are measured in the same run.

    .venv-bench/bin/python bench/overhead.py [--rows 149] [--seconds 2] [--rounds 8] [--base REV] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import servers
import wrk
from ab import extract
from compare import OURS_ENV, WORKDIR, fill, generated_csv
from queries import RACES


@dataclass(frozen=True)
class Probe:
    """One path of ours, its goal as a share of bare Flask (issue 22), and its wrk template."""

    name: str
    label: str
    template: str
    goal: float


def _race(name: str) -> str:
    return next(race.ours for race in RACES if race.name == name)


PROBES = (
    Probe("health", "/health", "/health", 0.85),
    Probe("single", "/expanses/{id}", _race("single"), 0.75),
    Probe("list", "list, one page", _race("list"), 0.50),
    Probe("filter_sort", "filter + sort + page", _race("filter_sort"), 0.50),
    Probe("aggregate", "/aggregates by department", _race("aggregate"), 0.50),
)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    load = wrk.Load(threads=args.threads, connections=args.connections, seconds=args.seconds)
    warm = wrk.Load(args.threads, args.connections, 1)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    scripts = {"bare": WORKDIR / "overhead-bare.lua"}
    scripts["bare"].write_text(wrk.lua_script("/", 1, {}, seed=1))
    for probe in PROBES:
        scripts[probe.name] = WORKDIR / f"overhead-{args.rows}-{probe.name}.lua"
        scripts[probe.name].write_text(wrk.lua_script(probe.template, args.rows, None, seed=args.rows))
    csv = generated_csv(args.rows, WORKDIR)
    running: dict[str, servers.Running] = {}
    # per path, per server: one req/s per round; bare Flask's beside each
    rates: dict[str, dict[str, list[float]]] = {probe.name: {} for probe in PROBES}
    with tempfile.TemporaryDirectory() as folder:
        try:  # a server that fails to start stops the ones already running
            running["bare"] = servers.start_bare_flask()
            running["ours"] = servers.start_ours(csv, OURS_ENV["distinct"])
            if args.base:
                base_commit = extract(args.base, Path(folder))
                running["base"] = servers.start_ours(csv, OURS_ENV["distinct"], code=Path(folder))
                print(f"base: {args.base} ({base_commit})", flush=True)
            for name in ("ours", "base"):
                if name in running:
                    _check_answers(running[name].base_url)
            wrk.run(running["bare"].base_url, str(scripts["bare"]), warm)
            for probe in PROBES:
                for name in ("ours", "base"):
                    if name in running:
                        wrk.run(running[name].base_url, str(scripts[probe.name]), warm)
            names = list(running)
            for round_number in range(args.rounds):
                turns = names[round_number % len(names) :] + names[: round_number % len(names)]
                for probe in PROBES:
                    for name in turns:
                        script = scripts["bare" if name == "bare" else probe.name]
                        measure = wrk.run(running[name].base_url, str(script), load)
                        if measure.failures:
                            raise RuntimeError(f"{name} failed {measure.failures} requests on {probe.name}")
                        rates[probe.name].setdefault(name, []).append(measure.per_second)
                    got = {name: rates[probe.name][name][-1] for name in names}
                    print(
                        f"round {round_number + 1} {probe.name:<12} "
                        + "  ".join(f"{name} {rate:6.0f}" for name, rate in got.items())
                        + "  share "
                        + " ".join(f"{name} {got[name] / got['bare']:5.1%}" for name in names if name != "bare"),
                        flush=True,
                    )
        finally:
            for server in running.values():
                server.stop()
    results = _results(rates, args)
    print(_table(results))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(f"results: {args.json}")
    return 0


def _check_answers(base_url: str) -> None:
    """Every path answers 200 with its fixed values before any timing (a 400 would time an error page)."""
    fixed = {"id": "17", "size": "20", "number": "1", "x": "1400.00", "m": "Sam"}
    for probe in PROBES:
        path = fill(probe.template, fixed)
        with urllib.request.urlopen(base_url + path, timeout=30) as answer:
            if answer.status != 200:
                raise RuntimeError(f"our API answers {answer.status} to {path}")


def _results(rates: dict[str, dict[str, list[float]]], args: argparse.Namespace) -> dict[str, Any]:
    """Per path and server: req/s of each round, and the share of bare Flask (median of the rounds' shares)."""
    probes = []
    for probe in PROBES:
        bare = rates[probe.name]["bare"]
        entry: dict[str, Any] = {"name": probe.name, "label": probe.label, "goal": probe.goal, "bare": bare}
        for name, own in rates[probe.name].items():
            if name == "bare":
                continue
            shares = [mine / theirs for mine, theirs in zip(own, bare, strict=True)]
            share = statistics.median(shares)
            entry[name] = {"per_second": own, "shares": shares, "share": share, "met": share >= probe.goal}
        probes.append(entry)
    load = {"threads": args.threads, "connections": args.connections, "seconds": args.seconds}
    return {"rows": args.rows, "rounds": args.rounds, "base": args.base, "load": load, "probes": probes}


def _table(results: dict[str, Any]) -> str:
    servers_shown = [name for name in ("base", "ours") if name in results["probes"][0]]
    head = "| path | bare Flask req/s | " + " | ".join(f"{name} req/s | {name} share (range)" for name in servers_shown)
    lines = [head + " | goal |", "|---|---:|" + "---:|---|" * len(servers_shown) + "---|"]
    for probe in results["probes"]:
        cells = [probe["label"], f"{statistics.fmean(probe['bare']):,.0f}"]
        for name in servers_shown:
            own = probe[name]
            cells.append(f"{statistics.fmean(own['per_second']):,.0f}")
            cells.append(f"{own['share']:.0%} ({min(own['shares']):.0%}–{max(own['shares']):.0%})")
        verdict = "met" if probe["ours"]["met"] else "**missed**"
        cells.append(f"≥{probe['goal']:.0%}: {verdict}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=149)
    parser.add_argument("--seconds", type=int, default=2, help="wrk duration per measurement")
    parser.add_argument("--rounds", type=int, default=8, help="rounds: every path on every server, the order turning")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--base", help="also race this git revision of the service (extracted, this venv)")
    parser.add_argument("--json", help="write the results here")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
