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

from service.csv_source import load_expenses  # noqa: E402


def main(source: Path, target: Path) -> None:
    columns = load_expenses(source)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("id", "departments", "project_name", "amount", "currency", "date", "member_name"))
        for index in range(len(columns)):
            whole, cents = divmod(columns.amount_cents[index], 100)
            writer.writerow(
                (
                    index + 1,
                    columns.departments[index],
                    columns.project_name[index],
                    f"{whole}.{cents:02d}",
                    columns.currency[index],
                    columns.date[index].isoformat(),
                    columns.member_name[index],
                )
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
