"""`show_if` semantics, shared by the collect function and (through test vectors) the browser script.

A condition on a question that has no answer is false, whatever the operator: a question
that depends on an unanswered or hidden one stays hidden. Questions are visited in survey
order and a hidden question's answer is dropped before later conditions look at it, so
hiding cascades.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from functions.manifest import AllOf, AnyOf, Condition, Manifest, ShowIf


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _compare(op: str, answer: Any, value: Any) -> bool:
    if op == "eq":
        return bool(answer == value)
    if op == "ne":
        return bool(answer != value)
    if op == "in":
        return isinstance(value, list) and answer in value
    if op == "includes":
        if not isinstance(answer, list):
            return False
        wanted = value if isinstance(value, list) else [value]
        return any(item in answer for item in wanted)
    left, right = _number(answer), _number(value)
    if left is None or right is None:
        return False
    return {"lt": left < right, "lte": left <= right, "gt": left > right, "gte": left >= right}[op]


def evaluate(condition: ShowIf, answers: Mapping[str, Any]) -> bool:
    if isinstance(condition, AllOf):
        return all(evaluate(part, answers) for part in condition.all)
    if isinstance(condition, AnyOf):
        return any(evaluate(part, answers) for part in condition.any)
    assert isinstance(condition, Condition)
    if answers.get(condition.question) is None:
        return False
    return _compare(condition.op, answers[condition.question], condition.value)


def visible_answers(manifest: Manifest, answers: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Answers with those of hidden questions dropped, and the ids of the hidden questions."""
    kept: dict[str, Any] = {}
    hidden: set[str] = set()
    for question in manifest.questions:
        if question.show_if is not None and not evaluate(question.show_if, kept):
            hidden.add(question.id)
            continue
        if question.id in answers:
            kept[question.id] = answers[question.id]
    return kept, hidden
