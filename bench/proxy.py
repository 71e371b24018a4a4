"""`make bench-proxy`: capacity of the race's queries through the proxy, against gunicorn alone.

Why: docs/scaling.md sizes replicas from req/s per core as clients meet the service, that is
through nginx (docker/nginx, rendered and run by tests/helpers/nginx_proxy.py as the tests run it).
Same machine, same wrk settings, distinct parameters on every request (no cache helps):
  direct  one gunicorn with 2 workers (`make run`)
  proxy   nginx in front of 2 replicas of 1 worker each (the compose topology on one host)

    .venv/bin/python bench/proxy.py [--rows 149 1000000] [--seconds 10] [--json test-output/bench-proxy.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import servers
import wrk
from compare import WORKDIR, generated_csv
from queries import RACES

sys.path.insert(0, str(servers.REPO))  # the proxy is run exactly as the tests run it
from tests.helpers.nginx_proxy import running_apis, running_proxy  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    load = wrk.Load(threads=2, connections=args.connections, seconds=args.seconds)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for rows in args.rows:
        csv_path = generated_csv(rows, WORKDIR)
        for topology, urls in (("direct", _direct(csv_path)), ("proxy", _proxied(csv_path))):
            with urls as base_url:
                for race in RACES:
                    script = WORKDIR / f"proxy-{rows}-{race.name}.lua"
                    script.write_text(wrk.lua_script(race.ours, rows, None, seed=rows))
                    wrk.run(base_url, str(script), wrk.Load(2, args.connections, 2))  # warm up
                    measure = wrk.run(base_url, str(script), load)
                    key = f"{rows} {race.name}"
                    results.setdefault(key, {})[topology] = {
                        "per_second": measure.per_second,
                        "p99_ms": measure.p99_ms,
                        "failures": measure.failures,
                    }
                    print(
                        f"{rows:>9} {race.name:<12} {topology:<6} {measure.per_second:8.0f} req/s  "
                        f"p99 {measure.p99_ms:7.1f} ms  failures {measure.failures}",
                        flush=True,
                    )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"cores": os.cpu_count(), "load": vars(load), "results": results}))
    return 0


@contextmanager
def _direct(csv_path: Path) -> Iterator[str]:
    server = servers.start_ours(csv_path)
    try:
        yield server.base_url
    finally:
        server.stop()


@contextmanager
def _proxied(csv_path: Path) -> Iterator[str]:
    with (
        tempfile.TemporaryDirectory(prefix="expanses-bench-proxy-") as prefix,
        running_apis(csv_path, count=2, workers=1) as apis,
        running_proxy(Path(prefix), [api.address for api in apis]) as proxy,
    ):
        yield f"http://127.0.0.1:{proxy.port}"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[149, 1_000_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", default="test-output/bench-proxy.json")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
