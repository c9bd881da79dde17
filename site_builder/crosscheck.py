"""Checks that need the whole survey: ids, file name, translations, `show_if` targets, dates.

Each check yields problems rather than raising, so a producer sees every mistake in one run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from site_builder.load import YamlDocument
from site_builder.problems import Problem, did_you_mean
from site_builder.quiz import check_quiz
from site_builder.spec import (
    AllSpec,
    AnyQuestion,
    AnySpec,
    ConditionSpec,
    InfoBlock,
    MultiChoiceQuestion,
    NumberQuestion,
    ShowIfSpec,
    SingleChoiceQuestion,
    SurveySpec,
)

Loc = tuple[str | int, ...]
RESERVED_HIDDEN = {"tp", "lang", "response_id", "outcome", "website"}
NUMERIC = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
OPERATORS_BY_TYPE = {
    "nps": {"eq", "ne", "lt", "lte", "gt", "gte", "in"},
    "csat": {"eq", "ne", "lt", "lte", "gt", "gte", "in"},
    "ces": {"eq", "ne", "lt", "lte", "gt", "gte", "in"},
    "rating": {"eq", "ne", "lt", "lte", "gt", "gte", "in"},
    "number": {"eq", "ne", "lt", "lte", "gt", "gte", "in"},
    "single_choice": {"eq", "ne", "in"},
    "multi_choice": {"includes"},
    "consent": {"eq", "ne"},
    "text": {"eq", "ne"},
    "email": {"eq", "ne"},
}


def question_locations(spec: SurveySpec) -> Iterator[tuple[Loc, AnyQuestion]]:
    """Every question with the YAML path it was written at, in survey order."""
    if spec.pages is not None:
        for p, page in enumerate(spec.pages):
            for q, question in enumerate(page.questions):
                yield ("pages", p, "questions", q), question
    else:
        for q, question in enumerate(spec.questions or []):
            yield ("questions", q), question


def crosscheck(spec: SurveySpec, document: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    for check in (_layout, _ids, _translations, _conditions, _choices_and_numbers, _dates):
        problems.extend(check(spec, document))
    problems.extend(check_quiz(spec, document, list(question_locations(spec))))
    return problems


def _layout(spec: SurveySpec, doc: YamlDocument) -> Iterator[Problem]:
    stem = doc.path.stem
    if spec.id != stem:
        yield doc.problem(("id",), f'survey id "{spec.id}" differs from the file name "{stem}.yaml"',
                          f'rename the file to {spec.id}.yaml or set id: {stem}')  # fmt: skip
    if (spec.pages is None) == (spec.questions is None):
        yield doc.problem((), "a survey needs either `pages` or a top-level `questions` list, not both or neither")
    if len(set(spec.languages)) != len(spec.languages):
        yield doc.problem(("languages",), "a language is listed twice")


def _duplicates(items: Sequence[tuple[Loc, str]], what: str, doc: YamlDocument) -> Iterator[Problem]:
    first: dict[str, Loc] = {}
    for loc, ident in items:
        if ident in first:
            line = doc.locate(first[ident])[1]
            yield doc.problem(loc, f'{what} id "{ident}" is used twice (first at line {line})', "ids must be unique")
        else:
            first[ident] = loc


def _ids(spec: SurveySpec, doc: YamlDocument) -> Iterator[Problem]:
    questions = [(loc + ("id",), q.id) for loc, q in question_locations(spec) if q.id]
    yield from _duplicates(questions, "question", doc)
    yield from _duplicates(
        [(("touchpoints", i, "id"), t.id) for i, t in enumerate(spec.touchpoints)], "touchpoint", doc
    )
    yield from _duplicates([(("hidden", i), h) for i, h in enumerate(spec.hidden)], "hidden field", doc)
    for i, name in enumerate(spec.hidden):
        if name in RESERVED_HIDDEN:
            yield doc.problem(("hidden", i), f'"{name}" is reserved', "choose another name for this URL parameter")
    if spec.quiz:
        outcomes = [(("quiz", "outcomes", i, "id"), o.id) for i, o in enumerate(spec.quiz.outcomes)]
        yield from _duplicates(outcomes, "outcome", doc)
    for loc, question in question_locations(spec):
        if isinstance(question, SingleChoiceQuestion | MultiChoiceQuestion):
            options = [(loc + ("options", i, "id"), o.id) for i, o in enumerate(question.options)]
            yield from _duplicates(options, "option", doc)
            if (
                isinstance(question, SingleChoiceQuestion)
                and question.other
                and "other" in {o.id for o in question.options}
            ):
                yield doc.problem(loc + ("other",), 'option id "other" is taken by `other: true`', "rename that option")
        rows = getattr(question, "rows", [])
        yield from _duplicates([(loc + ("rows", i, "id"), r.id) for i, r in enumerate(rows)], "row", doc)


@cache
def _localized(model: type[BaseModel]) -> frozenset[str]:
    """The model's fields that are translatable texts (`Localized`)."""
    return frozenset(
        name
        for cls in model.__mro__
        for name, annotation in getattr(cls, "__annotations__", {}).items()
        if "Localized" in str(annotation) and name in model.model_fields
    )


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """A model's fields that can hold a translatable text: name, key in the spec, and whether it is one.
    The rest (ids, numbers, flags, `show_if`) are never looked at: a spec has hundreds."""
    localized = _localized(model)
    return tuple(
        (name, info.alias or name, name in localized)
        for name, info in model.model_fields.items()
        if name in localized or _holds_texts(info.annotation, set())
    )


