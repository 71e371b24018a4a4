"""The race's queries timed in one process: microseconds per call, fresh parameters every call.

Why: the race over HTTP varies by ±20% between runs on this shared machine, too much to
choose between two ways of running a query. This maps the service's own snapshot of a CSV
as a worker does, then calls, for each race query, either the engine as the data layer
calls it (`--layer engine`) or the whole app as gunicorn calls it, with the answer memory
off (`--layer app`: everything but gunicorn and the network; `--layer bare` is the bare
Flask app of the race's ceiling), drawing new values as the race's distinct regime does.
Mean and median per call, in microseconds.

    .venv/bin/python bench/engine_calls.py --csv /tmp/expanses-bench/expanses-149.csv [--layer app] [--calls 2000]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bare_flask  # noqa: E402
from queries import MEMBERS, RACES  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from service.app import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.data import snapshot  # noqa: E402
from service.data.csv_source import load_expenses  # noqa: E402
from service.engine.table import ExpenseTable  # noqa: E402
from service.query.model import Filter, SortKey  # noqa: E402

Call = Callable[[], Any]


def draw(rng: random.Random, rows: int) -> dict[str, str]:
    """New values for a race template, as bench/wrk.py's Lua draws them."""
    size = rng.randint(5, 50)
    return {
        "x": f"{rng.randint(0, 999_999) / 100:.2f}",
        "m": rng.choice(MEMBERS),
        "id": str(rng.randint(1, rows)),
        "size": str(size),
        "number": str(rng.randint(1, -(-rows // size))),
    }


def engine_calls(table: ExpenseTable, rng: random.Random) -> dict[str, Call]:
    """Each race query as the data layers ask the engine (the same filters, order and page)."""
    rows = len(table)

    def values() -> tuple[list[Filter], dict[str, str]]:
        drawn = draw(rng, rows)
        cents = round(float(drawn["x"]) * 100)
        return [Filter("amount", "gte", cents), Filter("member_name", "eq", drawn["m"])], drawn

    def page() -> Any:
        drawn = draw(rng, rows)
        size = int(drawn["size"])
        return table.find([], [], (int(drawn["number"]) - 1) * size, size)

    return {
        "list": page,
        "filter_sort": lambda: table.find(values()[0], [SortKey("amount", True)], 0, 20),
        "single": lambda: table.get(int(draw(rng, rows)["id"])),
        "aggregate": lambda: table.aggregate(values()[0][:1], [], ["departments"], [SortKey("total", True)], 0, 20),
        "columns": lambda: table.find(values()[0], [], 0, 20),
    }


def app_calls(csv: Path, descriptor: int, rng: random.Random) -> dict[str, Call]:
    """Each race query through the whole app as gunicorn calls it (WSGI), nothing answered from memory.

    The requests' environments are built beforehand (500 per query, used in turn), so only the app is timed.
    """
    app = create_app(Settings(csv_path=csv, snapshot_fd=descriptor, response_cache_mb=0))
    rows = len(snapshot.read(descriptor))

    def call(template: str) -> Call:
        environs = []
        for _ in range(500):
            path, _, query = template.format(**draw(rng, rows)).partition("?")
            environs.append(
                EnvironBuilder(path=path, query_string=query, base_url="http://127.0.0.1:8000").get_environ()
            )
        return wsgi_call(app, *environs)

    return {race.name: call(race.ours) for race in RACES}


def wsgi_call(app: Any, *environs: dict[str, Any]) -> Call:
    """One WSGI request to `app` per call, the environments in turn; the answer must be a 200."""
    turn = itertools.cycle(environs)

    def get() -> None:
        status: list[str] = []
        body = app(dict(next(turn)), lambda answer, headers, *_: status.append(answer))
        b"".join(body)
        assert status[0].startswith("200"), status

    return get


def write_snapshot(csv: Path, path: Path) -> None:
    """The service's snapshot of `csv`, which a worker maps from disk (service/data/snapshot.py)."""
    with path.open("wb") as sink:
        snapshot.write(snapshot.build(load_expenses(csv)), sink, release="bench")


def per_call_us(call: Call, calls: int) -> tuple[float, float]:
    for _ in range(max(5, calls // 20)):
        call()
    samples = []
    for _ in range(calls):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1e6)
    return statistics.fmean(samples), statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--layer", choices=["engine", "app", "bare"], default="engine")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--races", nargs="+", default=[race.name for race in RACES])
    args = parser.parse_args(argv)
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "snapshot.arrow"
        write_snapshot(args.csv, path)
        with path.open("rb") as mapped:
            if args.layer == "engine":
                calls = engine_calls(ExpenseTable(snapshot.read(mapped.fileno())), rng)
            elif args.layer == "app":
                calls = app_calls(args.csv, mapped.fileno(), rng)
            else:
                calls = dict.fromkeys(args.races, wsgi_call(bare_flask.app, EnvironBuilder(path="/").get_environ()))
            print(f"{args.csv.name}, {args.layer} layer, {args.calls} calls each, microseconds per call")
            for name in args.races:
                mean, median = per_call_us(calls[name], args.calls)
                print(f"{name:<12} mean {mean:9.0f}  median {median:9.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
