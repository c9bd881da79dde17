"""Quiz outcome ranges must give every reachable total exactly one outcome."""

from __future__ import annotations

import textwrap
from pathlib import Path

from spec_problems import spec_problems

from site_builder.load import read_yaml, validate
from site_builder.problems import Problem
from site_builder.quiz import reachable_totals
from site_builder.spec import SurveySpec

QUIZ = textwrap.dedent(
    """\
    id: digitesti
    theme: digiarvio
    languages: [fi]
    title: Kuinka digikypsä olette?
    questions:
      - id: strategy
        type: single_choice
        required: true
        text: Onko teillä digistrategia?
        options:
          - {id: none, score: 0, label: Ei}
          - {id: planned, score: 1, label: Suunnitteilla}
          - {id: written, score: 2, label: On}
      - id: leadership
        type: rating
        scale: 3
        scored: true
        required: true
        text: Tukeeko johto?
    quiz:
      outcomes:
        - {id: alku, max: 2, title: Alussa, body: Aloittakaa kokeilusta.}
        - {id: matka, min: 3, max: 4, title: Matkalla, body: Jatkakaa.}
        - {id: karki, min: 5, title: Kärjessä, body: Hienoa!}
    thanks: Kiitos!
    """
)


def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    return spec_problems(tmp_path, "digitesti", text)


def test_ranges_covering_every_total_pass(tmp_path: Path) -> None:
    assert problems_of(tmp_path, QUIZ) == []


def test_a_gap_names_the_totals_that_fall_in_no_outcome(tmp_path: Path) -> None:
    text = QUIZ.replace("{id: matka, min: 3, max: 4", "{id: matka, min: 4, max: 4")
    [problem] = problems_of(tmp_path, text)
    assert "totals 3 fall in no outcome" in problem.message
    assert "totals run 1–5" in problem.message
    assert problem.key == "quiz.outcomes"


def test_overlapping_ranges_name_both_outcomes(tmp_path: Path) -> None:
    text = QUIZ.replace("{id: matka, min: 3, max: 4", "{id: matka, min: 2, max: 4")
    [problem] = problems_of(tmp_path, text)
    assert '"matka" overlaps' in problem.message and '"alku"' in problem.message
    assert problem.line == 23


def test_an_optional_question_can_add_nothing(tmp_path: Path) -> None:
    document_path = tmp_path / "digitesti.yaml"
    document_path.write_text(QUIZ.replace("    required: true\n    text: Onko", "    text: Onko"), encoding="utf-8")
    spec = validate(read_yaml(document_path), SurveySpec)
    totals, exact = reachable_totals(spec.questions or [])
    assert exact
    assert totals == {1.0, 2.0, 3.0, 4.0, 5.0}


def test_scores_without_a_quiz_are_a_mistake(tmp_path: Path) -> None:
    text = QUIZ.split("quiz:")[0] + "thanks: Kiitos!\n"
    problems = problems_of(tmp_path, text)
    assert {p.key for p in problems} == {"questions[0]", "questions[1]"}
    assert all("no `quiz:`" in p.message for p in problems)


def test_multi_choice_totals_follow_its_min_and_max(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        id: digitesti
        theme: digiarvio
        languages: [fi]
        title: Työkalut
        questions:
          - id: tools
            type: multi_choice
            required: true
            max: 2
            text: Mitä käytätte?
            options:
              - {id: cloud, score: 1, label: Pilvi}
              - {id: data, score: 2, label: Data}
              - {id: bots, score: 4, label: Botit}
        quiz:
          outcomes:
            - {id: a, max: 6, title: A, body: A}
        thanks: Kiitos!
        """
    )
    path = tmp_path / "digitesti.yaml"
    path.write_text(text, encoding="utf-8")
    spec = validate(read_yaml(path), SurveySpec)
    assert reachable_totals(spec.questions or [])[0] == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    assert problems_of(tmp_path, text) == []
