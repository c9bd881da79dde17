"""Offline: a response waits in localStorage, the respondent is told, and it is sent once the network is back."""

from __future__ import annotations

import json
import time
from typing import Any

from harness import Server
from playwright.sync_api import Page, Route, expect
from script_answers import answer_lahde_to_the_end, button, choose, queued, stored_documents

LAHDE = "/lahde-asiakaskokemus"
SAVED = "Vastauksesi on tallennettu tähän laitteeseen. Se lähetetään heti, kun verkkoyhteys toimii."


def wait_until(page: Page, condition: Any, seconds: float = 10) -> None:
    """Polls through Playwright, so route handlers keep running (time.sleep would block them)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def test_an_offline_response_is_kept_told_and_sent_once_when_the_network_returns(server: Server, page: Page) -> None:
    attempts: list[str] = []

    def network_down(route: Route) -> None:
        attempts.append(json.loads(route.request.post_data or "{}")["response_id"])
        route.abort()

    page.route("**/v1/**", network_down)
    page.goto(server.url + LAHDE + "/fi/?tp=verkkokauppa")
    answer_lahde_to_the_end(page)
    button(page, "Lähetä").click()
    status = page.get_by_role("status").filter(has_text=SAVED)
    expect(status).to_be_visible()
    [waiting] = queued(page, "lahde-asiakaskokemus")
    wait_until(page, lambda: len(attempts) >= 2)  # the first retry comes 2 s later, with the same id
    assert set(attempts) == {waiting["response_id"]}
    assert waiting["response_id"] not in stored_documents(server.responses("lahde-asiakaskokemus"))
    page.unroute("**/v1/**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url("**/fi/thanks/?tp=verkkokauppa")
    stored = [row for row in server.responses("lahde-asiakaskokemus") if row["response_id"] == waiting["response_id"]]
    assert len(stored) == 1
    assert json.loads(stored[0]["document"])["answers"] == {"recommend": 9, "satisfaction": 4}
    assert queued(page, "lahde-asiakaskokemus") == []


def test_a_response_left_in_the_queue_is_sent_on_the_next_page_load(server: Server, page: Page) -> None:
    page.route("**/v1/**", lambda route: route.abort())
    page.goto(server.url + LAHDE + "/sv/")
    choose(page, "recommend", 6)
    button(page, "Nästa").click()
    choose(page, "satisfaction", 2)
    button(page, "Nästa").click()
    button(page, "Skicka").click()
    expect(page.get_by_role("status")).to_have_text(
        "Ditt svar har sparats på den här enheten. Det skickas så snart nätverket fungerar."
    )
    [waiting] = queued(page, "lahde-asiakaskokemus")
    page.close()
    later = page.context.new_page()
    with later.expect_response("**/v1/surveys/**") as reply:
        later.goto(server.url + LAHDE + "/sv/")
    assert reply.value.status == 202
    wait_until(later, lambda: queued(later, "lahde-asiakaskokemus") == [])
    stored = stored_documents(server.responses("lahde-asiakaskokemus"))
    assert stored[waiting["response_id"]]["lang"] == "sv"
    assert stored[waiting["response_id"]]["answers"] == {"recommend": 6, "satisfaction": 2}


def test_a_busy_server_is_retried_with_the_same_response_id_until_it_takes_the_response(
    server: Server, page: Page
) -> None:
    seen: list[str] = []

    def busy_once(route: Route) -> None:
        seen.append(json.loads(route.request.post_data or "{}")["response_id"])
        if len(seen) == 1:
            route.fulfill(status=503, json={"error": "unavailable", "errors": []}, headers={"Retry-After": "5"})
        else:
            route.continue_()

    page.route("**/v1/**", busy_once)
    page.goto(server.url + LAHDE + "/fi/")
    answer_lahde_to_the_end(page, recommend=2)
    button(page, "Lähetä").click()
    page.wait_for_url("**/fi/thanks/", timeout=15_000)
    assert len(seen) == 2 and seen[0] == seen[1]
    assert len([r for r in server.responses("lahde-asiakaskokemus") if r["response_id"] == seen[0]]) == 1
