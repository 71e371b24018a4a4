"""The datasets of the exact-answer tests, read independently of the service (stdlib csv + Decimal).

Why: exact expected answers must not come from the code under test. This reader follows the
CSV format of docs/operations.md on its own (amount grammar, currency by sign, exact cents) and refuses
anything it does not understand, so a file it misreads fails loudly instead of agreeing with
the service by accident.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CSV = REPO / "data" / "expanses.csv"
#: The user's reference file; EXPANSES_REFERENCE_CSV points elsewhere (e.g. to check the skip).
REFERENCE_CSV = Path(os.environ.get("EXPANSES_REFERENCE_CSV") or REPO.parent / "shared" / "data" / "expanses.csv")
SKIP_REASON = f"reference data {REFERENCE_CSV} is absent (it lives in ../shared, present in CI)"

COLUMNS = ("departments", "project_name", "amount", "date", "member_name")
CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "": "EUR"}
_AMOUNT = re.compile(
    r"(?P<minus>-?)(?P<before>[€$£]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]{1,2}))?(?P<after>[€$£]?)"
)


@dataclass(frozen=True)
class Dataset:
    """A data file and the facts its maker states about it (a cross-check of this reader)."""

    name: str
    path: Path
    count: int
    totals: dict[str, Decimal]


DATASETS = {
    # docs/operations.md: `generate.py --rows 300 --seed 7`; the total was replayed from the generator's
    # random draws (cents as integers, no text parsed) and matches an awk sum of the file.
    "sample": Dataset("sample", SAMPLE_CSV, 300, {"EUR": Decimal("1465593.78")}),
    # The user's figures for their file.
    "reference": Dataset("reference", REFERENCE_CSV, 149, {"EUR": Decimal("667682.00")}),
}


@dataclass(frozen=True)
class Row:
    id: int
    departments: str
    project_name: str
    cents: int
    currency: str
    date: date
    member_name: str

    @property
    def amount(self) -> Decimal:
        """The exact amount in its currency (two decimals)."""
        return Decimal(self.cents).scaleb(-2)

    def attributes(self) -> dict[str, object]:
        """What the API must say about this row."""
        return {
            "departments": self.departments,
            "project_name": self.project_name,
            "amount": float(self.amount),
            "currency": self.currency,
            "date": self.date.isoformat(),
            "member_name": self.member_name,
        }


def parse_amount(text: str) -> tuple[int, str]:
    """`"1,200.00€"` → (120000, "EUR"); `-$12.5` → (-1250, "USD"). ValueError for anything else."""
    match = _AMOUNT.fullmatch(text)
    if match is None or (match["before"] and match["after"]):
        raise ValueError(f"not an amount: {text!r}")
    cents = int(match["whole"].replace(",", "")) * 100 + int((match["frac"] or "").ljust(2, "0"))
    return (-cents if match["minus"] else cents), CURRENCIES[match["before"] or match["after"]]


def read_rows(path: Path) -> list[Row]:
    """Every data row (blank lines skipped), with its 1-based id; columns in any order, cells trimmed."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        if sorted(header) != sorted(COLUMNS):
            raise ValueError(f"{path}: unexpected header {header}")
        reader.fieldnames = header
        rows = []
        for number, record in enumerate(reader, start=1):
            if None in record or None in record.values():
                raise ValueError(f"{path}: data row {number} does not have {len(COLUMNS)} cells")
            cells = {name: value.strip() for name, value in record.items()}
            cents, currency = parse_amount(cells["amount"])
            rows.append(
                Row(
                    id=number,
                    departments=cells["departments"],
                    project_name=cells["project_name"],
                    cents=cents,
                    currency=currency,
                    date=datetime.strptime(cells["date"], "%m/%d/%Y").date(),
                    member_name=cells["member_name"],
                )
            )
        return rows