_NO_TEXTS = (str, int, float, bool, type(None), date, datetime)


def _holds_texts(annotation: Any, seen: set[type[BaseModel]]) -> bool:
    """Whether a value of this type can hold a translatable text: a model with one, in a model or list (what
    `_texts` looks into) at any depth. A type not understood here is taken to hold one."""
    origin = get_origin(annotation)
    if origin is None and isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            if annotation in seen:  # being looked into further up: its texts are found there
                return False
            seen.add(annotation)
            return bool(_localized(annotation)) or any(
                _holds_texts(info.annotation, seen) for info in annotation.model_fields.values()
            )
        return issubclass(annotation, list) or annotation not in _NO_TEXTS
    if origin is Literal or origin is dict or origin is tuple:
        return False
    if origin is Annotated:
        return _holds_texts(get_args(annotation)[0], seen)
    if origin is Union or origin is UnionType or origin is list:
        return any(_holds_texts(arg, seen) for arg in get_args(annotation))
    return True


def _texts(value: Any, loc: Loc) -> list[tuple[Loc, Any]]:
    """Every translatable text in the spec with its path."""
    found: list[tuple[Loc, Any]] = []
    _gather(value, loc, found)
    return found


def _gather(value: Any, loc: Loc, found: list[tuple[Loc, Any]]) -> None:
    if isinstance(value, BaseModel):
        for name, key, localized in _fields(type(value)):
            field_value = getattr(value, name)
            if localized and field_value is not None:
                found.append((loc + (key,), field_value))
            elif isinstance(field_value, (BaseModel, list)):  # nothing else holds texts
                _gather(field_value, loc + (key,), found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (BaseModel, list)):
                _gather(item, loc + (i,), found)


def _translations(spec: SurveySpec, doc: YamlDocument) -> Iterator[Problem]:
    languages = spec.languages
    for loc, text in _texts(spec, ()):
        if isinstance(text, str):
            if len(languages) > 1:
                yield doc.problem(loc, f"is a plain text but the survey has {len(languages)} languages",
                                  "give a map: " + ", ".join(f"{lang}: …" for lang in languages))  # fmt: skip
            continue
        for lang in languages:
            if not str(text.get(lang, "")).strip():
                yield doc.problem(loc, f'has no "{lang}" translation', "every language of the survey needs every text")
        for lang in text:
            if lang not in languages:
                hint = did_you_mean(lang, languages) or "the survey's languages are " + ", ".join(languages)
                yield doc.problem(loc + (lang,), f'"{lang}" is not one of the survey\'s languages', hint)


