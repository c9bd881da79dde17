"""A producer's mistakes in a survey spec are reported with file, line, key and a way to fix them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from spec_problems import spec_problems

from site_builder.problems import Problem

SPEC = textwrap.dedent(
    """\
    id: kahvila-palaute
    theme: kauppaketju
    languages: [fi, sv]
    title: {fi: Kerro käynnistäsi, sv: Berätta om ditt besök}
    questions:
      - id: recommend
        type: nps
        required: true
        text: {fi: Suosittelisitko meitä?, sv: Skulle du rekommendera oss?}
      - id: reason
        type: text
        show_if: {question: recommend, lte: 6}
        text: {fi: Mitä voisimme parantaa?, sv: Vad kan vi förbättra?}
      - id: visit
        type: single_choice
        text: {fi: Mitä tulit hakemaan?, sv: Vad kom du för?}
        options:
          - {id: coffee, label: {fi: Kahvia, sv: Kaffe}}
          - {id: lunch, label: {fi: Lounasta, sv: Lunch}}
    thanks: {fi: Kiitos!, sv: Tack!}
    """
)


def problems_of(tmp_path: Path, text: str, name: str = "kahvila-palaute") -> list[Problem]:
    return spec_problems(tmp_path, name, text)


def only(problems: list[Problem], fragment: str) -> Problem:
    found = [p for p in problems if fragment in p.message]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_a_valid_spec_has_no_problems(tmp_path: Path) -> None:
    assert problems_of(tmp_path, SPEC) == []


def test_a_misspelt_key_names_its_line_and_suggests_the_right_key(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, SPEC.replace("    options:", "    optoins:"))
    typo = only(problems, 'unknown key "optoins"')
    assert typo.line == 17
    assert typo.hint == 'did you mean "options"?'
    assert typo.key == "questions[2].optoins"
    assert "kahvila-palaute.yaml:17" in str(typo)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    broken = (
        SPEC.replace("    options:", "    optoins:")
        .replace("type: nps", "type: nsp")
        .replace("theme: kauppaketju", "theme: Kauppa ketju")
    )
    problems = problems_of(tmp_path, broken)
    assert {p.line for p in problems} >= {2, 7, 17}


def test_an_unknown_question_type_lists_the_known_ones(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, SPEC.replace("type: nps", "type: nsp")), 'unknown type "nsp"')
    assert problem.line == 7
    assert "single_choice" in problem.message
    assert problem.hint == 'did you mean "nps"?'


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    problem = problems_of(tmp_path, SPEC.replace("title: {fi: Kerro", "title: {fi: [Kerro"))[0]
    assert "not valid YAML" in problem.message
    assert problem.line == 4


def test_a_key_written_twice_is_a_yaml_problem(tmp_path: Path) -> None:
    problem = problems_of(tmp_path, SPEC + "thanks: {fi: Kiitos taas!, sv: Tack igen!}\n")[0]
    assert "duplicate key" in problem.message
    assert problem.line == 21


def test_duplicate_question_ids_point_at_both_places(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, SPEC.replace("id: visit", "id: recommend")), "used twice")
    assert problem.line == 14
    assert "first at line 6" in problem.message


def test_duplicate_option_ids_are_refused(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, SPEC.replace("id: lunch", "id: coffee")), 'option id "coffee"')
    assert problem.line == 19


def test_the_survey_id_must_match_its_file_name(tmp_path: Path) -> None:
    problem = only(problems_of(tmp_path, SPEC, name="kahvila"), "differs from the file name")
    assert problem.line == 1
    assert "kahvila.yaml" in problem.message


def test_a_missing_translation_names_the_language_and_key(tmp_path: Path) -> None:
    text = SPEC.replace(
        "text: {fi: Mitä voisimme parantaa?, sv: Vad kan vi förbättra?}", "text: {fi: Mitä voisimme parantaa?}"
    )
    problem = only(problems_of(tmp_path, text), 'no "sv" translation')
    assert (problem.line, problem.key) == (13, "questions[1].text")


def test_a_plain_text_needs_translations_in_a_multilingual_survey(tmp_path: Path) -> None:
    problem = only(
        problems_of(tmp_path, SPEC.replace("thanks: {fi: Kiitos!, sv: Tack!}", "thanks: Kiitos!")), "plain text"
    )
    assert problem.line == 20
    assert "fi: …, sv: …" in problem.hint


def test_a_plain_text_is_fine_in_a_one_language_survey(tmp_path: Path) -> None:
    one = textwrap.dedent(
        """\
        id: kahvila-palaute
        theme: kauppaketju
        languages: [fi]
        title: Kerro käynnistäsi
        questions:
          - {id: recommend, type: nps, text: Suosittelisitko meitä?}
        thanks: Kiitos!
        """
    )
    assert problems_of(tmp_path, one) == []


def test_a_translation_in_a_language_the_survey_lacks_is_refused(tmp_path: Path) -> None:
    text = SPEC.replace("thanks: {fi: Kiitos!, sv: Tack!}", "thanks: {fi: Kiitos!, sv: Tack!, se: Giitu!}")
    problem = only(problems_of(tmp_path, text), '"se" is not one of')
    assert "fi, sv" in problem.hint


def test_show_if_may_only_look_back(tmp_path: Path) -> None:
    text = SPEC.replace("show_if: {question: recommend, lte: 6}", "show_if: {question: visit, eq: coffee}")
    problem = only(problems_of(tmp_path, text), "comes later")
    assert problem.line == 12


def test_show_if_on_an_unknown_question_suggests_a_near_name(tmp_path: Path) -> None:
    text = SPEC.replace("show_if: {question: recommend, lte: 6}", "show_if: {question: recomend, lte: 6}")
    problem = only(problems_of(tmp_path, text), "is not a question")
    assert problem.hint == 'did you mean "recommend"?'


def test_show_if_operator_must_fit_the_question_type(tmp_path: Path) -> None:
    text = (
        SPEC + "  - id: note\n    type: text\n    show_if: {question: visit, gt: 3}\n    text: {fi: Lisää, sv: Mer}\n"
    )
    text = text.replace("thanks: {fi: Kiitos!, sv: Tack!}\n", "") + "thanks: {fi: Kiitos!, sv: Tack!}\n"
    problem = only(problems_of(tmp_path, text), "does not fit a single_choice")
    assert "eq, in, ne" in problem.hint


def test_show_if_needs_exactly_one_operator(tmp_path: Path) -> None:
    text = SPEC.replace("{question: recommend, lte: 6}", "{question: recommend, lte: 6, gte: 2}")
    problem = only(problems_of(tmp_path, text), "exactly one operator")
    assert problem.line == 12


def test_show_if_choice_values_must_be_option_ids(tmp_path: Path) -> None:
    text = (
        SPEC
        + "  - id: dish\n    type: text\n    show_if: {question: visit, eq: lounas}\n"
        + "    text: {fi: Mitä söit?, sv: Vad åt du?}\n"
    )
    text = text.replace("thanks: {fi: Kiitos!, sv: Tack!}\n", "") + "thanks: {fi: Kiitos!, sv: Tack!}\n"
    problem = only(problems_of(tmp_path, text), '"lounas" is not an option')
    assert "lunch" in problem.hint


def test_an_nps_condition_outside_0_to_10_is_refused(tmp_path: Path) -> None:
    text = SPEC.replace("{question: recommend, lte: 6}", "{question: recommend, eq: 11}")
    assert "outside the answers 0–10" in only(problems_of(tmp_path, text), "outside").message


def test_closing_before_opening_is_refused(tmp_path: Path) -> None:
    text = SPEC.replace("thanks:", "opens: 2027-03-01\ncloses: 2027-02-01\nthanks:")
    problem = only(problems_of(tmp_path, text), "is before opens")
    assert problem.key == "closes"


def test_multi_choice_max_cannot_exceed_its_options(tmp_path: Path) -> None:
    text = SPEC.replace("type: single_choice", "type: multi_choice\n    max: 3")
    assert only(problems_of(tmp_path, text), "more than the 2 options").key == "questions[2].max"


def test_reserved_hidden_names_are_refused(tmp_path: Path) -> None:
    text = SPEC.replace("questions:\n", "hidden: [campaign, tp]\nquestions:\n", 1)
    assert only(problems_of(tmp_path, text), "reserved").key == "hidden[1]"


def test_pages_and_questions_are_exclusive(tmp_path: Path) -> None:
    text = SPEC.replace(
        "thanks:", "pages:\n  - questions:\n      - {id: extra, type: csat, text: {fi: A, sv: B}}\nthanks:"
    )
    only(problems_of(tmp_path, text), "either `pages` or a top-level `questions`")


@pytest.mark.parametrize("field", ["id", "theme", "languages", "title", "thanks"])
def test_required_top_level_keys_are_named_when_missing(tmp_path: Path, field: str) -> None:
    lines = [line for line in SPEC.splitlines(keepends=True) if not line.startswith(f"{field}:")]
    only(problems_of(tmp_path, "".join(lines)), f'missing required key "{field}"')
