"""Seeded generator of expense CSV files in the exact format of the user's data.

Why: the repo must ship its own sample and benchmarks need files of a million rows or
more; both come from here so they share one format and are reproducible from a seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

HEADER = ("departments", "project_name", "amount", "date", "member_name")
DEPARTMENTS = ("Sales", "HR", "Finance", "IT", "Marketing")
PROJECTS = ("Mars-NS1", "AlphaDeo", "Asterin", "Gaama", "Alph-23")
MEMBERS = ("Sam", "Ann", "Jennifer", "Matt", "George")
FIRST_DAY = date(2021, 1, 1)
DAYS = 730


def _amount(cents: int) -> str:
    whole, frac = divmod(cents, 100)
    return f"{whole:,}.{frac:02d}€"


def _us_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def generate_rows(rows: int, seed: int) -> Iterator[tuple[str, str, str, str, str]]:
    """Yield `rows` data rows; the same seed always yields the same rows."""
    rng = random.Random(seed)
    for _ in range(rows):
        cents = rng.randint(4, 9_999) * 100
        if rng.random() < 0.2:
            cents += rng.randint(1, 99)
        yield (
            rng.choice(DEPARTMENTS),
            rng.choice(PROJECTS),
            _amount(cents),
            _us_date(FIRST_DAY + timedelta(days=rng.randrange(DAYS))),
            rng.choice(MEMBERS),
        )


def write_csv(path: Path, rows: int, seed: int) -> None:
    """Write the header and `rows` generated rows to `path` (LF line endings, UTF-8)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(generate_rows(rows, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True, help="number of data rows")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    args = parser.parse_args(argv)
    if args.rows < 0:
        parser.error("--rows must be 0 or more")
    write_csv(args.out, args.rows, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
