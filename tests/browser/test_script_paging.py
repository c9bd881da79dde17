"""The survey script in Chromium: one page at a time, live show_if, inline validation and the error summary."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError

from harness import Server
from playwright.sync_api import Page, expect
from script_answers import (
    active_id,
    answer_lahde_to_the_end,
    button,
    choose,
    progress,
    stored_documents,
    write,
)

from functions.collect.messages import problem_message

LAHDE = "/lahde-asiakaskokemus"


def question(page: Page, qid: str) -> object:
    return page.locator(f'[data-question="{qid}"]')


def test_next_and_back_move_one_page_at_a_time_and_keep_every_answer(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/")
    expect(progress(page)).to_have_text("Sivu 1/3")
    expect(page.locator("section.page").nth(1)).to_be_hidden()
    expect(button(page, "Lähetä")).to_be_hidden()
    expect(button(page, "Edellinen")).to_be_hidden()
    choose(page, "recommend", 9)
    write(page, "praise", "Myyjä neuvoi kärsivällisesti.")
    button(page, "Seuraava").click()
    expect(progress(page)).to_have_text("Sivu 2/3")
    expect(page.locator("section.page").first).to_be_hidden()
    expect(page.locator("#page-1")).to_be_focused()
    choose(page, "satisfaction", 4)
    choose(page, "topics", "price")
    choose(page, "topics", "service")
    button(page, "Seuraava").click()
    expect(progress(page)).to_have_text("Sivu 3/3")
    expect(button(page, "Lähetä")).to_be_visible()
    expect(button(page, "Seuraava")).to_be_hidden()
    button(page, "Edellinen").click()
    button(page, "Edellinen").click()
    expect(progress(page)).to_have_text("Sivu 1/3")
    expect(page.locator('[id="q-recommend.9"]')).to_be_checked()
    expect(page.locator('[data-question="praise"] textarea')).to_have_value("Myyjä neuvoi kärsivällisesti.")
    button(page, "Seuraava").click()
    expect(page.locator('[id="q-satisfaction.4"]')).to_be_checked()
    assert page.locator('[data-question="topics"] input:checked').count() == 2


def test_progress_is_announced_politely_in_the_page_language(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/sv/")
    expect(progress(page)).to_have_text("Sida 1 av 3")
    expect(progress(page)).to_have_attribute("aria-live", "polite")
    page.goto(server.url + LAHDE + "/en/")
    expect(progress(page)).to_have_text("Page 1 of 3")


def test_show_if_hides_and_shows_questions_as_answers_change(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/")
    expect(question(page, "reason")).to_be_hidden()
    expect(question(page, "praise")).to_be_hidden()
    choose(page, "recommend", 3)
    expect(question(page, "reason")).to_be_visible()
    expect(question(page, "praise")).to_be_hidden()
    choose(page, "recommend", 10)
    expect(question(page, "reason")).to_be_hidden()
    expect(question(page, "praise")).to_be_visible()
    choose(page, "recommend", 7)
    expect(question(page, "praise")).to_be_hidden()


def test_a_question_that_shows_only_when_a_box_is_ticked_follows_the_tick(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/")
    answer_lahde_to_the_end(page)
    expect(question(page, "contact_email")).to_be_hidden()
    page.locator('[id="q-contact_ok"]').check()
    expect(question(page, "contact_email")).to_be_visible()
    page.locator('[id="q-contact_ok"]').uncheck()
    expect(question(page, "contact_email")).to_be_hidden()


def test_the_other_text_box_opens_only_with_its_choice(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/")
    answer_lahde_to_the_end(page)
    button(page, "Edellinen").click()
    other = page.locator('[data-question="channel"] .other')
    expect(other).to_be_hidden()
    choose(page, "channel", "other")
    expect(other).to_be_visible()
    choose(page, "channel", "friend")
    expect(other).to_be_hidden()


def test_the_error_summary_takes_focus_and_its_links_focus_the_field(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/")
    button(page, "Seuraava").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("h2")).to_have_text("Tarkista vastauksesi")
    required = problem_message("required", {}, "fi")
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_have_text(
        f"Kuinka todennäköisesti suosittelisit Lähdettä ystävällesi tai kollegallesi? – {required}"
    )
    expect(page.locator('[id="q-recommend.error"]')).to_have_text(required)
    expect(progress(page)).to_have_text("Sivu 1/3")
    link.click()
    assert active_id(page) == "q-recommend.0"
    choose(page, "recommend", 8)
    button(page, "Seuraava").click()
    expect(summary).to_be_hidden()
    expect(progress(page)).to_have_text("Sivu 2/3")


def test_a_summary_link_opens_the_page_its_field_is_on(server: Server, page: Page) -> None:
    """The server may refuse an answer on an earlier page (a survey changed since the page loaded)."""
    refusal = {"error": "invalid", "lang": "fi", "errors": [
        {"field": "answers.recommend", "message": "expected a whole number from 0 to 10, got 11",
         "localized": "Valitse kokonaisluku väliltä 0–10."},
        {"field": "answers.satisfaction", "message": "expected a whole number from 1 to 5, got 6",
         "localized": "Valitse kokonaisluku väliltä 1–5."}]}  # fmt: skip
    page.route("**/v1/**", lambda route: route.fulfill(status=400, json=refusal))
    page.goto(server.url + LAHDE + "/fi/")
    answer_lahde_to_the_end(page)
    button(page, "Lähetä").click()
    links = page.locator("[data-error-summary]").get_by_role("link")
    expect(links.first).to_contain_text("Valitse kokonaisluku väliltä 0–10.")
    expect(progress(page)).to_have_text("Sivu 1/3")  # the first problem's page
    links.nth(1).click()
    expect(progress(page)).to_have_text("Sivu 2/3")
    assert active_id(page) == "q-satisfaction.1"
    links.first.click()
    expect(progress(page)).to_have_text("Sivu 1/3")
    assert active_id(page) == "q-recommend.0"


def server_says(server: Server, answers: dict[str, object], field: str, lang: str) -> str:
    """What the collect API itself answers for these answers, in `lang`, about `field`."""
    body = json.dumps({"lang": lang, "answers": answers}).encode()
    request = urllib.request.Request(server.url + f"/v1/surveys{LAHDE}/responses", data=body,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        urllib.request.urlopen(request, timeout=10)
    except HTTPError as refused:
        errors = json.loads(refused.read())["errors"]
        return str(next(e["localized"] for e in errors if e["field"] == field))
    raise AssertionError("the server took answers it should refuse")


def test_inline_messages_are_word_for_word_what_the_server_answers(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/sv/")
    choose(page, "recommend", 5)
    button(page, "Nästa").click()
    choose(page, "satisfaction", 3)
    choose(page, "topics", "price")
    choose(page, "topics", "service")
    choose(page, "topics", "delivery")
    button(page, "Nästa").click()
    topics = {"recommend": 5, "satisfaction": 3, "topics": ["price", "service", "delivery"]}
    expect(page.locator('[id="q-topics.error"]')).to_have_text(server_says(server, topics, "answers.topics", "sv"))
    page.locator('[id="q-topics.3"]').uncheck()
    button(page, "Nästa").click()
    page.locator('[id="q-visits"]').fill("400")
    page.locator('[id="q-contact_ok"]').check()
    write(page, "contact_email", "anna.lindqvist-at-lahde.fi")
    button(page, "Skicka").click()
    wrong = {"recommend": 5, "satisfaction": 3, "visits": 400, "contact_ok": True,
             "contact_email": "anna.lindqvist-at-lahde.fi"}  # fmt: skip
    expect(page.locator('[id="q-visits.error"]')).to_have_text(server_says(server, wrong, "answers.visits", "sv"))
    expect(page.locator('[id="q-contact_email.error"]')).to_have_text(
        server_says(server, wrong, "answers.contact_email", "sv")
    )
    expect(page.locator("[data-error-summary] li")).to_have_count(2)
    expect(page.locator('[id="q-contact_email"]')).to_have_attribute("aria-invalid", "true")


def test_a_submission_sends_touchpoint_hidden_fields_and_only_visible_answers(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/?tp=myymala-tampere&campaign=kevat")
    choose(page, "recommend", 3)
    write(page, "reason", "Kassajono oli pitkä.")
    choose(page, "recommend", 10)
    write(page, "praise", "Kassalla oli iloinen palvelu.")
    button(page, "Seuraava").click()
    choose(page, "satisfaction", 5)
    choose(page, "channel", "other")
    page.locator('[id="q-channel.other"]').fill("Radiomainos")
    button(page, "Seuraava").click()
    choose(page, "store_aspects", 5, row="staff")
    page.locator('[id="q-visits"]').fill("12")
    with page.expect_request("**/v1/surveys/**") as sent:
        button(page, "Lähetä").click()
    page.wait_for_url("**/fi/thanks/?tp=myymala-tampere")
    response_id = json.loads(sent.value.post_data or "{}")["response_id"]
    document = stored_documents(server.responses("lahde-asiakaskokemus"))[response_id]
    assert document["tp"] == "myymala-tampere" and document["hidden"] == {"campaign": "kevat"}
    assert document["answers"] == {
        "recommend": 10, "praise": "Kassalla oli iloinen palvelu.", "satisfaction": 5, "channel": "other",
        "channel.other": "Radiomainos", "store_aspects": {"staff": 5}, "visits": 12,
    }  # fmt: skip
    assert document["lang"] == "fi"


def test_the_language_switcher_keeps_the_touchpoint_and_hidden_fields(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/?tp=myymala-kamppi&campaign=kevat")
    swedish = page.locator('.langs a[lang="sv"]')
    expect(swedish).to_have_attribute("href", server.url + LAHDE + "/sv/?tp=myymala-kamppi&campaign=kevat")
    swedish.click()
    page.wait_for_url("**/sv/?tp=myymala-kamppi&campaign=kevat")
    expect(page.locator('input[name="tp"]')).to_have_value("myymala-kamppi")
    expect(page.locator('input[name="tp"]')).to_be_enabled()


def test_a_refusal_that_can_never_succeed_is_shown_and_not_kept(server: Server, page: Page) -> None:
    page.goto(server.url + LAHDE + "/fi/")
    refusal = {"error": "invalid", "lang": "fi", "errors": [
        {"field": "answers.satisfaction", "message": "expected a whole number from 1 to 5, got 9",
         "localized": "Valitse kokonaisluku väliltä 1–5."}]}  # fmt: skip
    page.route("**/v1/**", lambda route: route.fulfill(status=400, json=refusal))
    answer_lahde_to_the_end(page)
    button(page, "Lähetä").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text("Valitse kokonaisluku väliltä 1–5.")
    assert page.evaluate("localStorage.getItem('palaute:lahde-asiakaskokemus')") is None
    expect(page.locator("form")).not_to_have_attribute("inert", "")
    assert "/thanks/" not in page.url
