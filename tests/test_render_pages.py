"""A survey's pages: languages, the no-JavaScript form, links that work from every folder, safety, weight."""

from __future__ import annotations

import gzip
import json
import posixpath
from datetime import date

import msgspec
import pytest
from example_surveys import RECOMMEND, base_theme, manifest_with, quiz_outcomes, store_survey
from page_tree import by_id, parse_page, question_element, text_of

from functions.manifest import AllOf, AnyOf, Condition, Option, Question
from site_builder.render import render_survey
from site_builder.show_if_text import describe_show_if

API = "https://api.lahde.fi"
SITE = "https://kysely.lahde.fi"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render_survey(store_survey(), base_theme(), base_url=SITE, api_url=API)


def test_the_folder_holds_each_language_its_thanks_page_and_the_default_page(files: dict[str, bytes]) -> None:
    pages = {name for name in files if name.endswith(".html")}
    assert pages == {"index.html"} | {f"{lang}/index.html" for lang in ("fi", "sv", "en")} | {
        f"{lang}/thanks/index.html" for lang in ("fi", "sv", "en")
    }
    assert "form.json" not in files


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_page_declares_its_language(files: dict[str, bytes], lang: str) -> None:
    for name in (f"{lang}/index.html", f"{lang}/thanks/index.html"):
        assert parse_page(files[name]).find("html").get("lang") == lang  # type: ignore[union-attr]


def test_the_default_page_is_the_first_language_with_links_that_work_from_the_survey_root(
    files: dict[str, bytes],
) -> None:
    root = parse_page(files["index.html"])
    assert root.find("html").get("lang") == "fi"  # type: ignore[union-attr]
    for element, attribute in [(e, "src") for e in root.iter("img")] + [(e, "href") for e in root.iter("a")]:
        target = element.get(attribute, "")
        if target.startswith("#"):
            continue
        resolved = posixpath.normpath(target).rstrip("/")
        assert resolved in files or f"{resolved}/index.html" in files, f"{target} leads nowhere"


@pytest.mark.parametrize("page", ["sv/index.html", "sv/thanks/index.html", "index.html"])
def test_language_switcher_links_to_the_other_languages_same_page(files: dict[str, bytes], page: str) -> None:
    tree = parse_page(files[page])
    nav = next(tree.iter("nav"))
    links = list(nav.iter("a"))
    own = tree.find("html").get("lang")  # type: ignore[union-attr]
    assert {a.get("lang") for a in links} == {"fi", "sv", "en"} - {own}
    for link in links:
        assert link.get("hreflang") == link.get("lang")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), link.get("href", "")))
        expected = f"{link.get('lang')}/thanks" if "thanks" in page else link.get("lang")
        assert target == expected
    assert text_of(nav) == ("Suomi English" if own == "sv" else "Svenska English")


def test_the_form_posts_to_the_collect_api_with_what_the_script_needs(files: dict[str, bytes]) -> None:
    form = next(parse_page(files["fi/index.html"]).iter("form"))
    assert form.get("method") == "post"
    assert form.get("action") == f"{API}/v1/surveys/lahde-palaute/responses"
    assert (form.get("data-survey"), form.get("data-version"), form.get("data-api")) == (
        "lahde-palaute", "0f1e2d3c4b5a6978", API
    )  # fmt: skip
    kiosk = json.loads(form.get("data-kiosk", ""))
    assert kiosk == {"thanks_seconds": 5, "idle_seconds": 45, "warning_seconds": 10, "touchpoints": ["myymala-kamppi"]}
    assert form.get("data-thanks") == "../fi/thanks/"


def test_without_javascript_every_page_is_a_section_of_one_form(files: dict[str, bytes]) -> None:
    form = next(parse_page(files["sv/index.html"]).iter("form"))
    sections = [s for s in form.iter("section")]
    assert [s.get("data-page") for s in sections] == ["0", "1"]
    assert [text_of(s.find("h2")) for s in sections] == ["Del 1 av 2", "Ditt besök"]  # type: ignore[arg-type]
    assert [q.get("data-question") for q in sections[1].iter("div") if q.get("data-question")] == [
        "satisfaction", "channel", "staff", "contact"
    ]  # fmt: skip
    assert [b.get("type") for b in form.iter("button")] == ["submit"]


