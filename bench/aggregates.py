"""Time `/aggregates` group-bys inside the engine: each dimension, with and without a filter.

Why: issue 3 asks for a group-by over any one dimension with a filter under 50 ms at
1,000,000 rows; this measures the service's own `ExpenseTable.aggregate`. Usage:

    python bench/aggregates.py --csv /tmp/expanses-1m.csv [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.data.csv_source import load_expenses  # noqa: E402
from service.data.fields import DIMENSIONS  # noqa: E402
from service.data.snapshot import build  # noqa: E402
from service.engine.table import ExpenseTable
from service.query.model import Filter, SortKey  # noqa: E402

FILTERS = {
    "no filter": [],
    "date >= 2021-07-01": [Filter("date", "gte", date(2021, 7, 1))],
    "departments = Sales and amount >= 1400": [Filter("departments", "eq", "Sales"), Filter("amount", "gte", 140_000)],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    table = ExpenseTable(build(load_expenses(args.csv)))
    print(f"{len(table):,} rows, median ms of {args.repeat} runs (page of 20, sorted by -total)\n")
    print("| group_by | " + " | ".join(FILTERS) + " |")
    print("|---|" + "---:|" * len(FILTERS))
    for dimension in DIMENSIONS:
        cells = []
        for filters in FILTERS.values():
            samples = []
            for _ in range(args.repeat + 1):
                start = time.perf_counter()
                table.aggregate(filters, [], [dimension], [SortKey("total", True)], 0, 20)
                samples.append((time.perf_counter() - start) * 1000)
            cells.append(f"{statistics.median(samples[1:]):.1f}")
        print(f"| {dimension} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
