"""WCAG 2.2 AA in a real browser: axe-core on every built page, reflow at 200 % and 400 % zoom,
reduced motion, and a visible focus on every stop of the keyboard.

Survey pages are audited twice: with JavaScript off (every page section of the form shown at
once, so all content is checked) and with it on (what the script adds: paging, error summary).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit import assert_no_violations, focus_indicator, horizontal_overflow, without_page_scripts
from harness import DESKTOP, Server, example_spec, example_surveys
from playwright.sync_api import expect
from respondent import STORE_RESPONSES, WAIT_MS, answer, forward_button, go_forward

EXAMPLES = example_surveys()
SURVEY_PAGES = [f"/{s.id}/{lang}/" for s in EXAMPLES for lang in s.languages] + [f"/{s.id}/" for s in EXAMPLES]
THANKS_PAGES = [
    f"/{s.id}/{lang}/thanks/{tail}"
    for s in EXAMPLES
    for lang in s.languages
    for tail in ["", *(f"{o}/" for o in s.outcomes)]
]
SIGN_PAGES = [f"/{s.id}/signs/{tp}.html" for s in EXAMPLES for tp in s.touchpoints]
REPORT = "/v1/surveys/lahde-asiakaskokemus/report?format=html"
ZOOMS = {"200%": {"width": 640, "height": 400}, "400%": {"width": 320, "height": 200}}


def _open(page: Any, url: str) -> None:
    reply = page.goto(url, wait_until="load", timeout=WAIT_MS)
    assert reply is not None and reply.status == 200, f"{url} answered {reply.status if reply else 'nothing'}"


def _built_html(server: Server) -> set[str]:
    site = server.data / "site"
    pages = set()
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        pages.add("/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative))
    return pages


@pytest.fixture(scope="module")
def audited(browser: Any, axe: Path) -> Iterator[Any]:
    """One desktop tab for the read-only audits, axe preloaded into every document it opens."""
    context = browser.new_context(**DESKTOP)
    context.add_init_script(path=str(axe))
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def audited_without_script(browser: Any, axe: Path) -> Iterator[Any]:
    """The same, but every page arrives as it does with JavaScript off (see `without_page_scripts`)."""
    context = browser.new_context(**DESKTOP)
    without_page_scripts(context)
    context.add_init_script(path=str(axe))
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def report_headers(server: Server) -> dict[str, str]:
    """A report token for the store survey, after six responses (enough for every figure to show)."""
    for body in STORE_RESPONSES:
        assert server.post_response("lahde-asiakaskokemus", body) == 202
    return {"Authorization": f"Bearer {server.token('lahde-asiakaskokemus')}"}


def test_every_built_page_is_in_the_audit(server: Server) -> None:
    """A page the build starts making (a new survey page, a sign) cannot slip past the audit unchecked."""
    unaudited = _built_html(server) - set(SURVEY_PAGES) - set(THANKS_PAGES) - set(SIGN_PAGES)
    assert not unaudited, f"built pages no test audits: {sorted(unaudited)}"


@pytest.mark.parametrize("path", SURVEY_PAGES)
def test_survey_page_has_no_axe_violations_with_the_script(server: Server, audited: Any, axe: Path, path: str) -> None:
    _open(audited, server.url + path + "?tp=verkkokauppa&campaign=joulu")
    assert_no_violations(audited, axe, path)


@pytest.mark.parametrize("path", SURVEY_PAGES)
def test_survey_page_has_no_axe_violations_without_the_script(
    server: Server, audited_without_script: Any, axe: Path, path: str
) -> None:
    _open(audited_without_script, server.url + path)
    assert_no_violations(audited_without_script, axe, path + " (JavaScript off)")


@pytest.mark.parametrize("path", THANKS_PAGES)
def test_thank_you_page_has_no_axe_violations(server: Server, audited: Any, axe: Path, path: str) -> None:
    _open(audited, server.url + path)
    assert_no_violations(audited, axe, path)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_thank_you_page_showing_a_quiz_outcome_has_no_axe_violations(
    server: Server, audited: Any, axe: Path, lang: str
) -> None:
    _open(audited, f"{server.url}/digikypsyys/{lang}/thanks/?outcome=uudistaja")
    audited.locator("#outcome").wait_for(state="visible", timeout=WAIT_MS)
    assert_no_violations(audited, axe, f"/digikypsyys/{lang}/thanks/ with an outcome")


@pytest.mark.parametrize("path", SIGN_PAGES)
def test_sign_page_has_no_axe_violations(server: Server, audited: Any, axe: Path, path: str) -> None:
    _open(audited, server.url + path)
    assert_no_violations(audited, axe, path)


@pytest.mark.parametrize("path", ["/messu-tyytyvaisyys/fi/", "/lahde-asiakaskokemus/sv/", "/digikypsyys/fi/"])
def test_error_summary_after_an_empty_submit_has_no_axe_violations(
    server: Server, audited: Any, axe: Path, path: str
) -> None:
    _open(audited, server.url + path)
    go_forward(audited)
    summary = audited.locator("[data-error-summary]")
    summary.wait_for(state="visible", timeout=WAIT_MS)
    assert summary.locator("a").count() >= 1, "the error summary lists no question to fix"
    assert audited.locator(".q[data-invalid]").count() >= 1, "no question is marked as needing an answer"
    assert_no_violations(audited, axe, path + " showing the error summary")


def test_report_page_has_no_axe_violations(
    server: Server, audited: Any, axe: Path, report_headers: dict[str, str]
) -> None:
    audited.set_extra_http_headers(report_headers)
    try:
        _open(audited, server.url + REPORT)
    finally:
        audited.set_extra_http_headers({})
    assert audited.locator(".count").inner_text().strip() == str(len(STORE_RESPONSES))
    assert_no_violations(audited, axe, "the HTML report")


@pytest.mark.parametrize("zoom", list(ZOOMS))
@pytest.mark.parametrize("script", ["script", "no script"])
def test_pages_reflow_without_sideways_scrolling_when_zoomed(
    server: Server, browser: Any, zoom: str, script: str, report_headers: dict[str, str]
) -> None:
    """1280 px at 200 % and 400 % zoom is 640 and 320 CSS pixels of viewport (WCAG 1.4.10)."""
    context = browser.new_context(viewport=ZOOMS[zoom], java_script_enabled=script == "script",
                                  extra_http_headers=report_headers)  # fmt: skip
    failures = []
    try:
        page = context.new_page()
        paths = SURVEY_PAGES + THANKS_PAGES + [p for p in SIGN_PAGES if p.endswith("/esite.html")] + [REPORT]
        for path in paths:
            reply = page.goto(server.url + path, timeout=WAIT_MS)
            if reply is None or reply.status != 200:
                failures.append(f"{path}: answered {reply.status if reply else 'nothing'}")
                continue
            overflow = horizontal_overflow(page)
            if overflow["scrollWidth"] > overflow["clientWidth"]:
                failures.append(f"{path}: {overflow}")
    finally:
        context.close()
    assert not failures, f"pages scroll sideways at {zoom} zoom ({script}):\n" + "\n".join(failures)


MOTION = """() => {
  const moving = [];
  const seconds = value => Math.max(...value.split(',').map(v => parseFloat(v) || 0));
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      const animated = style.animationName !== 'none' && seconds(style.animationDuration) > 0;
      const transitioned = seconds(style.transitionDuration) > 0;
      if (animated || transitioned) moving.push(el.tagName.toLowerCase() + (pseudo || '') + ' ' + el.className);
    }
  }
  if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') moving.push('html smooth scrolling');
  return moving;
}"""


@pytest.mark.parametrize("path", ["/lahde-asiakaskokemus/fi/", "/messu-tyytyvaisyys/fi/?tp=osasto-tabletti",
                                  "/digikypsyys/fi/", "/digikypsyys/fi/thanks/?outcome=kokeilija"])  # fmt: skip
def test_nothing_moves_when_the_respondent_asks_for_reduced_motion(server: Server, browser: Any, path: str) -> None:
    context = browser.new_context(reduced_motion="reduce", **DESKTOP)
    try:
        page = context.new_page()
        _open(page, server.url + path)
        if "thanks" not in path:
            go_forward(page)  # an empty submit: the error summary and invalid questions appear
            page.wait_for_timeout(300)
        moving = page.evaluate(MOTION)
    finally:
        context.close()
    assert not moving, f"still animated with prefers-reduced-motion: reduce on {path}: {moving[:8]}"


@pytest.mark.parametrize("path", ["/lahde-asiakaskokemus/fi/", "/messu-tyytyvaisyys/sv/", "/digikypsyys/fi/"])
def test_every_keyboard_stop_shows_a_visible_focus(server: Server, page: Any, path: str) -> None:
    """Tab from the top of the page to the button that moves on; every stop has a 2 px+ indicator."""
    _open(page, server.url + path)
    forward = forward_button(page)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        where = focus_indicator(page)
        stops.append(where["element"])
        assert where["element"] != "body", f"focus fell to <body> after {stops}"
        assert where["visible"], f"no visible focus on {where} (stops so far: {stops})"
        if forward.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"60 presses of Tab never reached the button that moves on: {stops}")


def test_kiosk_thank_you_screen_and_idle_warning_have_no_axe_violations(server: Server, page: Any, axe: Path) -> None:
    """The tablet's own states: the thank-you shown in place of the form, and "are you still there?"."""
    page.clock.install()
    _open(page, server.url + "/messu-tyytyvaisyys/sv/?tp=osasto-tabletti")
    answer(page, "satisfaction", 4)
    idle = example_spec("messu-tyytyvaisyys")["kiosk"]["idle_seconds"]
    page.clock.run_for((idle + 1) * 1000)  # the warning opens; its countdown is not yet over
    dialog = page.locator("[data-idle]")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    assert_no_violations(page, axe, "the kiosk's idle warning")
    dialog.locator("button").click(timeout=WAIT_MS)
    go_forward(page)
    thanks = page.locator("[data-kiosk-thanks]")
    expect(thanks).to_be_visible(timeout=WAIT_MS)
    assert_no_violations(page, axe, "the kiosk's thank-you screen")
