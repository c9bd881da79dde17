"""Fixtures of the browser suite: real Chromium (Debian's) driven by Playwright, against `palaute serve`.

Each test module gets its own server on a free loopback port with its own data folder, built
from the example specs and themes, so tests never share responses across modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from audit import AxeUnavailable, ensure_axe
from harness import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, ROOT, Server, start_server, stop_server

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--screenshots", action="store_true", default=False,
                     help="save PNGs of the example surveys, a sign and a report into docs/screenshots/")  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("palaute-data"))
    yield running
    stop_server(running.process)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (make test installs Debian's chromium)")
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh desktop page (its own context: no shared localStorage between tests)."""
    context = browser.new_context(**DESKTOP)  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    context = browser.new_context(**PHONE)  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs(browser: object) -> Iterator[object]:
    context = browser.new_context(java_script_enabled=False, **DESKTOP)  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe() -> Path:
    """axe-core's `axe.min.js`, fetched with npm into tests/browser/.axe/ the first time."""
    try:
        return ensure_axe()
    except AxeUnavailable as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest) -> Path:
    """docs/screenshots/, when the run was asked for them with --screenshots; the test is skipped otherwise."""
    if not request.config.getoption("--screenshots", default=False):
        pytest.skip("screenshots are made only with --screenshots")
    folder = ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
