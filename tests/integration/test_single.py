"""GET /expanses/{id}: every record, sparse fieldsets, and 404s for ids that are not there."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.helpers.jsonapi import document, error
from tests.helpers.reference import Row


def test_every_record_is_served_at_its_id(client: FlaskClient, rows: list[Row]) -> None:
    for row in rows:
        body = document(client.get(f"/expanses/{row.id}"))
        assert body["data"]["id"] == str(row.id)
        assert body["data"]["type"] == "expanses"
        assert body["data"]["attributes"] == row.attributes()
        assert body["data"]["links"]["self"] == f"http://localhost/expanses/{row.id}"
        assert body["links"]["self"] == f"http://localhost/expanses/{row.id}"


def test_sparse_fieldset_on_one_record(client: FlaskClient, rows: list[Row]) -> None:
    body = document(client.get("/expanses/4?fields[expanses]=member_name,amount"))
    assert body["data"]["attributes"] == {"member_name": rows[3].member_name, "amount": float(rows[3].amount)}


def test_sparse_fieldsets_keep_the_attributes_in_their_usual_order(client: FlaskClient) -> None:
    body = document(client.get("/expanses/4?fields[expanses]=member_name,date,amount,departments"))
    assert list(body["data"]["attributes"]) == ["departments", "amount", "date", "member_name"]


@pytest.mark.parametrize("raw_id", ["0", "last+1", "abc", "01", "-1", "1.5", "99999999999", "%20", "1e2"])
def test_unknown_or_malformed_ids_are_404(client: FlaskClient, rows: list[Row], raw_id: str) -> None:
    raw_id = str(len(rows) + 1) if raw_id == "last+1" else raw_id
    item = error(client.get(f"/expanses/{raw_id}"), 404)
    assert f"ids run from 1 to {len(rows)}" in item["detail"]
