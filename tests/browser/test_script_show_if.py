"""The shared show_if vectors, decided by the survey script a served page loaded into Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from harness import Server
from playwright.sync_api import Page

VECTORS = Path(__file__).resolve().parents[1] / "fixtures" / "show_if_vectors.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def decided(server: Server, browser: Any) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/lahde-asiakaskokemus/fi/")
        page.wait_for_function("typeof window.palauteShowIf === 'function'")
        results = page.evaluate("cases => cases.map(c => [c.name, window.palauteShowIf(c.condition, c.answers)])",
                                CASES)  # fmt: skip
    finally:
        context.close()
    return dict(results)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_chromium_decides_each_shared_vector_as_the_server_does(decided: dict[str, Any], case: dict[str, Any]) -> None:
    assert decided[case["name"]] is case["shows"]


def test_the_page_ran_the_served_script_file(server: Server, page: Page) -> None:
    page.goto(server.url + "/lahde-asiakaskokemus/sv/")
    src = page.locator("script").get_attribute("src") or ""
    assert src.startswith("../assets/survey.") and page.evaluate("typeof window.palauteShowIf") == "function"
