"""Before `opens` and after `closes` (in the survey's time zone) the page says so and the form is disabled.

Valoa Design's fair survey is open 1.1.2026–31.12.2030 in Europe/Helsinki (UTC+2 in winter).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from harness import Server
from playwright.sync_api import Page, expect

FAIR = "/messu-tyytyvaisyys/fi/"


@pytest.mark.parametrize(
    ("moment", "notice", "text"),
    [
        ("2025-12-31T23:30:00+02:00", "not_open", "Kysely avautuu 1.1.2026."),
        ("2031-01-01T00:30:00+02:00", "closed", "Kysely päättyi 31.12.2030. Kiitos kiinnostuksestasi."),
        ("2030-12-31T22:30:00+00:00", "closed", "Kysely päättyi 31.12.2030. Kiitos kiinnostuksestasi."),
    ],
)
def test_outside_its_window_the_survey_says_so_and_takes_no_answers(
    server: Server, page: Page, moment: str, notice: str, text: str
) -> None:
    page.clock.install(time=datetime.fromisoformat(moment))
    page.goto(server.url + FAIR)
    shown = page.locator(f'[data-notice="{notice}"]')
    expect(shown).to_be_visible()
    expect(shown).to_have_text(text)
    expect(page.locator("[data-notice]:visible")).to_have_count(1)
    expect(page.get_by_role("button", name="Lähetä")).to_be_disabled()
    expect(page.locator('[id="q-satisfaction.3"]')).to_be_disabled()


@pytest.mark.parametrize(
    "moment", ["2025-12-31T22:30:00+00:00", "2030-12-31T23:30:00+02:00", "2028-06-15T12:00:00+03:00"]
)
def test_inside_its_window_by_helsinki_time_the_survey_is_open(server: Server, page: Page, moment: str) -> None:
    page.clock.install(time=datetime.fromisoformat(moment))
    page.goto(server.url + FAIR)
    expect(page.locator("[data-notice]:visible")).to_have_count(0)
    expect(page.get_by_role("button", name="Lähetä")).to_be_enabled()
