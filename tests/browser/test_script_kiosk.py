"""Kiosk touchpoints: thanks in place, a fresh form for the next visitor, "still there?" when idle.

Valoa Design's stand tablet (`?tp=osasto-tabletti`): thanks for 5 s, asks after 45 s idle, resets
10 s later (the example spec's kiosk settings). Playwright's clock skips the waiting.
"""

from __future__ import annotations

import json

from harness import Server
from playwright.sync_api import Page, Route, expect
from script_answers import active_id, button, choose, queued, stored_documents, write

KIOSK = "/messu-tyytyvaisyys/fi/?tp=osasto-tabletti"
THANKS = "Kiitos! Mukavaa messupäivää."


def sent_ids(page: Page) -> list[str]:
    ids: list[str] = []
    page.on(
        "request", lambda r: ids.append(json.loads(r.post_data or "{}")["response_id"]) if "/v1/" in r.url else None
    )
    return ids


def test_after_a_response_the_kiosk_thanks_in_place_then_shows_a_fresh_form(server: Server, page: Page) -> None:
    page.clock.install()
    ids = sent_ids(page)
    page.goto(server.url + KIOSK)
    choose(page, "satisfaction", 5)
    choose(page, "demo_rating", 4)
    write(page, "comment", "Hieno valaisinmallisto!")
    button(page, "Lähetä").click()
    thanks = page.locator("[data-kiosk-thanks]")
    expect(thanks).to_be_visible()
    expect(thanks).to_have_text(THANKS)
    expect(thanks).to_be_focused()
    expect(page.locator("form")).to_be_hidden()
    assert page.url.endswith(KIOSK)
    page.clock.fast_forward(4_000)
    expect(thanks).to_be_visible()
    page.clock.fast_forward(1_500)
    expect(page.locator("form")).to_be_visible()
    expect(thanks).to_be_hidden()
    expect(page.locator("form input:checked")).to_have_count(0)
    expect(page.locator('[id="q-comment"]')).to_have_value("")
    expect(page.locator('input[name="tp"]')).to_have_value("osasto-tabletti")
    choose(page, "satisfaction", 2)
    button(page, "Lähetä").click()
    expect(thanks).to_be_visible()
    stored = stored_documents(server.responses("messu-tyytyvaisyys"))
    assert len(ids) == 2 and ids[0] != ids[1]
    first, second = stored[ids[0]], stored[ids[1]]
    assert first["answers"] == {"satisfaction": 5, "demo_rating": 4, "comment": "Hieno valaisinmallisto!"}
    assert second["answers"] == {"satisfaction": 2}
    assert first["tp"] == second["tp"] == "osasto-tabletti"


def test_an_idle_half_filled_form_asks_whether_anyone_is_still_there(server: Server, page: Page) -> None:
    page.clock.install()
    page.goto(server.url + KIOSK)
    dialog = page.locator("dialog[data-idle]")
    choose(page, "satisfaction", 3)
    page.clock.fast_forward(44_000)
    expect(dialog).to_be_hidden()
    page.clock.fast_forward(2_000)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Oletko vielä siellä?")
    continue_ = dialog.get_by_role("button", name="Jatka vastaamista")
    expect(continue_).to_be_focused()
    continue_.click()
    expect(dialog).to_be_hidden()
    expect(page.locator('[id="q-satisfaction.3"]')).to_be_checked()
    page.clock.fast_forward(46_000)
    expect(dialog).to_be_visible()
    page.clock.fast_forward(10_500)
    expect(dialog).to_be_hidden()
    expect(page.locator("form input:checked")).to_have_count(0)
    assert active_id(page) == "main"


def test_an_untouched_kiosk_form_never_asks(server: Server, page: Page) -> None:
    page.clock.install()
    page.goto(server.url + KIOSK)
    page.clock.fast_forward(120_000)
    expect(page.locator("dialog[data-idle]")).to_be_hidden()


def with_outside_link(route: Route) -> None:
    """The page as served, plus a link away from the survey (a producer's Markdown may carry one)."""
    original = route.fetch()
    html = original.text().replace("</main>", '<p><a id="valoa" href="https://valoa.example.fi/">Valoa</a></p></main>')
    route.fulfill(response=original, body=html)


def test_nothing_on_a_kiosk_leads_away_but_languages_keep_the_touchpoint(server: Server, page: Page) -> None:
    page.route("**/messu-tyytyvaisyys/fi/*", with_outside_link)
    page.goto(server.url + KIOSK)
    assert page.locator("#valoa").get_attribute("href") is None
    expect(page.locator("a.skip")).to_have_attribute("href", "#main")
    swedish = page.locator('.langs a[lang="sv"]')
    expect(swedish).to_have_attribute("href", server.url + "/messu-tyytyvaisyys/sv/?tp=osasto-tabletti")
    page.goto(server.url + "/messu-tyytyvaisyys/fi/?tp=esite")
    expect(page.locator("#valoa")).to_have_attribute("href", "https://valoa.example.fi/")


def test_an_offline_kiosk_thanks_the_visitor_and_sends_when_the_network_returns(server: Server, page: Page) -> None:
    page.clock.install()
    page.route("**/v1/**", lambda route: route.abort())
    page.goto(server.url + "/messu-tyytyvaisyys/sv/?tp=osasto-tabletti")
    choose(page, "satisfaction", 4)
    button(page, "Skicka").click()
    expect(page.locator("[data-kiosk-thanks]")).to_have_text("Tack! Ha en trevlig mässdag.")
    expect(page.get_by_role("status")).to_have_text(
        "Ditt svar har sparats på den här enheten. Det skickas så snart nätverket fungerar."
    )
    page.clock.fast_forward(5_500)
    expect(page.locator("form")).to_be_visible()
    choose(page, "satisfaction", 1)
    button(page, "Skicka").click()
    expect(page.locator("[data-kiosk-thanks]")).to_be_visible()
    waiting = {body["response_id"]: body["answers"] for body in queued(page, "messu-tyytyvaisyys")}
    assert sorted(waiting.values(), key=str) == [{"satisfaction": 1}, {"satisfaction": 4}]
    page.unroute("**/v1/**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(100):
        if not queued(page, "messu-tyytyvaisyys"):
            break
        page.wait_for_timeout(100)
    stored = stored_documents(server.responses("messu-tyytyvaisyys"))
    assert {rid: stored[rid]["answers"] for rid in waiting} == waiting
