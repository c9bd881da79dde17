"""A validated spec becomes the manifest (`form.json`): the one product every later stage reads.

The manifest is put together as plain JSON-shaped values and converted to `Manifest` once at
the end (`msgspec.convert`), which checks every field and makes each number the type the
manifest declares (a scale's `min: 0` is the float `0.0` in `form.json`, as it always was).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

import msgspec

from functions.manifest import Brand, Manifest, Text
from site_builder.crosscheck import question_locations
from site_builder.markup import render_markdown
from site_builder.spec import (
    AllSpec,
    AnyQuestion,
    AnySpec,
    ConditionSpec,
    InfoBlock,
    Localized,
    ShowIfSpec,
    SurveySpec,
)

SCALE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
TEXT_LIMITS = {False: 500, True: 5000}
EMAIL_LIMIT = 254


def _text(value: Localized, languages: list[str]) -> Text:
    if isinstance(value, str):
        return {lang: value for lang in languages}
    return {lang: value[lang] for lang in languages if lang in value}


def _html(value: Localized, languages: list[str]) -> Text:
    return {lang: _markdown(text) for lang, text in _text(value, languages).items()}


_markdown = lru_cache(maxsize=1024)(render_markdown)
"""Surveys of one producer repeat their intros and outcomes: each text is converted once (a pure function)."""


def _show_if(cond: ShowIfSpec) -> dict[str, Any]:
    if isinstance(cond, AllSpec):
        return {"all": [_show_if(part) for part in cond.all]}
    if isinstance(cond, AnySpec):
        return {"any": [_show_if(part) for part in cond.any]}
    assert isinstance(cond, ConditionSpec)
    return {"question": cond.question, "op": cond.op, "value": cond.value}


def _type_fields(q: AnyQuestion, languages: list[str]) -> dict[str, Any]:
    """The fields that depend on the question type, normalised to explicit bounds."""
    fields: dict[str, Any] = {}
    if q.type in SCALE_RANGES or q.type == "rating":
        low, high = SCALE_RANGES.get(q.type, (1, getattr(q, "scale", 5)))
        labels = getattr(q, "labels", None)
        fields |= {"min": low, "max": high, "scored": getattr(q, "scored", False)}
        if labels is not None:
            fields["labels"] = {"min": _text(labels.min, languages), "max": _text(labels.max, languages)}
    elif q.type in ("single_choice", "multi_choice"):
        options = [
            {"id": o.id, "label": _text(o.label, languages), "score": o.score} for o in getattr(q, "options", [])
        ]
        fields |= {"options": options, "other": getattr(q, "other", False)}
        if q.type == "multi_choice":
            fields |= {"min_choices": getattr(q, "min", None), "max_choices": getattr(q, "max", None)}
    elif q.type == "likert":
        fields |= {"min": 1, "max": getattr(q, "scale", 5)}
        fields["rows"] = [{"id": r.id, "label": _text(r.label, languages)} for r in getattr(q, "rows", [])]
    elif q.type == "text":
        multiline = getattr(q, "multiline", False)
        fields |= {"multiline": multiline, "max_length": getattr(q, "max_length", None) or TEXT_LIMITS[multiline]}
    elif q.type == "email":
        fields["max_length"] = EMAIL_LIMIT
    elif q.type == "number":
        fields |= {
            "min": getattr(q, "min", None),
            "max": getattr(q, "max", None),
            "integer": getattr(q, "integer", False),
        }
    return fields


def _question(q: AnyQuestion, page: int, number: int, languages: list[str]) -> dict[str, Any]:
    common: dict[str, Any] = {
        "id": q.id or f"info-{number}",
        "type": q.type,
        "page": page,
        "show_if": _show_if(q.show_if) if q.show_if is not None else None,
    }
    if isinstance(q, InfoBlock):
        return common | {"text": {}, "html": _html(q.text, languages)}
    hint = _text(q.hint, languages) if q.hint is not None else None
    return (
        common | {"text": _text(q.text, languages), "hint": hint, "required": q.required} | _type_fields(q, languages)
    )


def compile_manifest(spec: SurveySpec, brand: Brand) -> Manifest:
    """The manifest, versioned by the hash of its JSON without a version."""
    langs = spec.languages
    questions: list[dict[str, Any]] = []
    for number, (loc, q) in enumerate(question_locations(spec), start=1):
        page = loc[1] if loc[0] == "pages" else 0
        questions.append(_question(q, int(page), number, langs))
    pages = [
        {
            "title": _text(p.title, langs) if p.title else None,
            "questions": [q["id"] for q in questions if q["page"] == i],
        }
        for i, p in enumerate(spec.all_pages())
    ]
    quiz = None
    if spec.quiz is not None:
        quiz = {"outcomes": [
            {"id": o.id, "min": o.min, "max": o.max, "title": _text(o.title, langs), "body_html": _html(o.body, langs)}
            for o in spec.quiz.outcomes
        ]}  # fmt: skip
    document = {
        "id": spec.id, "version": "", "theme": spec.theme, "brand": brand, "languages": langs,
        "title": _text(spec.title, langs), "intro_html": _html(spec.intro, langs) if spec.intro else None,
        "thanks": _text(spec.thanks, langs), "opens": spec.opens, "closes": spec.closes, "timezone": spec.timezone,
        "touchpoints": [{"id": t.id, "label": _text(t.label, langs), "kiosk": t.kiosk} for t in spec.touchpoints],
        "hidden": list(spec.hidden), "pages": pages, "questions": questions, "quiz": quiz,
        "kiosk": spec.kiosk.model_dump(),
        "report": {"schedule": spec.report.schedule, "timezone": spec.report.timezone or spec.timezone},
    }  # fmt: skip
    manifest = msgspec.convert(document, Manifest)
    version = hashlib.sha256(manifest.to_json().encode()).hexdigest()[:16]
    return msgspec.structs.replace(manifest, version=version)
