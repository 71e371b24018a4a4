"""The docs page in a real browser: every path of openapi.yaml listed once, only its reads, one box per family
of parameters, and "Try it out" on /expanses with a filter typed in answers what the data file says.

Uses Debian's Chromium (installed by `make test` where missing) driven by Playwright; the
screenshot is saved to test-output/docs.png for a person to look at. Expected answers come from
openapi.yaml and the served data file (data/expanses.csv, as in conftest.py), read here.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from tests.helpers.live_server import REPO
from tests.helpers.reference import SAMPLE_CSV, read_rows

CHROMIUM = shutil.which("chromium")
SCREENSHOT = REPO / "test-output" / "docs.png"
# Flags as the machine's own probe runs Chromium headless as root on a closed network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONTRACT: dict[str, Any] = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
#: At most this many parameter boxes on any operation (GET /expanses drew 121 before the families were joined).
MOST_BOXES = 12


def families(path: str) -> list[str]:
    """The query parameters of the path's GET as a person sees them: `filter[a][b]` and `filter[c]` are `filter`."""
    seen: list[str] = []
    for parameter in CONTRACT["paths"][path]["get"].get("parameters", []):
        if "$ref" in parameter:
            parameter = CONTRACT["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        family = parameter["name"].split("[", 1)[0]
        if family not in seen:
            seen.append(family)
    return seen


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs Debian's chromium)")
def test_docs_list_the_reads_once_and_try_it_out_with_a_filter_works(base_url: str, tmp_path: Path) -> None:
    rows = read_rows(SAMPLE_CSV)
    member = rows[0].member_name
    matching = sum(1 for row in rows if row.member_name == member and row.amount >= Decimal("2000"))
    assert 0 < matching < sum(1 for row in rows if row.member_name == member)  # both filters matter
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.goto(f"{base_url}/docs", wait_until="networkidle")
            listed = page.locator(".opblock-summary-path")
            expect(listed.first).to_be_visible(timeout=15_000)
            paths = [p.replace("\u200b", "") for p in listed.all_inner_texts()]
            documented = list(CONTRACT["paths"])
            assert {"/expanses", "/members", "/members/{id}/expanses", "/expanses/{id}/relationships/member"} <= set(
                documented
            )
            assert sorted(paths) == sorted(documented)  # each once
            methods = page.locator(".opblock-summary-method").all_inner_texts()
            assert methods == ["GET"] * len(documented)  # the refusals are said once, in the description
            assert "Refused" not in page.locator("#swagger-ui").inner_text()

            operation = page.locator("#operations-expanses-listExpanses")
            operation.locator(".opblock-summary").click()
            boxes = operation.locator(".parameters tr[data-param-name]")
            expect(boxes.first).to_be_visible(timeout=15_000)
            shown = boxes.evaluate_all("rows => rows.map(row => row.dataset.paramName)")
            assert sorted(shown) == sorted(families("/expanses")) and len(shown) <= MOST_BOXES
            assert {"filter", "page", "fields", "sort", "include"} <= set(shown)

            operation.get_by_role("button", name="Try it out").click()
            typed = {"filter[member_name]": member, "filter[amount][gte]": "2000"}
            operation.locator('tr[data-param-name="filter"] textarea').fill(json.dumps(typed))
            operation.get_by_role("button", name="Execute").click()
            status = operation.locator(".live-responses-table .response .response-col_status").first
            expect(status).to_have_text("200", timeout=15_000)
            url = operation.locator(".request-url pre").first.inner_text()
            assert f"filter%5Bmember_name%5D={quote(member)}" in url and "filter%5Bamount%5D%5Bgte%5D=2000" in url
            body = json.loads(operation.locator(".live-responses-table .response code").first.inner_text())
            assert body["meta"]["count"] == matching

            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=False)
        finally:
            browser.close()
