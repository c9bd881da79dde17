"""One answer checked against its question: the value to store, a problem, or no answer at all.

An empty answer (null, "", [], {}, an unticked consent) counts as no answer, so a form that
posts every field, filled or not, means the same as a JSON body that leaves them out. Whether a
missing answer is a problem (`required`) is decided by the caller, which knows what is hidden.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import Enum
from typing import Any

from msgspec.structs import replace

from functions.collect.problem import Problem, shown
from functions.manifest import SCALE_TYPES, Question

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
DEFAULT_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5), "likert": (1, 5)}
DEFAULT_TEXT_LIMITS = {"text": 500, "multiline": 5000, "email": 254}
OTHER = "other"


class Unanswered(Enum):
    """The respondent left the question empty (distinct from a wrong answer)."""

    UNANSWERED = "unanswered"


UNANSWERED = Unanswered.UNANSWERED
Checked = Any
"""A value to store, a `Problem`, or `UNANSWERED`."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _whole(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else None


def _bounds(question: Question) -> tuple[int, int]:
    low, high = DEFAULT_SCALES.get(question.type, (1, 5))
    return (
        int(question.min) if question.min is not None else low,
        int(question.max) if question.max is not None else high,
    )


def _problem(question: Question, code: str, field: str | None = None, **params: object) -> Problem:
    return Problem(field or f"answers.{question.id}", code, params, question=question.id)


def check_scale(question: Question, value: Any) -> Checked:
    low, high = _bounds(question)
    whole = _whole(value)
    if whole is None or not low <= whole <= high:
        return _problem(question, "whole_number", min=low, max=high, got=shown(value))
    return whole


def check_single_choice(question: Question, value: Any) -> Checked:
    ids = [option.id for option in question.options] + ([OTHER] if question.other else [])
    if value == "":
        return UNANSWERED
    if not isinstance(value, str) or value not in ids:
        return _problem(question, "option", options=", ".join(ids), got=shown(value))
    return value


def check_multi_choice(question: Question, value: Any) -> Checked:
    ids = [option.id for option in question.options] + ([OTHER] if question.other else [])
    if not isinstance(value, list):
        return _problem(question, "options_list", options=", ".join(ids), got=shown(value))
    if not value:
        return UNANSWERED
    for item in value:
        if not isinstance(item, str) or item not in ids:
            return _problem(question, "option", options=", ".join(ids), got=shown(item))
        if value.count(item) > 1:
            return _problem(question, "option_twice", got=shown(item))
    if question.min_choices is not None and len(value) < question.min_choices:
        return _problem(question, "choices_min", min=question.min_choices, count=len(value))
    if question.max_choices is not None and len(value) > question.max_choices:
        return _problem(question, "choices_max", max=question.max_choices, count=len(value))
    return list(value)


def check_likert(question: Question, value: Any) -> Checked:
    low, high = _bounds(question)
    if not isinstance(value, dict):
        return _problem(question, "rows", max=high, got=shown(value))
    rows = [row.id for row in question.rows]
    kept: dict[str, int] = {}
    for row, chosen in value.items():
        field = f"answers.{question.id}.{row}"
        if row not in rows:
            return _problem(question, "row_unknown", field, rows=", ".join(rows), got=shown(row))
        if chosen is None or chosen == "":
            continue
        whole = _whole(chosen)
        if whole is None or not low <= whole <= high:
            return _problem(question, "whole_number", field, min=low, max=high, got=shown(chosen))
        kept[row] = whole
    if not kept:
        return UNANSWERED
    missing = [row for row in rows if row not in kept]
    if question.required and missing:
        return _problem(question, "rows_required", missing=", ".join(missing))
    return kept


def check_text(question: Question, value: Any, field: str | None = None) -> Checked:
    if not isinstance(value, str):
        return _problem(question, "text", field, got=shown(value))
    # Browsers send a textarea's line breaks as CRLF; the page's maxlength counts them as one.
    text = value.replace("\r\n", "\n").strip()
    if not text:
        return UNANSWERED
    kind = "email" if question.type == "email" else ("multiline" if question.multiline else "text")
    limit = question.max_length or DEFAULT_TEXT_LIMITS[kind]
    if len(text) > limit:
        return _problem(question, "too_long", field, max=limit, count=len(text))
    if question.type == "email" and not EMAIL.match(text):
        return _problem(question, "email", field, got=shown(text))
    return text


def check_number(question: Question, value: Any) -> Checked:
    number = _number(value)
    if number is None:
        return _problem(question, "number", got=shown(value))
    if question.integer and not number.is_integer():
        return _problem(question, "number_whole", got=shown(value))
    if question.min is not None and number < question.min:
        return _problem(question, "number_min", min=_plain(question.min), got=shown(value))
    if question.max is not None and number > question.max:
        return _problem(question, "number_max", max=_plain(question.max), got=shown(value))
    return int(number) if number.is_integer() and isinstance(value, int) else value


def check_consent(question: Question, value: Any) -> Checked:
    if value is False:
        return UNANSWERED
    if value is not True:
        return _problem(question, "consent", got=shown(value))
    return True


def check_info(question: Question, value: Any) -> Checked:
    return _problem(question, "no_answer_taken", got=question.id)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


CHECKS: dict[str, Callable[[Question, Any], Checked]] = {
    **{kind: check_scale for kind in SCALE_TYPES},
    "single_choice": check_single_choice,
    "multi_choice": check_multi_choice,
    "likert": check_likert,
    "text": check_text,
    "email": check_text,
    "number": check_number,
    "consent": check_consent,
    "info": check_info,
}


def check_answer(question: Question, value: Any) -> Checked:
    if value is None:
        return UNANSWERED
    return CHECKS[question.type](question, value)


def check_other_text(question: Question, value: Any) -> Checked:
    """The free text of an "other" choice, bounded like a one-line text answer."""
    plain = replace(question, type="text", multiline=False, max_length=None)
    if value is None:
        return UNANSWERED
    return check_text(plain, value, f"answers.{question.id}.{OTHER}")