def test_url_parameters_and_the_honeypot_are_posted_under_their_contract_names(files: dict[str, bytes]) -> None:
    form = next(parse_page(files["fi/index.html"]).iter("form"))
    hidden = {i.get("name"): i for i in form.iter("input") if i.get("type") == "hidden"}
    assert hidden["lang"].get("value") == "fi"
    # Filled in and enabled by the script from the URL; disabled fields are not posted without it.
    assert "disabled" in hidden["tp"].attrib and "disabled" in hidden["hidden.campaign"].attrib
    trap = next(i for i in form.iter("input") if i.get("name") == "website")
    container = next(d for d in form.iter("div") if trap in list(d))
    assert container.get("aria-hidden") == "true" and trap.get("tabindex") == "-1"


def test_conditional_questions_say_in_the_page_language_when_they_apply(files: dict[str, bytes]) -> None:
    english = question_element(parse_page(files["en/index.html"]), "praise")
    note = next(p for p in english.iter("p") if p.get("class") == "note")
    assert text_of(note) == (
        "Answer this if you chose 9 or more for “How likely are you to recommend Lähde to a friend?”."
    )


def test_a_long_earlier_question_is_quoted_short_and_options_by_their_label() -> None:
    visit = Question(id="visit", type="single_choice", page=0, text={"fi": "Mitä tulit hakemaan?", "sv": "Varför?"},
                     options=[Option(id="lunch", label={"fi": "Lounasta", "sv": "Lunch"}),
                              Option(id="coffee", label={"fi": "Kahvia", "sv": "Kaffe"})])  # fmt: skip
    text = {"fi": "Kuinka todennäköisesti suosittelisit Lähteen Kampin myymälää ystävällesi tai työkaverillesi?"}
    long = msgspec.structs.replace(RECOMMEND, text=text)
    manifest = manifest_with(long, visit)
    both = AllOf(all=[Condition(question="recommend", op="gt", value=8),
                      AnyOf(any=[Condition(question="visit", op="in", value=["lunch", "coffee"])])])  # fmt: skip
    assert describe_show_if(both, manifest, "fi") == (
        "Vastaa tähän, jos vastasit kysymykseen ”Kuinka todennäköisesti suosittelisit Lähteen Kampin…” yli 8 "
        "ja vastasit kysymykseen ”Mitä tulit hakemaan?” ”Lounasta” tai ”Kahvia”."
    )


def test_the_survey_window_is_left_to_the_script_never_to_the_build_date() -> None:
    page = parse_page(render_survey(store_survey(), base_theme(), base_url="", api_url=API)["fi/index.html"])
    notices = {p.get("data-notice"): p for p in page.iter("p") if p.get("data-notice")}
    assert set(notices) == {"not_open", "closed"}
    assert all("hidden" in p.attrib for p in notices.values())
    assert notices["not_open"].get("data-date") == "2026-12-01"
    assert text_of(notices["closed"]) == "Kysely päättyi 31.3.2027. Kiitos kiinnostuksestasi."
    form = next(page.iter("form"))
    assert form.get("data-timezone") == "Europe/Helsinki"


def test_the_same_survey_renders_to_the_same_bytes() -> None:
    first = render_survey(store_survey(), base_theme(), base_url=SITE, api_url=API)
    again = render_survey(store_survey(), base_theme(), base_url=SITE, api_url=API)
    assert first == again


def test_canonical_and_alternate_links_are_absolute_only_with_a_base_url(files: dict[str, bytes]) -> None:
    head = parse_page(files["index.html"]).find("html/head")
    assert head is not None
    links = {(link.get("rel"), link.get("hreflang")): link.get("href") for link in head.iter("link")}
    assert links[("canonical", None)] == f"{SITE}/lahde-palaute/fi/"
    assert links[("alternate", "sv")] == f"{SITE}/lahde-palaute/sv/"
    bare = render_survey(store_survey(), base_theme(), base_url="", api_url="")
    assert b"<link" not in bare["fi/index.html"]
    assert b'action="/v1/surveys/lahde-palaute/responses"' in bare["fi/index.html"]