def _conditions(spec: SurveySpec, doc: YamlDocument) -> Iterator[Problem]:
    earlier: dict[str, AnyQuestion] = {}
    every = {q.id for _, q in question_locations(spec) if q.id}
    for loc, question in question_locations(spec):
        if question.show_if is not None:
            yield from _condition(question.show_if, loc + ("show_if",), earlier, every, doc)
        if question.id and not isinstance(question, InfoBlock):
            earlier[question.id] = question


def _condition(cond: ShowIfSpec, loc: Loc, earlier: dict[str, AnyQuestion], every: set[str],
               doc: YamlDocument) -> Iterator[Problem]:  # fmt: skip
    if isinstance(cond, AllSpec | AnySpec):
        key = "all" if isinstance(cond, AllSpec) else "any"
        for i, part in enumerate(cond.all if isinstance(cond, AllSpec) else cond.any):
            yield from _condition(part, loc + (key, i), earlier, every, doc)
        return
    assert isinstance(cond, ConditionSpec)
    target = earlier.get(cond.question)
    if target is None:
        why = (
            "comes later; show_if may only look back" if cond.question in every else "is not a question of this survey"
        )
        yield doc.problem(loc + ("question",), f'"{cond.question}" {why}', did_you_mean(cond.question, earlier))
        return
    allowed = OPERATORS_BY_TYPE.get(target.type, set())
    if cond.op not in allowed:
        hint = "use one of " + ", ".join(sorted(allowed)) if allowed else "its answers cannot be compared"
        yield doc.problem(loc + (cond.op,), f'"{cond.op}" does not fit a {target.type} question', hint)
        return
    yield from _condition_value(cond, target, loc, doc)


def _condition_value(cond: ConditionSpec, target: AnyQuestion, loc: Loc, doc: YamlDocument) -> Iterator[Problem]:
    values = cond.value if isinstance(cond.value, list) else [cond.value]
    if isinstance(target, SingleChoiceQuestion | MultiChoiceQuestion):
        ids = [o.id for o in target.options] + (["other"] if getattr(target, "other", False) else [])
        for value in values:
            if value not in ids:
                yield doc.problem(loc + (cond.op,), f'"{value}" is not an option of "{target.id}"',
                                  did_you_mean(str(value), ids) or "options: " + ", ".join(ids))  # fmt: skip
    elif target.type in NUMERIC or target.type == "rating":
        low, high = NUMERIC.get(target.type, (1, getattr(target, "scale", 5)))
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | float):
                yield doc.problem(loc + (cond.op,), f"expected a number for a {target.type} answer, got {value!r}")
            elif cond.op in ("eq", "ne", "in") and not low <= value <= high:
                yield doc.problem(loc + (cond.op,), f"{value} is outside the answers {low}–{high}")
    elif target.type == "consent" and not all(isinstance(v, bool) for v in values):
        yield doc.problem(loc + (cond.op,), "a consent answer is true or false")


def _choices_and_numbers(spec: SurveySpec, doc: YamlDocument) -> Iterator[Problem]:
    for loc, q in question_locations(spec):
        if isinstance(q, MultiChoiceQuestion):
            if q.max is not None and q.max > len(q.options):
                yield doc.problem(loc + ("max",), f"max {q.max} is more than the {len(q.options)} options")
            if q.min is not None and q.max is not None and q.min > q.max:
                yield doc.problem(loc + ("min",), f"min {q.min} is more than max {q.max}")
        if isinstance(q, NumberQuestion) and q.min is not None and q.max is not None and q.min > q.max:
            yield doc.problem(loc + ("min",), f"min {q.min} is more than max {q.max}")


def _dates(spec: SurveySpec, doc: YamlDocument) -> Iterator[Problem]:
    if spec.opens and spec.closes and spec.opens > spec.closes:
        yield doc.problem(("closes",), f"closes ({spec.closes}) is before opens ({spec.opens})")
    for loc, zone in ((("timezone",), spec.timezone), (("report", "timezone"), spec.report.timezone)):
        if zone is None:
            continue
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            yield doc.problem(loc, f'unknown time zone "{zone}"', "an IANA name such as Europe/Helsinki")
