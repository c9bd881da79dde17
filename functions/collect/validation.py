"""A posted response checked against its survey's manifest: the pure core of the collect function.

`validate_submission` knows nothing of HTTP, queues or clocks beyond the `now` it is given,
so tests call it directly and the handler only maps its outcome to a status code.

Choices made here (the contract leaves them open):
- Unknown top-level fields and unknown answer keys are refused (400): a typo in a client must
  not silently lose answers.
- Hidden URL fields not listed in the manifest's `hidden` are dropped, not refused: they come
  from links (a QR sticker, a newsletter tool adding its own parameters) that the respondent
  cannot fix, and losing their answers over them would be worse than ignoring them. A listed
  field must be text of at most `HIDDEN_LIMIT` characters (a link is made by the producer, so a
  longer value is a bug worth reporting, not data worth keeping).
- A touchpoint the survey does not have is stored as "unknown" (the answers still count).
- Every problem is reported, not the first, so one round trip fixes them all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from functions.collect.answers import OTHER, UNANSWERED, check_answer, check_other_text
from functions.collect.problem import Problem, shown
from functions.conditions import visible_answers
from functions.manifest import SCALE_TYPES, Manifest
from functions.response import UNKNOWN_TOUCHPOINT, StoredResponse

FIELDS = frozenset({"response_id", "lang", "tp", "hidden", "answers", "website"})
HONEYPOT = "website"
HIDDEN_LIMIT = 200


@dataclass(frozen=True)
class Accepted:
    response: StoredResponse


@dataclass(frozen=True)
class Rejected:
    problems: list[Problem]
    lang: str
    """The language to explain the problems in: the posted one when valid, else the survey's default."""


@dataclass(frozen=True)
class Trapped:
    """A bot filled the honeypot: answer as if accepted, store nothing."""

    response_id: str
    lang: str


Outcome = Accepted | Rejected | Trapped


def _new_id() -> str:
    return str(uuid.uuid4())


def _response_id(value: Any, new_id: Callable[[], str]) -> str | Problem:
    if value is None or value == "":
        return new_id()
    if isinstance(value, str) and len(value) <= 45:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    return Problem("response_id", "response_id", {"got": shown(value)})


def _lang(manifest: Manifest, value: Any) -> str | Problem:
    if value is None or value == "":
        return manifest.default_language
    if isinstance(value, str) and value in manifest.languages:
        return value
    return Problem("lang", "lang", {"languages": ", ".join(manifest.languages), "got": shown(value)})


def _touchpoint(manifest: Manifest, value: Any) -> str | Problem | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return Problem("tp", "tp", {"got": shown(value)})
    return value if manifest.touchpoint(value) is not None else UNKNOWN_TOUCHPOINT


def _hidden(manifest: Manifest, value: Any) -> tuple[dict[str, str], list[Problem]]:
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [Problem("hidden", "object", {"got": shown(value)})]
    kept: dict[str, str] = {}
    problems: list[Problem] = []
    for name in manifest.hidden:
        text = value.get(name)
        if text is None or text == "":
            continue
        if not isinstance(text, str) or len(text) > HIDDEN_LIMIT:
            problems.append(Problem(f"hidden.{name}", "hidden_value", {"max": HIDDEN_LIMIT, "got": shown(text)}))
        else:
            kept[name] = text
    return kept, problems


def _other_texts(manifest: Manifest, answers: Mapping[str, Any], checked: dict[str, Any]) -> list[Problem]:
    """`<id>.other` keys: the free text of an "other" choice; unknown dotted keys are problems."""
    problems: list[Problem] = []
    for key, value in answers.items():
        if "." not in key:
            continue
        question = manifest.question(key.split(".", 1)[0])
        if question is None or not question.other or key != f"{question.id}.{OTHER}":
            problems.append(Problem(f"answers.{key}", "unknown_question", {"got": shown(key)}))
            continue
        chosen = checked.get(question.id)
        if chosen != OTHER and not (isinstance(chosen, list) and OTHER in chosen):
            continue  # typed into "other", then chose something else: the text is not an answer
        text = check_other_text(question, value)
        if isinstance(text, Problem):
            problems.append(text)
        elif text is not UNANSWERED:
            checked[key] = text
    return problems


