"""The harness itself: Chromium opens a served survey page with its language set."""

from __future__ import annotations

from harness import Server


def test_a_served_survey_opens_in_chromium(server: Server, page: object) -> None:
    page.goto(server.url + "/lahde-asiakaskokemus/sv/")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "sv"  # type: ignore[attr-defined]
    assert page.locator("form").count() == 1  # type: ignore[attr-defined]
