"""Sorted pages of a large file, timed in one process: the first page, pages further in, the last.

Why: a sorted page costs a top-k near the start and a whole sort deep in the rows, and which is
cheaper depends on how far in the page ends (docs/performance.md, "Deep pages"). This maps
the snapshot of a CSV as a worker does and times `ExpenseTable.find` at several depths, with
and without a filter, median of a few runs. `--code` runs another checkout's engine on the
same file (a worktree of an older commit), so two engines are compared on one machine in one
sitting, in turns.

    .venv/bin/python bench/sorted_pages.py --csv /tmp/expanses-bench/expanses-10000000.csv [--code ../old] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

#: (name, sort as (field, descending) pairs, filters as (field, operator, value)).
CASES = [
    ("sort=member_name", [("member_name", False)], []),
    ("sort=member_name,-amount", [("member_name", False), ("amount", True)], []),
    ("sort=-date", [("date", True)], []),
    ("sort=-amount, filter[departments]=IT", [("amount", True)], [("departments", "eq", "IT")]),
]
#: Where pages start, as shares of the matching rows.
DEPTHS = {"first page": 0.0, "1% in": 0.01, "10% in": 0.1, "80% in": 0.8, "last page": 1.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--snapshot-dir", type=Path, default=Path(tempfile.gettempdir()) / "expanses-bench-snapshots")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    try:  # the layout by layers (issue 21), or the flat one of earlier commits
        from service.data import snapshot, snapshot_store
        from service.engine.table import ExpenseTable
        from service.query.model import Filter, SortKey
    except ImportError:
        from service import snapshot, snapshot_store  # type: ignore[attr-defined,no-redef]
        from service.engine import ExpenseTable  # type: ignore[attr-defined,no-redef]
        from service.query import Filter, SortKey  # type: ignore[attr-defined,no-redef]

    provided = snapshot_store.provide(args.csv, args.snapshot_dir)
    with provided.path.open("rb") as file:
        table = ExpenseTable(snapshot.read(file.fileno()))
    results: dict[str, dict[str, float]] = {}
    for name, sort, filters in CASES:
        keys = [SortKey(field, descending) for field, descending in sort]
        conditions = [Filter(field, operator, value) for field, operator, value in filters]
        count, _ = table.find(conditions, keys, 0, 1)
        results[name] = {}
        for depth, share in DEPTHS.items():
            offset = min(int(count * share), max(count - 20, 0))
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                table.find(conditions, keys, offset, 20)
                times.append((time.perf_counter() - began) * 1000)
            results[name][depth] = round(statistics.median(times), 1)
        print(name, results[name], flush=True)
    print(json.dumps({"code": str(args.code), "rows": len(table), "ms": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