def check_answers(manifest: Manifest, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Visible, valid answers, and every problem with the visible ones (hidden answers are dropped)."""
    checked: dict[str, Any] = {}
    wrong: dict[str, Problem] = {}
    problems: list[Problem] = []
    for key, value in answers.items():
        if "." in key:
            continue
        question = manifest.question(key)
        if question is None:
            problems.append(Problem(f"answers.{key}", "unknown_question", {"got": shown(key)}))
            continue
        result = check_answer(question, value)
        if not question.answers and isinstance(result, Problem):
            problems.append(result)  # an info block: not hidden-able away, it never takes an answer
        if isinstance(result, Problem):
            wrong[key] = result
        elif result is not UNANSWERED:
            checked[key] = result
    problems += _other_texts(manifest, answers, checked)
    visible, hidden = visible_answers(manifest, checked)
    visible |= {key: value for key, value in checked.items() if "." in key and key.split(".", 1)[0] in visible}
    for question in manifest.answerable:
        if question.id in hidden:
            continue
        if question.id in wrong:
            problems.append(wrong[question.id])
        elif question.required and question.id not in visible:
            problems.append(Problem(f"answers.{question.id}", "required", question=question.id))
    return visible, problems


def quiz_result(manifest: Manifest, answers: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """The total score and outcome id, recomputed here whatever the browser showed."""
    if manifest.quiz is None:
        return None, None
    total = 0.0
    for question in manifest.answerable:
        answer = answers.get(question.id)
        if answer is None:
            continue
        chosen = answer if isinstance(answer, list) else [answer]
        total += sum(option.score or 0 for option in question.options if option.id in chosen)
        if question.scored and question.type in SCALE_TYPES and isinstance(answer, int | float):
            total += answer
    outcome = manifest.quiz.outcome_for(total)
    return total, outcome.id if outcome else None


def validate_submission(
    manifest: Manifest, payload: Any, now: datetime, new_id: Callable[[], str] = _new_id
) -> Outcome:
    """Check one posted response; `now` becomes `received_at` (an aware UTC datetime)."""
    if not isinstance(payload, dict):
        return Rejected([Problem("body", "body_object", {"got": shown(payload)})], manifest.default_language)
    lang = _lang(manifest, payload.get("lang"))
    reply_lang = lang if isinstance(lang, str) else manifest.default_language
    response_id = _response_id(payload.get("response_id"), new_id)
    if payload.get(HONEYPOT) not in (None, ""):
        return Trapped(response_id if isinstance(response_id, str) else new_id(), reply_lang)
    problems = [Problem(str(key), "unknown_field") for key in payload if key not in FIELDS]
    tp = _touchpoint(manifest, payload.get("tp"))
    hidden, hidden_problems = _hidden(manifest, payload.get("hidden"))
    problems += [item for item in (response_id, lang, tp) if isinstance(item, Problem)] + hidden_problems
    raw_answers = payload.get("answers")
    if not isinstance(raw_answers, dict):
        code = "answers_missing" if raw_answers is None else "object"
        problems.append(Problem("answers", code, {"got": shown(raw_answers)}))
        return Rejected(problems, reply_lang)
    answers, answer_problems = check_answers(manifest, raw_answers)
    problems += answer_problems
    if problems:
        return Rejected(problems, reply_lang)
    assert isinstance(response_id, str) and isinstance(lang, str) and not isinstance(tp, Problem)
    score, outcome = quiz_result(manifest, answers)
    return Accepted(
        StoredResponse(
            response_id=response_id, survey=manifest.id, received_at=now, manifest_version=manifest.version,
            lang=lang, tp=tp, hidden=hidden, answers=answers, outcome=outcome, score=score,
        )
    )  # fmt: skip
