"""Expected totals of each department, project and member, computed here from the reference reader's rows.

Why a helper: the dimension resources (`/members`), the resources `include` adds and the
related collections all state a label's totals and record count; the exact answer is computed
once, with Decimal and stdlib dicts, never by the service.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tests.helpers.reference import Row

CENT = Decimal("0.01")
#: Each dimension type: the attribute of a row holding its label, and the expanses' relationship to it.
TYPES = {
    "departments": ("departments", "department"),
    "projects": ("project_name", "project"),
    "members": ("member_name", "member"),
}


def label_of(row: Row, resource_type: str) -> str:
    return str(getattr(row, TYPES[resource_type][0]))


def totals_by_label(rows: list[Row], resource_type: str) -> dict[str, list[dict[str, Any]]]:
    """For each label: one entry per currency (in currency order) with total, count, average, min, max as served."""
    amounts: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        amounts[label_of(row, resource_type)][row.currency].append(row.amount)
    return {
        label: [_metrics(currency, by_currency[currency]) for currency in sorted(by_currency)]
        for label, by_currency in amounts.items()
    }


def counts_by_label(rows: list[Row], resource_type: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[label_of(row, resource_type)] += 1
    return dict(counts)


def _metrics(currency: str, values: list[Decimal]) -> dict[str, Any]:
    total = sum(values, Decimal(0))
    return {
        "currency": currency,
        "total": total,
        "count": len(values),
        "average": (total / len(values)).quantize(CENT, rounding=ROUND_HALF_EVEN),
        "min": min(values),
        "max": max(values),
    }


def as_served(totals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A served `totals` attribute with its money read exactly (JSON numbers as Decimal)."""
    return [
        {
            name: Decimal(str(value)) if name in ("total", "average", "min", "max") else value
            for name, value in entry.items()
        }
        for entry in totals
    ]
