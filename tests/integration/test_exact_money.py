"""Amounts too large for a float's cents still come out exact, in records and in totals."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from tests.conftest import HEADER

# Every test here runs on both of the engine's paths (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_engines")

HUGE = HEADER + (
    'IT,Gaama,"70,368,744,177,664.01€",1/1/2021,Sam\n'
    'IT,Gaama,"999,999,999,999,999.99€",1/2/2021,Sam\n'
    "IT,Gaama,-0.05,1/3/2021,Ann\n"
)


def decimals(body: bytes) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(body, parse_float=Decimal)
    return parsed


def test_records_carry_every_cent(client_for: Callable[[str], FlaskClient]) -> None:
    client = client_for(HUGE)
    body = decimals(client.get("/expanses?fields[expanses]=amount").data)
    amounts = [item["attributes"]["amount"] for item in body["data"]]  # type: ignore[attr-defined]
    assert amounts == [Decimal("70368744177664.01"), Decimal("999999999999999.99"), Decimal("-0.05")]


def test_totals_carry_every_cent(client_for: Callable[[str], FlaskClient]) -> None:
    client = client_for(HUGE)
    body = decimals(client.get("/aggregates?group_by=member_name").data)
    totals = {item["attributes"]["member_name"]: item["attributes"] for item in body["data"]}  # type: ignore[attr-defined]
    assert totals["Sam"]["total"] == Decimal("70368744177664.01") + Decimal("999999999999999.99")
    assert totals["Sam"]["average"] == Decimal("535184372088832.00")
    assert (totals["Ann"]["total"], totals["Ann"]["min"]) == (Decimal("-0.05"), Decimal("-0.05"))
    [grand] = body["meta"]["grand_totals"]  # type: ignore[index]
    assert grand["total"] == Decimal("1070368744177663.95")
