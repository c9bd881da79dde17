"""Every question type renders accessible, correctly named form controls (one fixture per type).

The fixtures under tests/fixtures/questions/ are manifest questions; each is rendered on a
real survey page in Finnish and Swedish, and the HTML is parsed, not grepped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import get_args

import pytest
from example_surveys import FIXTURES, base_theme, fixture_question, manifest_with
from page_tree import by_id, parse_page, question_element, text_of

from functions.manifest import QuestionType
from site_builder.render import render_survey

KINDS = sorted(p.stem for p in FIXTURES.glob("*.yaml"))
GROUPS = {"nps", "csat", "ces", "rating", "single_choice", "multi_choice", "likert"}


def rendered(kind: str, lang: str = "fi") -> tuple[ElementTree.Element, ElementTree.Element]:
    """The whole page and the question's wrapper."""
    question = fixture_question(kind)
    files = render_survey(manifest_with(question), base_theme(), base_url="", api_url="https://api.lahde.fi")
    page = parse_page(files[f"{lang}/index.html"])
    return page, question_element(page, question.id)


def controls(wrapper: ElementTree.Element) -> list[ElementTree.Element]:
    return [e for e in wrapper.iter() if e.tag in ("input", "textarea", "select")]


def test_there_is_a_fixture_and_a_template_for_every_question_type() -> None:
    assert sorted(get_args(QuestionType)) == KINDS


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_control_has_a_label_tied_to_its_id(kind: str, lang: str) -> None:
    page, wrapper = rendered(kind, lang)
    labels = {label.get("for"): text_of(label) for label in page.iter("label")}
    for control in controls(wrapper):
        assert control.get("id"), f"{kind}: a control without id"
        assert labels.get(control.get("id")), f"{kind}: no label for #{control.get('id')}"
    ids = by_id(page)
    for target in labels:
        assert target in ids, f"label for a missing element #{target}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_aria_describedby_names_elements_that_exist(kind: str) -> None:
    page, wrapper = rendered(kind)
    ids = by_id(page)
    described = [e for e in wrapper.iter() if e.get("aria-describedby")]
    assert described or kind == "info"
    for element in described:
        for target in element.get("aria-describedby", "").split():
            assert target in ids, f"{kind}: aria-describedby names missing #{target}"


@pytest.mark.parametrize("kind", sorted(GROUPS))
def test_every_group_is_a_fieldset_whose_legend_is_the_question(kind: str) -> None:
    _, wrapper = rendered(kind)
    fieldset = wrapper.find("fieldset")
    assert fieldset is not None
    assert fieldset[0].tag == "legend"
    question = fixture_question(kind)
    assert question.text["fi"] in text_of(fieldset[0])
    hint = question.hint["fi"] if question.hint else None
    if hint:
        described = fieldset.get("aria-describedby", "").split()
        assert any(text_of(e) == hint for e in fieldset.iter() if e.get("id") in described)


@pytest.mark.parametrize("kind", KINDS)
def test_the_wrapper_carries_what_the_script_reads(kind: str) -> None:
    _, wrapper = rendered(kind)
    question = fixture_question(kind)
    assert wrapper.get("data-type") == kind
    assert wrapper.get("data-page") == str(question.page)
    assert ("data-required" in wrapper.attrib) == question.required


def test_nps_offers_eleven_radios_named_after_the_question_with_end_labels() -> None:
    _, wrapper = rendered("nps")
    radios = [e for e in controls(wrapper) if e.get("type") == "radio"]
    assert [r.get("name") for r in radios] == ["suosittelu"] * 11
    assert [r.get("value") for r in radios] == [str(n) for n in range(11)]
    assert all("required" in r.attrib for r in radios)
    labels = {label.get("for"): text_of(label) for label in wrapper.iter("label")}
    assert labels[radios[0].get("id")] == "0 – Erittäin epätodennäköisesti"
    assert labels[radios[-1].get("id")] == "10 – Erittäin todennäköisesti"
    ends = next(e for e in wrapper.iter("div") if e.get("class") == "ends")
    assert ends.get("aria-hidden") == "true"
    assert [text_of(end) for end in ends] == ["Erittäin epätodennäköisesti", "Erittäin todennäköisesti"]


@pytest.mark.parametrize(("kind", "values", "first", "last"), [
    ("csat", range(1, 6), "Mycket missnöjd", "Mycket nöjd"),
    ("ces", range(1, 8), "Mycket svårt", "Mycket lätt"),
    ("rating", range(1, 5), "Inte användbar", "Mycket användbar"),
])  # fmt: skip
def test_scales_run_from_min_to_max_with_their_end_words_in_swedish(
    kind: str, values: range, first: str, last: str
) -> None:
    _, wrapper = rendered(kind, "sv")
    radios = [e for e in controls(wrapper) if e.get("type") == "radio"]
    assert [r.get("value") for r in radios] == [str(v) for v in values]
    labels = {label.get("for"): text_of(label) for label in wrapper.iter("label")}
    assert labels[radios[0].get("id")].endswith(first)
    assert labels[radios[-1].get("id")].endswith(last)
    assert labels[radios[1].get("id")] == str(values[1])


