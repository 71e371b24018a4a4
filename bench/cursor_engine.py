"""The keyset page alone (no HTTP): `ExpenseTable.seek` along a cursor walk, both ways of finding a page.

Why: the engine first looks among the rows sharing the cursor's first sort value when that is
text of few values (service/engine/keyset.py, `_within_first_value`); this times it against the plain
top-k over every row beyond the cursor, interleaved on the same positions, so machine noise
falls on both alike.

    .venv/bin/python bench/cursor_engine.py --csv /tmp/expanses-bench/expanses-10000000.csv [--pages 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.data import snapshot  # noqa: E402
from service.data.csv_source import load_expenses  # noqa: E402
from service.engine import thresholds  # noqa: E402
from service.engine.table import ExpenseTable  # noqa: E402
from service.query.model import Filter, SortKey  # noqa: E402

SORT = [SortKey("member_name"), SortKey("amount", descending=True)]
FILTERS = {
    "no filter": [],
    "amount >= 1400": [Filter("amount", "gte", 140_000)],
    "department IT": [Filter("departments", "eq", "IT")],
}
WAYS = {"top-k over all beyond": 10**15, "first value first": thresholds.TIE_GROUP_PAGES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args(argv)
    table = ExpenseTable(snapshot.build(load_expenses(args.csv)))
    walks = {}
    for name, filters in FILTERS.items():  # the positions of a walk's first pages
        page, positions = table.seek(filters, SORT, None, False, 20), []
        while page.more and len(positions) < args.pages:
            positions.append(page.positions[-1])
            page = table.seek(filters, SORT, positions[-1], False, 20)
        walks[name] = positions
    times: dict[tuple[str, str], list[float]] = {(name, way): [] for name in FILTERS for way in WAYS}
    for step in range(args.pages):
        for name, positions in walks.items():
            for way, pages in WAYS.items():
                with mock.patch.object(thresholds, "TIE_GROUP_PAGES", pages):
                    began = time.perf_counter()
                    table.seek(FILTERS[name], SORT, positions[step % len(positions)], False, 20)
                    times[(name, way)].append((time.perf_counter() - began) * 1000)
    print(f"{len(table):,} rows, sort=member_name,-amount, 20 per page; load average {os.getloadavg()[0]:.2f}")
    for (name, way), values in times.items():
        values.sort()
        p95 = values[round(0.95 * (len(values) - 1))]
        print(f"  {name:16} {way:22} median {statistics.median(values):6.1f}  p95 {p95:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
