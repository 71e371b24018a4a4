"""The docs page in a real browser: every path of openapi.yaml listed, and "Try it out" on /expanses answers 200.

Uses Debian's Chromium (installed by `make test` where missing) driven by Playwright; the
screenshot is saved to test-output/docs.png for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from tests.helpers.live_server import REPO

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


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs Debian's chromium)")
def test_docs_list_the_operations_and_try_it_out_works(base_url: str, tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.goto(f"{base_url}/docs", wait_until="networkidle")
            listed = page.locator(".opblock-summary-path")
            expect(listed.first).to_be_visible(timeout=15_000)
            paths = set(listed.all_inner_texts())
            documented = set(yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))["paths"])
            assert {
                "/expanses",
                "/members",
                "/members/{id}/expanses",
                "/expanses/{id}/relationships/member",
            } <= documented
            assert {p.replace("\u200b", "") for p in paths} == documented

            operation = page.locator("#operations-expanses-listExpanses")
            operation.locator(".opblock-summary").click()
            operation.get_by_role("button", name="Try it out").click()
            operation.get_by_role("button", name="Execute").click()
            status = operation.locator(".live-responses-table .response .response-col_status").first
            expect(status).to_have_text("200", timeout=15_000)
            expect(operation.locator(".live-responses-table .highlight-code").first).to_contain_text('"expanses"')

            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=False)
        finally:
            browser.close()