def test_question_text_is_escaped_never_run() -> None:
    hostile = Question(id="vapaa", type="text", page=0,
                       text={"fi": 'Mitä mieltä olet? <script>alert("x")</script>', "sv": "<b>Vad</b> tycker du?"},
                       hint={"fi": "<img src=x onerror=alert(1)>", "sv": "Tips"})  # fmt: skip
    files = render_survey(manifest_with(hostile), base_theme(), base_url="", api_url=API)
    html = files["fi/index.html"].decode()
    # The only script is the survey's own file; the question's <script> arrived as text.
    assert html.count("<script") == 1 and '<script src="../assets/survey.' in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Vad&lt;/b&gt;" in files["sv/index.html"].decode()


def test_the_skip_link_leads_to_main_and_every_id_is_unique(files: dict[str, bytes]) -> None:
    page = parse_page(files["fi/index.html"])
    skip = next(page.iter("a"))
    assert skip.get("href") == "#main"
    assert by_id(page)["main"].tag == "main"


def test_the_thanks_page_keeps_each_quiz_outcome_ready_in_a_template() -> None:
    manifest = manifest_with(quiz=quiz_outcomes())
    page = parse_page(render_survey(manifest, base_theme(), base_url="", api_url=API)["sv/thanks/index.html"])
    assert text_of(next(page.iter("h1"))) == "Tack för din feedback!"
    outcome = by_id(page)["outcome"]
    assert "hidden" in outcome.attrib
    templates = {t.get("data-outcome"): t for t in outcome.iter("template")}
    assert list(templates) == ["aloittelija", "edellakavija"]
    first = templates["aloittelija"]
    assert [(e.tag, text_of(e)) for e in first] == [("h2", "Nybörjare"), ("p", "Börja med ett försök.")]


def test_the_page_stays_light_enough_for_one_round_trip(files: dict[str, bytes]) -> None:
    """Under 10 KiB gzipped without the script, leaving room for it within the first 14 KiB."""
    for name in ("index.html", "fi/index.html", "sv/index.html", "en/thanks/index.html"):
        assert len(gzip.compress(files[name], 9)) < 10 * 1024, name


def test_nothing_is_loaded_from_another_host(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        if not name.endswith(".html"):
            continue
        page = parse_page(data)
        for element in page.iter():
            for attribute in ("src", "href"):
                value = element.get(attribute, "")
                if element.tag == "link" and element.get("rel") in ("canonical", "alternate"):
                    continue
                assert not value.startswith(("http:", "https:", "//")), f"{name}: {element.tag} {value}"


def test_dates_in_notices_follow_each_language() -> None:
    manifest = manifest_with(languages=("fi", "sv", "en"), opens=date(2026, 12, 1))
    files = render_survey(manifest, base_theme(), base_url="", api_url=API)
    texts = [text_of(p) for lang in ("fi", "sv", "en") for p in parse_page(files[f"{lang}/index.html"]).iter("p")
             if p.get("data-notice") == "not_open"]  # fmt: skip
    assert texts == [
        "Kysely avautuu 1.12.2026.", "Enkäten öppnar 1 december 2026.", "This survey opens on 1 December 2026."
    ]  # fmt: skip


def test_a_consent_condition_reads_as_ticking_the_box() -> None:
    consent = Question(id="yhteys", type="consent", page=0,
                       text={"fi": "Saatte ottaa minuun yhteyttä.", "sv": "Ni får kontakta mig."})  # fmt: skip
    manifest = manifest_with(consent)
    condition = Condition(question="yhteys", op="eq", value=True)
    finnish, swedish = (describe_show_if(condition, manifest, lang) for lang in ("fi", "sv"))
    assert finnish == "Vastaa tähän, jos valitsit kohdan ”Saatte ottaa minuun yhteyttä”."
    assert swedish == "Svara på den här frågan om du kryssade i ”Ni får kontakta mig”."
