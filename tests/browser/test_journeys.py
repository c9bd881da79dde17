"""Respondent journeys (issue 6): real Chromium, a served survey, and the response checked in the store.

Kauppa Lähde's web shop customer arrives from the Christmas campaign link, answers every kind of
question on a phone and on a desktop, with a keyboard only, with JavaScript off and with the
network gone; a trade-fair tablet takes visitor after visitor; a company gets its digital
maturity profile; the results are read in the browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from audit import assert_no_violations
from harness import DESKTOP, ROOT, Server, example_spec
from playwright.sync_api import expect
from respondent import (
    WAIT_MS,
    KeyboardRespondent,
    answer,
    current_page,
    go_forward,
    question,
    stored_documents,
    wait_for_section,
    wait_for_thanks,
)

STORE = "lahde-asiakaskokemus"
FAIR = "messu-tyytyvaisyys"
QUIZ = "digikypsyys"
WEB_SHOP_LINK = f"/{STORE}/fi/?tp=verkkokauppa&campaign=joulu"
KIOSK_LINK = f"/{FAIR}/fi/?tp=osasto-tabletti"
PRAISE = "Myyjä löysi oikean koon, ja paketti tuli jo seuraavana päivänä."
HEARD_ON = "Paikallisradion mainoksesta"
EMAIL = "aino.virtanen@example.fi"


def _new_response(server: Server, survey: str, before: int) -> dict[str, Any]:
    """The one response stored since the store held `before` of the survey's responses."""
    rows = server.wait_for_responses(survey, before + 1)
    assert len(rows) == before + 1, f"expected one new {survey} response, the store has {len(rows) - before}"
    return stored_documents(rows)[-1]


def _expect_store_journey_answers(document: dict[str, Any]) -> None:
    answers = document["answers"]
    assert answers["recommend"] == 10 and answers["praise"] == PRAISE
    assert "reason" not in answers, "a question hidden by show_if kept an answer"
    assert answers["satisfaction"] == 5 and answers["effort"] == 6
    assert sorted(answers["topics"]) == ["delivery", "price"]
    assert answers["channel"] == "other" and answers["channel.other"] == HEARD_ON
    assert answers["store_aspects"] == {"staff": 5, "queue": 4}
    assert answers["visits"] == 14 and answers["contact_ok"] is True and answers["contact_email"] == EMAIL


@pytest.mark.parametrize("device", ["phone", "page"])
def test_web_shop_customer_answers_every_question_type_page_by_page(
    server: Server, device: str, request: pytest.FixtureRequest
) -> None:
    page = request.getfixturevalue(device)
    before = len(server.responses(STORE))
    page.goto(server.url + WEB_SHOP_LINK, timeout=WAIT_MS)
    wait_for_section(page, 0)
    expect(question(page, "reason")).to_be_hidden(timeout=WAIT_MS)
    expect(question(page, "praise")).to_be_hidden(timeout=WAIT_MS)

    answer(page, "recommend", 5)
    expect(question(page, "reason")).to_be_visible(timeout=WAIT_MS)
    expect(question(page, "praise")).to_be_hidden(timeout=WAIT_MS)
    answer(page, "reason", "Kassajono oli pitkä.")
    answer(page, "recommend", 10)  # a change of heart: the follow-up question changes with it
    expect(question(page, "praise")).to_be_visible(timeout=WAIT_MS)
    expect(question(page, "reason")).to_be_hidden(timeout=WAIT_MS)
    answer(page, "praise", PRAISE)
    go_forward(page)

    wait_for_section(page, 1)
    answer(page, "satisfaction", 5)
    answer(page, "effort", 6)
    answer(page, "topics", ["price", "delivery"])
    answer(page, "channel", "other", other=HEARD_ON)
    go_forward(page)

    wait_for_section(page, 2)
    answer(page, "store_aspects", {"staff": 5, "queue": 4})
    answer(page, "visits", 14)
    expect(question(page, "contact_email")).to_be_hidden(timeout=WAIT_MS)
    answer(page, "contact_ok", True)
    expect(question(page, "contact_email")).to_be_visible(timeout=WAIT_MS)
    answer(page, "contact_email", EMAIL)
    go_forward(page)

    wait_for_thanks(page, f"/{STORE}/fi/thanks/")
    expect(page.locator("h1")).to_contain_text(example_spec(STORE)["thanks"]["fi"], timeout=WAIT_MS)
    document = _new_response(server, STORE, before)
    assert (document["tp"], document["lang"], document["hidden"]) == ("verkkokauppa", "fi", {"campaign": "joulu"})
    _expect_store_journey_answers(document)


