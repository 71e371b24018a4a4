"""The seeded generator: reproducible, in the user's exact format, loadable by the service."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from data.generate import HEADER, main
from service.data.csv_source import load_expenses

REFERENCE_AMOUNT = re.compile(r"[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}€")
REFERENCE_DATE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")


def generate(path: Path, rows: int, seed: int) -> bytes:
    assert main(["--rows", str(rows), "--seed", str(seed), "--out", str(path)]) == 0
    return path.read_bytes()


def test_same_seed_same_file_other_seed_other_file(tmp_path: Path) -> None:
    first = generate(tmp_path / "a.csv", 500, 3)
    assert generate(tmp_path / "b.csv", 500, 3) == first
    assert generate(tmp_path / "c.csv", 500, 4) != first


def test_rows_have_the_users_format_and_load(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    generate(path, 2_000, 1)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    assert len(rows) == 2_001
    assert all(REFERENCE_AMOUNT.fullmatch(row[2]) and REFERENCE_DATE.fullmatch(row[3]) for row in rows[1:])
    assert any("," in row[2] for row in rows[1:])
    assert len(load_expenses(path)) == 2_000


def test_the_committed_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "data" / "expanses.csv"
    assert generate(tmp_path / "sample.csv", 300, 7) == sample.read_bytes()
