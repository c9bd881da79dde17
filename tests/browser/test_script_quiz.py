"""Digiarvio's maturity quiz: the respondent sees the outcome the server also stores, with or without script."""

from __future__ import annotations

import json

import pytest
from harness import Server
from playwright.sync_api import Page, expect
from script_answers import button, choose

QUIZ = "/digikypsyys"


def stored_outcomes(server: Server) -> dict[str, tuple[str, float]]:
    docs = [json.loads(row["document"]) for row in server.responses("digikypsyys")]
    return {d["response_id"]: (d["outcome"], d["score"]) for d in docs}


def answer(page: Page, strategy: str, leadership: int, tools: list[str], skills: str, next_: str) -> None:
    choose(page, "strategy", strategy)
    choose(page, "leadership", leadership)
    button(page, next_).click()
    for tool in tools:
        choose(page, "tools", tool)
    choose(page, "skills", skills)


@pytest.mark.parametrize(
    ("lang", "answers", "outcome", "title", "score"),
    [
        ("fi", ("none", 1, ["cloud"], "ad_hoc"), "aloittelija", "Aloittelija", 2),
        ("sv", ("planned", 3, ["cloud", "analytics"], "yearly"), "rakentaja", "Byggare", 7),
        ("fi", ("written", 5, ["cloud", "analytics", "automation"], "continuous"), "edellakavija", "Edelläkävijä", 12),
    ],
)
def test_the_thank_you_page_shows_the_outcome_the_answers_score(
    server: Server, page: Page, lang: str, answers: tuple[str, int, list[str], str], outcome: str, title: str,
    score: int,
) -> None:  # fmt: skip
    words = {"fi": ("Seuraava", "Lähetä"), "sv": ("Nästa", "Skicka")}[lang]
    page.goto(server.url + f"{QUIZ}/{lang}/?tp=seminaari&campaign=syksy")
    answer(page, *answers, next_=words[0])
    with page.expect_request("**/v1/**") as sent:
        button(page, words[1]).click()
    page.wait_for_url(f"**{QUIZ}/{lang}/thanks/?tp=seminaari&outcome={outcome}")
    box = page.locator("#outcome")
    expect(box).to_be_visible()
    expect(box.locator("h2")).to_have_text(title)
    response_id = json.loads(sent.value.post_data or "{}")["response_id"]
    assert stored_outcomes(server)[response_id] == (outcome, score)


def test_an_outcome_named_in_the_address_shows_on_the_thank_you_page(server: Server, page: Page) -> None:
    page.goto(server.url + f"{QUIZ}/sv/thanks/?outcome=kokeilija")
    expect(page.locator("#outcome h2")).to_have_text("Experimenterare")
    page.goto(server.url + f"{QUIZ}/sv/thanks/")
    expect(page.locator("#outcome")).to_be_hidden()


def test_each_outcome_page_shows_its_outcome_without_javascript(server: Server, nojs: Page) -> None:
    nojs.goto(server.url + f"{QUIZ}/fi/thanks/uudistaja/")
    expect(nojs.locator("#outcome h2")).to_have_text("Uudistaja")
    expect(nojs.locator("#outcome")).to_contain_text("Digitaalisuus ohjaa jo toimintaa.")


def test_without_javascript_a_posted_quiz_lands_on_its_outcome(server: Server, nojs: Page) -> None:
    nojs.goto(server.url + f"{QUIZ}/fi/")
    for qid, value in (("strategy", "none"), ("leadership", "1"), ("tools", "cloud"), ("skills", "ad_hoc")):
        nojs.locator(f'[data-question="{qid}"] input[value="{value}"]').check()
    button(nojs, "Lähetä").click()
    nojs.wait_for_url("**/fi/thanks/**")
    expect(nojs.locator("#outcome h2")).to_have_text("Aloittelija", timeout=2_000)
