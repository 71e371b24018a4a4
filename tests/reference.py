"""The user's reference dataset read independently of the service (stdlib csv + Decimal).

Why: exact expected answers must not come from the code under test.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

REFERENCE_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "expanses.csv"
SKIP_REASON = f"reference data {REFERENCE_CSV} is absent (it lives in ../shared, present in CI)"


@dataclass(frozen=True)
class Row:
    id: int
    departments: str
    project_name: str
    amount: Decimal
    date: date
    member_name: str

    def attributes(self) -> dict[str, object]:
        """What the API must say about this row."""
        return {
            "departments": self.departments,
            "project_name": self.project_name,
            "amount": float(self.amount),
            "currency": "EUR",
            "date": self.date.isoformat(),
            "member_name": self.member_name,
        }


def read_rows(path: Path = REFERENCE_CSV) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(
                id=number,
                departments=record["departments"],
                project_name=record["project_name"],
                amount=Decimal(record["amount"].replace(",", "").replace("€", "")),
                date=datetime.strptime(record["date"], "%m/%d/%Y").date(),
                member_name=record["member_name"],
            )
            for number, record in enumerate(csv.DictReader(handle), start=1)
        ]