def test_keyboard_only_customer_completes_the_survey_with_focus_always_shown(server: Server, page: Any) -> None:
    before = len(server.responses(STORE))
    page.goto(server.url + WEB_SHOP_LINK, timeout=WAIT_MS)
    wait_for_section(page, 0)
    keys = KeyboardRespondent(page)

    keys.tab_to('input[name="recommend"]')
    keys.pick_on_scale(10)  # 0 with Space, then right to 10
    keys.tab_to('textarea[name="praise"]')
    keys.type(PRAISE)
    keys.tab_to('input[name="recommend"]', backwards=True)  # back to check the score, then on again
    assert keys.focused('input[name="recommend"][value="10"]'), "Shift+Tab did not return to the picked score"
    keys.tab_to('textarea[name="praise"]')
    keys.tab_to_forward_button()
    keys.press("Enter")

    wait_for_section(page, 1)
    keys.check_focus("on the second page")
    keys.tab_to('input[name="satisfaction"]')
    keys.pick_on_scale(4)
    keys.tab_to('input[name="effort"]')
    keys.pick_on_scale(5)
    keys.tab_to('input[name="topics"][value="price"]')
    keys.press("Space")
    keys.tab_to('input[name="topics"][value="delivery"]')
    keys.press("Space")
    keys.tab_to('input[name="channel"]')
    keys.press("Space")
    for _ in range(3):
        keys.press("ArrowDown")  # friend → ad → social → other
    keys.tab_to('input[name="channel.other"]')
    keys.type(HEARD_ON)
    keys.tab_to_forward_button()
    keys.press("Enter")

    wait_for_section(page, 2)
    keys.check_focus("on the third page")
    keys.tab_to('input[name="store_aspects.staff"]')
    keys.pick_on_scale(4)
    keys.tab_to('input[name="store_aspects.queue"]')
    keys.pick_on_scale(3)
    keys.tab_to('input[name="visits"]')
    keys.type("14")
    keys.tab_to('input[name="contact_ok"]')
    keys.press("Space")
    keys.tab_to('input[name="contact_email"]')
    keys.type(EMAIL)
    keys.tab_to_forward_button()
    keys.press("Enter", check=False)  # the thank-you page is a new document

    wait_for_thanks(page, f"/{STORE}/fi/thanks/")
    document = _new_response(server, STORE, before)
    assert (document["tp"], document["hidden"]) == ("verkkokauppa", {"campaign": "joulu"})
    _expect_store_journey_answers(document)


def test_skipping_a_required_question_leads_through_the_error_summary_back_to_it(server: Server, page: Any) -> None:
    page.goto(server.url + WEB_SHOP_LINK, timeout=WAIT_MS)
    wait_for_section(page, 0)
    keys = KeyboardRespondent(page)
    keys.tab_to_forward_button()
    keys.press("Enter")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function("() => document.activeElement?.closest('[data-error-summary]')", timeout=WAIT_MS)
    keys.check_focus("on the error summary")
    expect(question(page, "recommend")).to_have_attribute("data-invalid", re.compile(".*"), timeout=WAIT_MS)
    expect(page.locator("#q-recommend\\.error")).not_to_be_empty(timeout=WAIT_MS)

    keys.tab_to("[data-error-summary] a")
    keys.press("Enter")
    page.wait_for_function("() => document.activeElement?.closest('[data-question=\"recommend\"]')", timeout=WAIT_MS)
    keys.check_focus("after following the error summary's link")
    keys.pick_on_scale(8)
    assert current_page(page) == [0], "the survey moved on before the respondent asked it to"
    keys.tab_to_forward_button()
    keys.press("Enter")
    wait_for_section(page, 1)
    expect(summary).to_be_hidden(timeout=WAIT_MS)
    expect(question(page, "recommend")).not_to_have_attribute("data-invalid", re.compile(".*"), timeout=WAIT_MS)


def test_without_javascript_the_form_posts_and_lands_on_the_thank_you_page(server: Server, nojs: Any) -> None:
    before = len(server.responses(STORE))
    nojs.goto(server.url + WEB_SHOP_LINK, timeout=WAIT_MS)
    assert current_page(nojs) == [0, 1, 2], "without the script every page of the form is shown at once"
    answer(nojs, "recommend", 10)
    answer(nojs, "praise", PRAISE)
    answer(nojs, "satisfaction", 5)
    answer(nojs, "effort", 6)
    answer(nojs, "topics", ["price", "delivery"])
    answer(nojs, "channel", "other", other=HEARD_ON)
    answer(nojs, "store_aspects", {"staff": 5, "queue": 4})
    answer(nojs, "visits", 14)
    answer(nojs, "contact_ok", True)
    answer(nojs, "contact_email", EMAIL)
    go_forward(nojs)

    wait_for_thanks(nojs, f"/{STORE}/fi/thanks/")
    expect(nojs.locator("h1")).to_contain_text(example_spec(STORE)["thanks"]["fi"], timeout=WAIT_MS)
    document = _new_response(server, STORE, before)
    assert document["lang"] == "fi"
    _expect_store_journey_answers(document)


