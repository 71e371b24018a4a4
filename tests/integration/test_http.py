"""The root document and the docs page's script policy.

Negotiation (406/415), methods, HEAD and OPTIONS: tests/contract/test_http_behaviour.py, in-process and over HTTP.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.helpers.jsonapi import document


def test_root_points_at_the_resources(sample_client: FlaskClient) -> None:
    body = document(sample_client.get("/"))
    assert body["links"]["self"] == "http://localhost/"
    assert body["meta"]["resources"]["expanses"] == "http://localhost/expanses"
    assert document(sample_client.get(body["meta"]["resources"]["expanses"]))["meta"]["count"] == 300


def test_the_docs_page_has_a_strict_csp_and_no_inline_script(sample_client: FlaskClient) -> None:
    response = sample_client.get("/docs")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "default-src 'none'" in csp
    page = response.get_data(as_text=True)
    assert page.count("<script") == page.count("<script src=")
