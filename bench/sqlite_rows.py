"""Write the CSV's rows as plain typed CSV for `sqlite-utils insert --csv --detect-types`.

Why: Datasette filters numbers only on a numeric column, so it gets what a user would
load: the id, amount as a decimal number, the date in ISO form. The rows are read with the
service's own loader, so both servers hold exactly the same records. Run with the project's
Python: `python bench/sqlite_rows.py IN.csv OUT.csv`.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.data.csv_source import load_expenses  # noqa: E402


def main(source: Path, target: Path) -> None:
    columns = load_expenses(source)
    rows = zip(
        columns["departments"].to_list(),
        columns["project_name"].to_list(),
        columns["amount"].to_list(),
        columns["currency"].to_list(),
        columns["date"].to_list(),
        columns["member_name"].to_list(),
        strict=True,
    )
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("id", "departments", "project_name", "amount", "currency", "date", "member_name"))
        for row_id, (department, project, cents, currency, day, member) in enumerate(rows, start=1):
            whole, fraction = divmod(cents, 100)
            amount = f"{whole}.{fraction:02d}"
            writer.writerow((row_id, department, project, amount, currency, day.isoformat(), member))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