def _answers_in_local_storage(page: Any, text: str) -> bool:
    return bool(page.evaluate(
        "text => Object.keys(localStorage).some(key => (localStorage.getItem(key) || '').includes(text))", text
    ))  # fmt: skip


def test_an_answer_given_offline_is_kept_and_sent_once_when_the_network_returns(server: Server, page: Any) -> None:
    comment = "Hyvä esittely, mutta osastolla oli kuuma."
    before = len(server.responses(FAIR))
    posts: list[int] = []
    page.on("response", lambda r: posts.append(r.status) if r.request.method == "POST" and "/v1/" in r.url else None)
    page.clock.install()
    page.goto(f"{server.url}/{FAIR}/fi/?tp=esite", timeout=WAIT_MS)
    page.route("**/v1/**", lambda route: route.abort("internetdisconnected"))
    answer(page, "satisfaction", 4)
    answer(page, "demo_rating", 3)
    answer(page, "comment", comment)
    go_forward(page)

    kept = json.loads((ROOT / "site_builder" / "messages" / "fi.json").read_text(encoding="utf-8"))["queued"]
    said = page.locator("[role=status], [role=alert], [aria-live]").filter(has_text=kept)
    expect(said.first).to_be_visible(timeout=WAIT_MS)  # "saved on this device, sent when the network works"
    assert _answers_in_local_storage(page, comment), "the answer was not kept in localStorage while offline"
    assert server.responses(FAIR)[before:] == []

    page.unroute("**/v1/**")
    page.context.set_offline(True)
    page.context.set_offline(False)  # the browser's "online" event sends it at once
    page.wait_for_function(
        "text => !Object.keys(localStorage).some(k => (localStorage.getItem(k) || '').includes(text))",
        arg=comment, timeout=WAIT_MS,
    )  # fmt: skip
    # Only now move the page's clock: jumping it while that post is still on the wire would fire the
    # post's own 20 s time-out under it, and the retry that follows is a second post of the same answer.
    page.clock.run_for(60_000)  # any retry timer left over comes due
    rows = server.wait_for_responses(FAIR, before + 1)
    assert len(rows) == before + 1, "the kept answer was not sent when the network came back"
    page.clock.run_for(120_000)
    page.wait_for_timeout(1000)
    documents = stored_documents(server.responses(FAIR))[before:]
    assert len(documents) == 1 and documents[0]["answers"]["comment"] == comment
    assert documents[0]["tp"] == "esite"
    assert posts.count(202) == 1, f"the answer reached the API {posts.count(202)} times: {posts}"
    assert not _answers_in_local_storage(page, comment), "the sent answer is still kept on the device"


def _kiosk_form_is_fresh(page: Any) -> None:
    page.wait_for_function(
        """() => {
          const form = document.querySelector('form[data-survey]');
          const typed = [...form.querySelectorAll('textarea, input[type=text], input[type=email], input[type=number]')];
          return form.checkVisibility() && !form.querySelector('input:checked') && typed.every(field => !field.value);
        }""",
        timeout=WAIT_MS,
    )
    assert "tp=osasto-tabletti" in page.url, f"the tablet lost its touchpoint: {page.url}"


def test_kiosk_tablet_thanks_each_visitor_and_is_ready_for_the_next(server: Server, page: Any) -> None:
    spec = example_spec(FAIR)
    before = len(server.responses(FAIR))
    page.clock.install()
    page.goto(server.url + KIOSK_LINK, timeout=WAIT_MS)
    for satisfaction, comment in ((5, "Kiitos hyvästä esittelystä!"), (3, "Tack, trevlig personal.")):
        answer(page, "satisfaction", satisfaction)
        answer(page, "demo_rating", 4)
        answer(page, "comment", comment)
        go_forward(page)
        expect(page.get_by_text(spec["thanks"]["fi"])).to_be_visible(timeout=WAIT_MS)
        page.clock.run_for((spec["kiosk"]["thanks_seconds"] + 1) * 1000)
        _kiosk_form_is_fresh(page)
    documents = stored_documents(server.wait_for_responses(FAIR, before + 2))[before:]
    assert [d["answers"]["comment"] for d in documents] == ["Kiitos hyvästä esittelystä!", "Tack, trevlig personal."]
    assert {d["tp"] for d in documents} == {"osasto-tabletti"} and len({d["response_id"] for d in documents}) == 2


