"""`make bench`: our API against Datasette and DJA on the same rows, same machine, same wrk settings.

Why: the performance issue asks for a repeatable race with honest regimes, and issue 24 adds
django-rest-framework-json-api (DJA, `bench/drf_peer/`) as a second peer. For each data size
this generates the CSV (seed 1, never committed), loads the same rows into SQLite twice: with
sqlite-utils for Datasette and with Django's migrations and ORM for DJA (both with indexes on
every filter and sort column and on (member_name, amount), as a user tuning for these queries
would make; ANALYZE'd), starts the servers on loopback, checks that every server finds every
query and that DJA's pages hold our ids in our order (`check_answers`), warms them, then runs
every query in each regime, servers in turns, `--runs` times each: first fresh parameters with
our answer memory off (every answer computed: the regime the targets are about), then the
issue's query repeated with the service as shipped. It also measures the bare-Flask ceiling.
Results go to a JSON file; `--report` rewrites the tables of docs/performance.md and the chart
beside it.

    .venv-bench/bin/python bench/compare.py [--rows 149 1000000] [--seconds 10] [--runs 2] [--report]
    .venv-bench/bin/python bench/compare.py --smoke     # a few seconds: the harness still works
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import servers
import wrk
from queries import ALL_RACES, MEMBERS, PENDING, REPEATED, Race

REPO = Path(__file__).resolve().parents[1]
BENCH_BIN = Path(sys.executable).parent
#: Generated CSV files, SQLite copies and wrk scripts (never committed).
WORKDIR = Path(tempfile.gettempdir()) / "expanses-bench"
#: How our server runs in each regime. With fresh parameters it remembers no answer, so every
#: answer is computed even where the answers are few (149 single records); the repeated
#: regime is the shipped configuration, answering from each worker's memory.
OURS_ENV = {"distinct": {"RESPONSE_CACHE_MB": "0"}, "repeated": {}}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    load = wrk.Load(threads=args.threads, connections=args.connections, seconds=args.seconds)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ours_env = dict(item.split("=", 1) for item in args.ours_env)
    results: dict[str, Any] = {
        "machine": _machine(),
        "load": vars(load),
        "runs": args.runs,
        "ours_env": ours_env,
        "sizes": [],
    }
    ceiling: list[dict[str, Any]] = []
    if not args.skip_ceiling:  # before and after the race: the machine's state drifts
        ceiling.append(_ceiling(load, max(1, args.runs // 2), workdir))
    for rows in args.rows:
        results["sizes"].append(_race_size(rows, workdir, load, args, ours_env))
    if not args.skip_ceiling:
        ceiling.append(_ceiling(load, max(1, args.runs - args.runs // 2), workdir))
        results["ceiling"] = {key: [value for part in ceiling for value in part[key]] for key in ceiling[0]}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {args.json}")
    # Datasette answers an error past its SQL time limit (1 s by default): reported, not ours to fix.
    ours = [m for size in results["sizes"] for m in size["measures"] if m["server"] == "expanses"]
    failures = [m for m in ours if m["failures"] or not m["requests"]]
    for measure in failures:
        print(f"FAILED or no requests: {measure}", file=sys.stderr)
    # DJA has no time limit: an error there is a setup fault of the peer, shown in the tables, not ours to fail on.
    for measure in (m for size in results["sizes"] for m in size["measures"] if m["server"] == "drf"):
        if measure["failures"] or not measure["requests"]:
            print(f"DJA errors or no requests: {measure}", file=sys.stderr)
    if args.report:
        import report

        report.write(results, REPO / "docs" / "performance.md", REPO / "docs" / "performance-bench.png")
    return 1 if failures else 0


def _race_size(
    rows: int, workdir: Path, load: wrk.Load, args: argparse.Namespace, ours_env: dict[str, str]
) -> dict[str, Any]:
    csv_path = generated_csv(rows, workdir)
    database, sqlite_seconds = _sqlite_copy(csv_path, workdir)
    print(f"{rows} rows: SQLite copy built in {sqlite_seconds:.1f} s", flush=True)
    drf_database, drf_seconds = _drf_copy(csv_path, workdir)
    print(f"{rows} rows: DJA's SQLite copy built in {drf_seconds:.1f} s", flush=True)
    size: dict[str, Any] = {"rows": rows, "sqlite_build_s": sqlite_seconds, "drf_build_s": drf_seconds, "measures": []}
    scripts = _scripts(rows, workdir)
    warm = wrk.Load(load.threads, load.connections, max(1, load.seconds // 5))
    peers: list[servers.Running] = []
    try:
        peers.append(servers.start_datasette(database, BENCH_BIN / "datasette"))
        peers.append(servers.start_drf(drf_database, BENCH_BIN))
        for peer in peers:
            for race in ALL_RACES if not args.smoke else ():
                if peer.name in race.paths():
                    wrk.run(peer.base_url, scripts[(race.name, peer.name, "distinct")], warm)
        for regime in args.regimes:  # one server of ours per regime: the distinct one remembers nothing
            ours = servers.start_ours(csv_path, {**ours_env, **OURS_ENV[regime]})
            try:
                answered = check_answers(ours, peers, rows)
                for race in answered if not args.smoke else ():
                    wrk.run(ours.base_url, scripts[(race.name, ours.name, "distinct")], warm)
                for race in ALL_RACES:
                    running = [server for server in (ours, *peers) if server.name in race.paths()]
                    if race not in answered:
                        running.remove(ours)
                    _race(size, race.name, regime, running, scripts, load, args.runs)
                largest, total = ours.rss_mb()
            finally:
                ours.stop()
            size[f"expanses {regime}"] = {"startup_s": ours.startup_s, "rss_largest_mb": largest, "rss_total_mb": total}
        for peer in peers:
            largest, total = peer.rss_mb()
            size[peer.name] = {"startup_s": peer.startup_s, "rss_largest_mb": largest, "rss_total_mb": total}
    finally:
        for peer in peers:
            peer.stop()
    return size


def _race(
    size: dict[str, Any],
    race: str,
    regime: str,
    running: list[servers.Running],
    scripts: dict[tuple[str, str, str], str],
    load: wrk.Load,
    runs: int,
) -> None:
    """`runs` wrk runs of one query on each server that asks it, servers in turns (each run starts with
    the next one); each run appended to `size`."""
    for run in range(runs):
        for server in running[run % len(running) :] + running[: run % len(running)]:
            measure = wrk.run(server.base_url, scripts[(race, server.name, regime)], load)
            row = {"race": race, "regime": regime, "server": server.name, "run": run + 1}
            row.update(vars(measure), per_second=measure.per_second)
            size["measures"].append(row)
            print(
                f"{size['rows']:>8} {race:<12} {regime:<9} {server.name:<9} run {run + 1}: "
                f"{measure.per_second:8.0f} req/s  p50 {measure.p50_ms:7.1f} ms  "
                f"p99 {measure.p99_ms:7.1f} ms  failures {measure.failures}",
                flush=True,
            )


#: Fresh draws per query in the equivalence check, besides the repeated regime's values.
CHECK_DRAWS = 4


def check_answers(ours: servers.Running, peers: list[servers.Running], rows: int) -> list[Race]:
    """Before any timing: every server finds each query, and DJA's answers are ours.

    Each query is asked of every server that has a path for it, with the repeated regime's values
    and with a few fresh draws (as wrk's Lua draws them). DJA must answer 200 with the ids of our
    primary data in our order and, with `include=`, the same included resources. Datasette must
    not answer 404 (a missing database or table: its answers past its SQL time limit are errors
    the tables count). Returns the races our API answers: all but a PENDING one that ours refuses
    with a 400 (issue 24's include= before it lands), which is then raced on the peers only.
    """
    draws = random.Random(rows)
    by_name = {server.name: server for server in (ours, *peers)}
    answered = []
    for race in ALL_RACES:
        paths = race.paths()
        ours_answers = True
        for fixed in [REPEATED, *(_draw(draws, rows) for _ in range(CHECK_DRAWS))]:
            got = {name: _get(by_name[name].base_url + fill(path, fixed)) for name, path in paths.items()}
            if got["expanses"][0] == 400 and race in PENDING:
                ours_answers = False
            elif got["expanses"][0] != 200:
                raise RuntimeError(f"our API answers {got['expanses'][0]} to {race.name} with {fixed}")
            if "datasette" in got and got["datasette"][0] == 404:
                raise RuntimeError(f"Datasette answers 404 to {race.name}: {paths['datasette']}")
            if "drf" in got:
                status, document = got["drf"]
                theirs, mine = _identity(document), _identity(got["expanses"][1])
                if status != 200 or (ours_answers and theirs != mine):
                    raise RuntimeError(f"DJA and ours differ on {race.name} with {fixed}: ours {mine}, DJA {theirs}")
        if ours_answers:
            answered.append(race)
        else:
            print(f"{rows} rows: our API refuses {race.name} (400): raced on the peers only", flush=True)
    print(f"{rows} rows: every server finds every query; DJA's ids are ours ({CHECK_DRAWS + 1} draws each)", flush=True)
    return answered


def _draw(draws: random.Random, rows: int) -> dict[str, str]:
    """One set of fresh values, drawn as bench/wrk.py's Lua draws them."""
    size = draws.randint(5, 50)
    return {
        "x": f"{draws.randint(0, 999_999) / 100:.2f}",
        "m": draws.choice(MEMBERS),
        "id": str(draws.randint(1, rows)),
        "size": str(size),
        "number": str(draws.randint(1, math.ceil(rows / size))),
        "after": str(draws.randint(0, rows - 1)),
    }


def fill(template: str, values: dict[str, str]) -> str:
    """A race's path with its `{name}` placeholders replaced by `values`."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, None


def _identity(document: Any) -> tuple[list[str], list[tuple[str, str]]] | None:
    """The ids of the primary data in order, and the included resources, sorted."""
    if not isinstance(document, dict):
        return None
    data = document.get("data")
    primary = [item["id"] for item in data] if isinstance(data, list) else [data["id"]] if data else []
    included = sorted((item["type"], item["id"]) for item in document.get("included", []))
    return primary, included


def _ceiling(load: wrk.Load, runs: int, workdir: Path) -> dict[str, Any]:
    bare = servers.start_bare_flask()
    script = workdir / "ceiling.lua"
    script.write_text(wrk.lua_script("/", 1, {}, seed=1))
    try:
        wrk.run(bare.base_url, str(script), wrk.Load(load.threads, load.connections, max(1, load.seconds // 5)))
        measures = [wrk.run(bare.base_url, str(script), load) for _ in range(runs)]
    finally:
        bare.stop()
    print("bare flask: " + ", ".join(f"{m.per_second:.0f} req/s" for m in measures), flush=True)
    return {"per_second": [m.per_second for m in measures], "p99_ms": [m.p99_ms for m in measures]}


def _scripts(rows: int, workdir: Path) -> dict[tuple[str, str, str], str]:
    """One wrk script per (query, server, regime), written under `workdir`."""
    scripts = {}
    for race in ALL_RACES:
        for server, template in race.paths().items():
            for regime, fixed in (("distinct", None), ("repeated", REPEATED)):
                path = workdir / f"{rows}-{race.name}-{server}-{regime}.lua"
                path.write_text(wrk.lua_script(template, rows, fixed, seed=rows))
                scripts[(race.name, server, regime)] = str(path)
    return scripts


def generated_csv(rows: int, workdir: Path) -> Path:
    path = workdir / f"expanses-{rows}.csv"
    if not path.exists():
        generate = [str(servers.PROJECT_BIN / "python"), "data/generate.py", "--rows", str(rows), "--seed", "1"]
        subprocess.run([*generate, "--out", str(path)], cwd=REPO, check=True)
    return path


#: The indexes a Datasette user tuning for the race's queries creates: every filter and sort column,
#: and (member_name, amount) for the filter + sort (member_name = X, amount >= Y, by -amount).
#: Until issue 22 the race gave Datasette the single-column ones only (docs/performance.md says what changed).
DATASETTE_INDEXES = (
    ("departments",),
    ("project_name",),
    ("amount",),
    ("currency",),
    ("date",),
    ("member_name",),
    ("member_name", "amount"),
)
#: Names the copy by its index set, so a copy made with other indexes is never reused.
INDEX_SET = "tuned-1"


def _sqlite_copy(csv_path: Path, workdir: Path) -> tuple[Path, float]:
    """The SQLite copy of this CSV (table `expanses`, the indexes a user tuning for the race makes); build seconds.

    A copy newer than the CSV is reused with the build time recorded when it was made.
    """
    # Datasette names a database by its file's stem, and the race's paths ask for `expanses`.
    database = workdir / csv_path.stem / INDEX_SET / "expanses.db"
    timing = database.with_suffix(".seconds")
    if database.exists() and timing.exists() and database.stat().st_mtime > csv_path.stat().st_mtime:
        return database, float(timing.read_text())
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    began = time.monotonic()
    with tempfile.NamedTemporaryFile(suffix=".csv", dir=workdir) as typed:
        rows_script = [str(servers.PROJECT_BIN / "python"), "bench/sqlite_rows.py", str(csv_path), typed.name]
        subprocess.run(rows_script, cwd=REPO, check=True)
        utils = str(BENCH_BIN / "sqlite-utils")
        subprocess.run([utils, "insert", str(database), "expanses", typed.name, "--csv", "--pk", "id"], check=True)
    for columns in DATASETTE_INDEXES:
        subprocess.run([utils, "create-index", str(database), "expanses", *columns], check=True, capture_output=True)
    subprocess.run([utils, "analyze", str(database)], check=True, capture_output=True)  # statistics for the planner
    seconds = time.monotonic() - began
    timing.write_text(f"{seconds:.3f}\n")
    return database, seconds


#: Names DJA's copy by its schema (bench/drf_peer/migrations), so a copy of another schema is never reused.
DRF_SET = "drf-1"


def _drf_copy(csv_path: Path, workdir: Path) -> tuple[Path, float]:
    """DJA's SQLite copy of this CSV, made as a Django user makes it; build seconds.

    `migrate` creates the tables and indexes from the peer's models, then its `load_expanses`
    command inserts bench/sqlite_rows.py's typed rows (the ones Datasette gets) with the ORM and
    runs ANALYZE. Reused like Datasette's copy while newer than the CSV.
    """
    database = workdir / f"{csv_path.stem}" / f"expanses-{DRF_SET}.db"
    timing = database.with_suffix(".seconds")
    if database.exists() and timing.exists() and database.stat().st_mtime > csv_path.stat().st_mtime:
        return database, float(timing.read_text())
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    environ = {**os.environ, "DRF_PEER_DB": str(database)}
    django = [str(BENCH_BIN / "python"), "-m", "django"]
    settings = ["--settings", "bench.drf_peer.settings", "-v", "0"]
    began = time.monotonic()
    with tempfile.NamedTemporaryFile(suffix=".csv", dir=workdir) as typed:
        rows_script = [str(servers.PROJECT_BIN / "python"), "bench/sqlite_rows.py", str(csv_path), typed.name]
        subprocess.run(rows_script, cwd=REPO, check=True)
        subprocess.run([*django, "migrate", *settings], cwd=REPO, env=environ, check=True)
        subprocess.run([*django, "load_expanses", typed.name, *settings], cwd=REPO, env=environ, check=True)
    seconds = time.monotonic() - began
    timing.write_text(f"{seconds:.3f}\n")
    return database, seconds


def _machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[149, 1_000_000])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--regimes", nargs="+", default=["distinct", "repeated"], choices=["distinct", "repeated"])
    parser.add_argument("--workdir", default=str(WORKDIR))
    parser.add_argument("--json", default=str(REPO / "test-output" / "bench.json"))
    parser.add_argument("--report", action="store_true", help="rewrite docs/performance.md tables and chart")
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument(
        "--ours-env", action="append", default=[], metavar="NAME=VALUE", help="start our server with this variable"
    )
    parser.add_argument("--smoke", action="store_true", help="149 rows, 1 s, one run, distinct regime only")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.seconds, args.runs, args.regimes, args.report = [149], 1, 1, ["distinct"], False
        args.skip_ceiling = True
    return args


if __name__ == "__main__":
    sys.exit(main())
