"""Screenshots for the README (`pytest tests/browser --screenshots`): the example surveys on a phone and a
desktop, a quiz profile, a printable sign and a report, saved as PNGs into docs/screenshots/.

Skipped in ordinary runs. Each survey is shown part-way through, with a follow-up question open,
so a reader sees what respondents see rather than an empty form.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import ROOT, Server
from PIL import Image
from playwright.sync_api import expect
from respondent import STORE_RESPONSES, WAIT_MS, answer, go_forward, question, wait_for_section

SCREENS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture
def shooter(screenshots: Path, browser: Any) -> Iterator[Any]:
    """Opens a page on a given screen; every context it made is closed afterwards."""
    contexts: list[Any] = []

    def open_page(screen: str, **options: Any) -> Any:
        context = browser.new_context(**SCREENS[screen], **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _save(page: Any, target: Path) -> None:
    """A viewport-sized PNG, reduced to a palette so it stays small enough to commit."""
    page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)")
    page.wait_for_timeout(200)  # let fonts and the logo settle
    page.screenshot(path=str(target))
    with Image.open(target) as shot:
        shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    assert target.stat().st_size > 5_000, f"{target.name} is suspiciously small: a blank page?"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screenshot_of_the_store_survey(server: Server, shooter: Any, screenshots: Path, screen: str) -> None:
    page = shooter(screen)
    page.goto(server.url + "/lahde-asiakaskokemus/fi/?tp=verkkokauppa&campaign=joulu", timeout=WAIT_MS)
    answer(page, "recommend", 9)
    expect(question(page, "praise")).to_be_visible(timeout=WAIT_MS)
    answer(page, "praise", "Myyjä löysi oikean koon.")
    _save(page, screenshots / f"lahde-asiakaskokemus-{screen}.png")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screenshot_of_the_fair_kiosk(server: Server, shooter: Any, screenshots: Path, screen: str) -> None:
    page = shooter(screen)
    page.goto(server.url + "/messu-tyytyvaisyys/fi/?tp=osasto-tabletti", timeout=WAIT_MS)
    answer(page, "satisfaction", 5)
    _save(page, screenshots / f"messu-tyytyvaisyys-{screen}.png")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screenshot_of_the_maturity_quiz(server: Server, shooter: Any, screenshots: Path, screen: str) -> None:
    page = shooter(screen)
    page.goto(server.url + "/digikypsyys/fi/?tp=seminaari", timeout=WAIT_MS)
    answer(page, "strategy", "planned")
    answer(page, "leadership", 4)
    _save(page, screenshots / f"digikypsyys-{screen}.png")
    go_forward(page)
    wait_for_section(page, 1)
    answer(page, "tools", ["cloud", "automation"])
    answer(page, "skills", "yearly")
    go_forward(page)
    expect(page.locator("#outcome")).to_be_visible(timeout=WAIT_MS)
    _save(page, screenshots / f"digikypsyys-profile-{screen}.png")


def test_screenshot_of_a_printable_sign(screenshots: Path, browser: Any, tmp_path: Path) -> None:
    """Built with a real-looking base URL, so the sign shows the link a customer would type."""
    palaute = Path(sys.executable).with_name("palaute")
    subprocess.run([str(palaute), "build", "--specs", str(ROOT / "survey_specs"), "--themes", str(ROOT / "themes"),
                    "--out", str(tmp_path), "--base-url", "https://palaute.lahde.fi"],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    context = browser.new_context(viewport={"width": 540, "height": 760})
    try:
        page = context.new_page()
        page.goto((tmp_path / "lahde-asiakaskokemus" / "signs" / "myymala-kamppi.html").as_uri(), timeout=WAIT_MS)
        expect(page.locator(".link")).to_contain_text("palaute.lahde.fi", timeout=WAIT_MS)
        _save(page, screenshots / "sign-lahde-asiakaskokemus-myymala-kamppi.png")
    finally:
        context.close()


def test_screenshot_of_a_report(screenshots: Path, server: Server, browser: Any) -> None:
    for body in STORE_RESPONSES * 5:  # past the 30 responses a report needs to show percentages
        assert server.post_response("lahde-asiakaskokemus", body) == 202
    token = server.token("lahde-asiakaskokemus")
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  extra_http_headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    try:
        page = context.new_page()
        reply = page.goto(server.url + "/v1/surveys/lahde-asiakaskokemus/report?format=html", timeout=WAIT_MS)
        assert reply is not None and reply.status == 200
        page.locator("#q-recommend").scroll_into_view_if_needed(timeout=WAIT_MS)
        page.evaluate("window.scrollTo(0, 0)")
        _save(page, screenshots / "report-lahde-asiakaskokemus.png")
    finally:
        context.close()