def test_kiosk_form_left_half_filled_resets_itself_for_the_next_visitor(server: Server, page: Any) -> None:
    kiosk = example_spec(FAIR)["kiosk"]
    before = len(server.responses(FAIR))
    page.clock.install()
    page.goto(server.url + KIOSK_LINK, timeout=WAIT_MS)
    answer(page, "satisfaction", 2)
    answer(page, "comment", "Kesken jäi")
    page.clock.run_for((kiosk["idle_seconds"] - kiosk["warning_seconds"] - 1) * 1000)
    page.wait_for_timeout(200)
    assert page.locator('input[name="satisfaction"]:checked').count() == 1, "reset before the visitor was idle"
    page.clock.run_for((kiosk["warning_seconds"] + 2) * 1000)
    page.wait_for_timeout(200)
    page.clock.run_for((kiosk["warning_seconds"] + 2) * 1000)
    _kiosk_form_is_fresh(page)
    assert server.responses(FAIR)[before:] == [], "a half-filled kiosk form was sent"


QUIZ_CASES = {
    # strategy written 2 + leadership 4 + two tools 2 + yearly training 1 = 9
    "fi": ({"strategy": "written", "leadership": 4}, {"tools": ["cloud", "analytics"], "skills": "yearly"}, 9,
           "uudistaja"),
    # no strategy 0 + leadership 1 + one tool 1 + ad hoc training 0 = 2
    "sv": ({"strategy": "none", "leadership": 1}, {"tools": ["cloud"], "skills": "ad_hoc"}, 2, "aloittelija"),
}  # fmt: skip


@pytest.mark.parametrize("lang", list(QUIZ_CASES))
def test_quiz_answers_give_the_expected_profile_on_the_thank_you_page(server: Server, page: Any, lang: str) -> None:
    first, second, score, outcome = QUIZ_CASES[lang]
    titles = {o["id"]: o["title"][lang] for o in example_spec(QUIZ)["quiz"]["outcomes"]}
    before = len(server.responses(QUIZ))
    page.goto(f"{server.url}/{QUIZ}/{lang}/?tp=seminaari", timeout=WAIT_MS)
    for question_id, value in first.items():
        answer(page, question_id, value)
    go_forward(page)
    wait_for_section(page, 1)
    for question_id, value in second.items():
        answer(page, question_id, value)
    go_forward(page)

    wait_for_thanks(page, f"/{QUIZ}/{lang}/thanks/")
    profile = page.locator("#outcome")
    expect(profile).to_be_visible(timeout=WAIT_MS)
    expect(profile.locator("h2")).to_have_text(titles[outcome], timeout=WAIT_MS)
    document = _new_response(server, QUIZ, before)
    assert (document["outcome"], document["score"], document["tp"]) == (outcome, score, "seminaari")


def _quick_store_respondent(page: Any, recommend: int) -> None:
    """Only the required questions of the store survey, then submit."""
    answer(page, "recommend", recommend)
    go_forward(page)
    wait_for_section(page, 1)
    answer(page, "satisfaction", 4)
    go_forward(page)
    wait_for_section(page, 2)
    go_forward(page)


def test_switching_language_keeps_the_touchpoint_and_campaign(server: Server, page: Any) -> None:
    before = len(server.responses(STORE))
    page.goto(server.url + WEB_SHOP_LINK, timeout=WAIT_MS)
    page.locator('nav a[hreflang="sv"]').click(timeout=WAIT_MS)
    page.wait_for_url(re.compile(rf"/{STORE}/sv/\?"), timeout=WAIT_MS)
    assert page.url.endswith("?tp=verkkokauppa&campaign=joulu"), page.url
    assert page.locator("html").get_attribute("lang") == "sv"
    _quick_store_respondent(page, 8)
    wait_for_thanks(page, f"/{STORE}/sv/thanks/")
    document = _new_response(server, STORE, before)
    assert (document["lang"], document["tp"], document["hidden"]) == ("sv", "verkkokauppa", {"campaign": "joulu"})


def test_report_in_the_browser_counts_the_submitted_responses(
    server: Server, page: Any, browser: Any, axe: Path
) -> None:
    page.goto(f"{server.url}/{STORE}/sv/?tp=myymala-tampere", timeout=WAIT_MS)
    _quick_store_respondent(page, 9)
    wait_for_thanks(page, f"/{STORE}/sv/thanks/")
    stored = len(server.wait_for_responses(STORE, 1))
    context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {server.token(STORE)}"}, **DESKTOP)
    try:
        reader = context.new_page()
        reply = reader.goto(f"{server.url}/v1/surveys/{STORE}/report?format=html", timeout=WAIT_MS)
        assert reply is not None and reply.status == 200
        expect(reader.locator(".count")).to_have_text(str(stored), timeout=WAIT_MS)
        expect(reader.locator("h1")).to_have_text(example_spec(STORE)["title"]["fi"])
        assert_no_violations(reader, axe, "the HTML report")
    finally:
        context.close()
