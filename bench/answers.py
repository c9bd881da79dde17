"""A complete, valid answer set for any manifest: what a respondent who answers everything sends."""

from __future__ import annotations

from typing import Any

from functions.conditions import visible_answers
from functions.manifest import Manifest, Question

COMMENT = "Palvelu oli nopeaa ja kassalla oli ystävällinen myyjä, mutta maitohylly oli tyhjä."
EMAIL = "maija.virtanen@example.fi"


def answer_for(question: Question) -> Any:
    """A typical valid answer: high scores, the first options, a Finnish comment."""
    if question.type in ("nps", "csat", "ces", "rating"):
        low, high = int(question.min or 0), int(question.max if question.max is not None else 5)
        return max(low, high - 1)
    if question.type == "single_choice":
        return question.options[0].id
    if question.type == "multi_choice":
        count = max(question.min_choices or 1, min(question.max_choices or 2, len(question.options)))
        return [option.id for option in question.options[:count]]
    if question.type == "likert":
        return {row.id: 4 for row in question.rows}
    if question.type == "text":
        return COMMENT[: question.max_length or len(COMMENT)]
    if question.type == "email":
        return EMAIL
    if question.type == "number":
        value = 12.0 if question.min is None else max(question.min, 12.0)
        value = value if question.max is None else min(question.max, value)
        return int(value) if question.integer else value
    if question.type == "consent":
        return True
    return None


def full_answers(manifest: Manifest) -> dict[str, Any]:
    """Every answerable question answered, then only the ones `show_if` keeps visible."""
    answers = {q.id: answer_for(q) for q in manifest.answerable}
    visible, _ = visible_answers(manifest, {k: v for k, v in answers.items() if v is not None})
    return visible
