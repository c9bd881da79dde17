"""`show_if` behaves the same in the collect function as in the browser: shared vectors decide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from functions.conditions import evaluate, visible_answers
from functions.manifest import Brand, Manifest, Page, Question, ShowIf

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "show_if_vectors.json").read_text(encoding="utf-8"))


def show_if(raw: dict[str, Any]) -> ShowIf:
    """A `show_if` as `form.json` holds it, decoded the way the manifest decodes it."""
    question = msgspec.convert({"id": "q", "type": "text", "page": 0, "text": {}, "show_if": raw}, Question)
    assert question.show_if is not None
    return question.show_if


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_shared_show_if_vector(case: dict[str, Any]) -> None:
    assert evaluate(show_if(case["condition"]), case["answers"]) is case["shows"]


def cascade_manifest() -> Manifest:
    def question(qid: str, qtype: str, raw: dict[str, Any] | None = None) -> Question:
        condition = show_if(raw) if raw else None
        return Question(id=qid, type=qtype, page=0, text={"fi": qid}, show_if=condition)  # type: ignore[arg-type]

    questions = [
        question("recommend", "nps"),
        question("reason", "single_choice", {"question": "recommend", "op": "lte", "value": 6}),
        question("detail", "text", {"question": "reason", "op": "eq", "value": "price"}),
    ]
    return Manifest(
        id="kahvila", version="v1", theme="kahvila", brand=Brand(name="Kahvila", colors={}, font_family="serif"),
        languages=["fi"], title={"fi": "Kahvila"}, thanks={"fi": "Kiitos"},
        pages=[Page(questions=[q.id for q in questions])], questions=questions,
    )  # fmt: skip


def test_a_hidden_questions_answer_is_dropped() -> None:
    kept, hidden = visible_answers(cascade_manifest(), {"recommend": 9, "reason": "price"})
    assert kept == {"recommend": 9}
    assert hidden == {"reason", "detail"}


def test_hiding_cascades_to_questions_that_depend_on_a_hidden_one() -> None:
    kept, hidden = visible_answers(cascade_manifest(), {"recommend": 10, "reason": "price", "detail": "Liian kallis"})
    assert "detail" not in kept and "detail" in hidden


def test_visible_answers_are_kept() -> None:
    answers = {"recommend": 4, "reason": "price", "detail": "Kahvi maksoi liikaa"}
    kept, hidden = visible_answers(cascade_manifest(), answers)
    assert kept == answers and hidden == set()