def test_single_choice_offers_its_options_and_an_other_answer_with_free_text() -> None:
    _, wrapper = rendered("single_choice")
    radios = [e for e in controls(wrapper) if e.get("type") == "radio"]
    assert [r.get("value") for r in radios] == ["myymala", "verkkokauppa", "sovellus", "other"]
    assert {r.get("name") for r in radios} == {"ostospaikka"}
    assert all("required" in r.attrib for r in radios)
    other = next(e for e in controls(wrapper) if e.get("name") == "ostospaikka.other")
    assert other.get("type") == "text" and other.get("maxlength")


def test_multi_choice_is_checkboxes_with_scores_and_a_hint_on_the_limit() -> None:
    _, wrapper = rendered("multi_choice")
    boxes = controls(wrapper)
    assert {b.get("type") for b in boxes} == {"checkbox"}
    assert {b.get("name") for b in boxes} == {"tarkeinta"}
    assert [b.get("data-score") for b in boxes] == ["1", "2", "2", "0"]
    assert not any("required" in b.attrib for b in boxes)
    assert any(text_of(e) == "Valitse enintään 2." for e in wrapper.iter() if e.get("class") == "hint")


def test_likert_rows_are_radio_groups_named_question_dot_row() -> None:
    _, wrapper = rendered("likert")
    rows = [f for f in wrapper.iter("fieldset") if f.get("class") == "row"]
    assert text_of(rows[0][0]) == "Minulla on työhön tarvittavat välineet."
    names = [{c.get("name") for c in controls(row)} for row in rows]
    assert names == [{"tyoymparisto.tyokalut"}, {"tyoymparisto.kulttuuri"}, {"tyoymparisto.johtaminen"}]
    first_row = controls(rows[0])
    assert [c.get("value") for c in first_row] == ["1", "2", "3", "4", "5"]
    labels = {label.get("for"): text_of(label) for label in rows[0].iter("label")}
    assert labels[first_row[0].get("id")] == "Täysin eri mieltä"
    assert labels[first_row[-1].get("id")] == "Täysin samaa mieltä"


def test_a_show_if_text_question_explains_when_it_applies_and_is_not_html_required() -> None:
    _, wrapper = rendered("text")
    (area,) = controls(wrapper)
    assert area.tag == "textarea" and area.get("name") == "parannettavaa" and area.get("maxlength") == "5000"
    assert "required" not in area.attrib
    assert wrapper.get("data-show-if") == '{"op":"lte","question":"recommend","value":6}'
    note = next(e for e in wrapper.iter("p") if e.get("class") == "note")
    assert note.get("id") in area.get("aria-describedby", "").split()
    assert text_of(note) == (
        "Vastaa tähän, jos vastasit kysymykseen ”Kuinka todennäköisesti suosittelisit Lähdettä ystävällesi?” "
        "6 tai vähemmän."
    )


def test_the_show_if_note_is_in_swedish_on_the_swedish_page() -> None:
    _, wrapper = rendered("text", "sv")
    note = next(e for e in wrapper.iter("p") if e.get("class") == "note")
    assert text_of(note).startswith("Svara på den här frågan om du svarade 6 eller mindre på ”Hur troligt")


def test_email_uses_the_email_input_type_with_its_hint() -> None:
    page, wrapper = rendered("email")
    (field,) = controls(wrapper)
    assert (field.get("type"), field.get("name"), field.get("autocomplete")) == ("email", "sahkoposti", "email")
    assert field.get("maxlength") == "254" and "required" not in field.attrib
    hint_id = field.get("aria-describedby", "").split()[0]
    assert text_of(by_id(page)[hint_id]) == "Käytämme osoitetta vain tähän palautteeseen vastaamiseen."


def test_number_carries_its_bounds_as_constraint_attributes() -> None:
    _, wrapper = rendered("number")
    (field,) = controls(wrapper)
    attrs = {k: field.get(k) for k in ("type", "name", "min", "max", "step", "inputmode")}
    assert attrs == {"type": "number", "name": "kaynnit", "min": "0", "max": "60", "step": "1", "inputmode": "numeric"}
    assert any(text_of(e) == "Anna luku väliltä 0–60." for e in wrapper.iter() if e.get("class") == "hint")


def test_required_consent_is_one_required_checkbox_posting_true() -> None:
    _, wrapper = rendered("consent")
    (box,) = controls(wrapper)
    assert (box.get("type"), box.get("name"), box.get("value")) == ("checkbox", "yhteydenotto", "true")
    assert "required" in box.attrib


def test_info_shows_its_sanitised_html_and_asks_nothing() -> None:
    _, wrapper = rendered("info")
    assert controls(wrapper) == []
    strong = next(wrapper.iter("strong"))
    assert strong.text == "myymälää"
