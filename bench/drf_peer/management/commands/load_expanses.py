"""`manage load_expanses TYPED.csv`: the typed rows (bench/sqlite_rows.py) into the migrated tables.

Loaded with the ORM's `bulk_create` in one transaction, labels first, as a Django user loads a
file; then `ANALYZE`, the planner statistics Datasette's copy gets too.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from bench.drf_peer.models import Department, Expanse, Member, Project

BATCH = 5000


class Command(BaseCommand):
    help = "Load bench/sqlite_rows.py's typed CSV into the DJA peer's tables."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("typed_csv")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["typed_csv"]
        labels: dict[str, set[str]] = {"departments": set(), "project_name": set(), "member_name": set()}
        for row in _rows(path):  # two passes over the file: a million rows as dicts would hold 1 GB
            for column, seen in labels.items():
                seen.add(row[column])
        count = 0
        with transaction.atomic():
            for model, column in ((Department, "departments"), (Project, "project_name"), (Member, "member_name")):
                model.objects.bulk_create(model(name=name) for name in sorted(labels[column]))
            records = (
                Expanse(
                    id=int(row["id"]),
                    date=datetime.date.fromisoformat(row["date"]),
                    department_id=row["departments"],
                    project_id=row["project_name"],
                    member_id=row["member_name"],
                    amount=Decimal(row["amount"]),
                    currency=row["currency"],
                )
                for row in _rows(path)
            )
            while batch := list(islice(records, BATCH)):
                Expanse.objects.bulk_create(batch)
                count += len(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"{count} expenses loaded")


def _rows(path: str) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
