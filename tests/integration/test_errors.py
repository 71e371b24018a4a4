"""Bad input through HTTP: 400s naming the parameter, 404s, and 500s that leak nothing."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient

from service.engine.table import ExpenseTable
from tests.helpers.jsonapi import error


def test_unknown_paths_are_404_documents(sample_client: FlaskClient) -> None:
    error(sample_client.get("/expanse"), 404)
    error(sample_client.get("/expanses/1/relationships/x"), 404)


def test_client_errors_are_logged_at_info_without_traceback(
    sample_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="service"):
        sample_client.get("/expanses?sort=nope")
    [record] = [r for r in caplog.records if r.name.startswith("service")]
    assert record.levelno == logging.INFO
    assert record.exc_info is None


def test_unexpected_errors_are_500_logged_once_and_leak_nothing(
    sample_client: FlaskClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(ExpenseTable, "find", explode)
    with caplog.at_level(logging.INFO, logger="service"):
        # a request no other test makes: the shared app must not have its answer in memory
        response = sample_client.get("/expanses?filter[departments][contains]=explode")
    item = error(response, 500)
    body = response.get_data(as_text=True)
    assert "secret" not in body and "Traceback" not in body and "/etc" not in body
    assert item["title"] == "Internal server error"
    [record] = [r for r in caplog.records if r.name.startswith("service")]
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_an_oversized_query_string_is_414_naming_the_longest_parameter(sample_client: FlaskClient) -> None:
    item = error(
        sample_client.get("/expanses?sort=amount&filter[member_name]=" + "x" * 8000), 414, "filter[member_name]"
    )
    assert "at most 8000" in item["detail"]


def test_more_than_200_parameters_is_400_naming_the_first_one_too_many(sample_client: FlaskClient) -> None:
    query = "&".join(f"filter[id][ne]={n}" if n else "sort=id" for n in range(201))
    response = sample_client.get(f"/expanses?{query}")
    item = error(response, 400, parameter="filter[id][ne]")
    assert "at most 200" in item["detail"]
