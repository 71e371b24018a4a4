"""The engine's two ways to aggregate, timed at several table sizes: plain Python and the Polars plans.

Why: small tables answer `/aggregates` in plain Python (service/engine/plain_aggregate.py), larger
ones with Polars plans; `PLAIN_AGGREGATE_ROWS` in service/engine/thresholds.py is set where the two
cost the same. This builds each generated file's snapshot in memory, then times the race's
aggregate (sum by department with a fresh `amount >= X`) and a group-by of member and month
on each path, median of the calls, in microseconds.

    .venv/bin/python bench/aggregate_paths.py [--rows 149 1000 3000 10000] [--calls 600]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare import WORKDIR, generated_csv  # noqa: E402

from service.data import snapshot  # noqa: E402
from service.data.csv_source import load_expenses  # noqa: E402
from service.engine import thresholds  # noqa: E402
from service.engine.table import ExpenseTable  # noqa: E402
from service.query.model import Filter, SortKey  # noqa: E402

GROUPINGS = {"by department": ["departments"], "by member and month": ["member_name", "date_month"]}
PATHS = {"plain Python": sys.maxsize, "Polars plans": -1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[149, 1_000, 3_000, 10_000])
    parser.add_argument("--calls", type=int, default=600)
    args = parser.parse_args(argv)
    for rows in args.rows:
        table = ExpenseTable(snapshot.build(load_expenses(generated_csv(rows, WORKDIR))))
        for grouping, dimensions in GROUPINGS.items():
            medians = []
            for path, threshold in PATHS.items():
                thresholds.PLAIN_AGGREGATE_ROWS = threshold
                rng, samples = random.Random(1), []
                for _ in range(args.calls):
                    filters = [Filter("amount", "gte", rng.randint(0, 999_999))]
                    began = time.perf_counter()
                    table.aggregate(filters, [], dimensions, [SortKey("total", True)], 0, 20)
                    samples.append((time.perf_counter() - began) * 1e6)
                medians.append(f"{path} {statistics.median(samples):,.0f} µs")
            print(f"{rows:>7,} rows, {grouping}: " + ", ".join(medians), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
