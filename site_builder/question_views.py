"""A manifest question as one question template sees it: texts in one language, element ids, constraints.

The templates under `templates/questions/` only lay these out, so a theme that overrides one
never has to repeat the rules: which ids exist, what `aria-describedby` lists, when the
HTML `required` attribute may be set (never on a `show_if` question: with JavaScript off it
is always on the page, and the browser would refuse the form when it does not apply).

Element ids are `q-<question id>` plus `.`-separated parts. Question, option and row ids
cannot contain a dot, so no two elements of a page can share an id.

Views are frozen and hashable (tuples, not lists): a question's markup is a function of its view and
the language alone, so `render.py` renders each distinct view once (a chain's stores ask the same).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

from functions.manifest import SCALE_TYPES, Manifest, Question
from site_builder.messages import catalog, format_number, message, translated, words
from site_builder.show_if_text import describe_show_if

BUILT_IN_ENDS = frozenset({"nps", "csat", "ces"})
DEFAULT_MAX_LENGTH = {False: 500, True: 5000}


class ChoiceView(NamedTuple):
    """One radio or checkbox. The small parts of a view are named tuples: a survey makes hundreds, and
    making, hashing and comparing a tuple happens in C."""

    id: str
    value: str
    label: str
    end: str = ""
    """The scale's end words, read with the first and last radio (shown visually under the scale)."""
    score: str = ""


class RowView(NamedTuple):
    id: str
    name: str
    label: str
    choices: tuple[ChoiceView, ...]


class OtherView(NamedTuple):
    choice: ChoiceView
    input_id: str
    name: str
    label: str
    maxlength: int


@dataclass(frozen=True)
class QuestionView:
    id: str
    type: str
    page: int
    dom_id: str
    text: str
    hint: str = ""
    note: str = ""
    required: bool = False
    html_required: bool = False
    show_if: str = ""
    choices: tuple[ChoiceView, ...] = ()
    rows: tuple[RowView, ...] = ()
    ends: tuple[str, str] | None = None
    other: OtherView | None = None
    multiline: bool = False
    maxlength: int | None = None
    min: str = ""
    max: str = ""
    step: str = ""
    html: str = ""
    scored: bool = False
    """A quiz scale question whose value adds to the score (the script computes the outcome)."""
    choices_min: int | None = None
    choices_max: int | None = None

    @property
    def hint_id(self) -> str:
        return f"{self.dom_id}.hint"

    @property
    def note_id(self) -> str:
        return f"{self.dom_id}.note"

    @property
    def error_id(self) -> str:
        """An empty element the script fills with the error message; listed so the message is announced."""
        return f"{self.dom_id}.error"

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.hint else []
        ids += [self.note_id] if self.note else []
        return " ".join([*ids, self.error_id])


def question_view(question: Question, manifest: Manifest, lang: str) -> QuestionView:
    dom_id = f"q-{question.id}"
    hint = [translated(question.hint, lang)] if question.hint else []
    fields: dict[str, Any] = {}
    if question.type in ("nps", "csat", "ces", "rating"):
        fields = _scale(question, dom_id, lang)
    elif question.type in ("single_choice", "multi_choice"):
        fields = _choices(question, dom_id, lang)
        hint.append(_choose_hint(question, lang))
    elif question.type == "likert":
        fields = _likert(question, dom_id, lang)
    elif question.type in ("text", "email"):
        fields = {"multiline": question.multiline,
                  "maxlength": question.max_length or DEFAULT_MAX_LENGTH[question.multiline]}  # fmt: skip
    elif question.type == "number":
        fields = _number(question)
        hint.append(_range_hint(question, lang))
    return QuestionView(
        id=question.id, type=question.type, page=question.page, dom_id=dom_id,
        text=translated(question.text, lang),
        note=describe_show_if(question.show_if, manifest, lang) if question.show_if is not None else "",
        required=question.required, html_required=question.required and question.show_if is None,
        show_if=_json(msgspec.to_builtins(question.show_if)) if question.show_if is not None else "",
        html=translated(question.html, lang), scored=question.scored and question.type in SCALE_TYPES,
        hint=" ".join(part for part in hint if part), **fields,
    )  # fmt: skip


_VIEWS_KEPT = 4096
_views_made: dict[tuple[str, str, bytes], QuestionView] = {}


def shared_question_view(question: Question, manifest: Manifest, lang: str) -> QuestionView:
    """`question_view`, made once for a question that surveys share (a chain's stores ask the same).

    A view is a function of the question, the language and its `show_if` note, the one part that reads
    other questions; the question's JSON stands for the question in the key.
    """
    note = describe_show_if(question.show_if, manifest, lang) if question.show_if is not None else ""
    key = (lang, note, msgspec.json.encode(question))
    view = _views_made.get(key)
    if view is None:
        view = question_view(question, manifest, lang)
        if len(_views_made) >= _VIEWS_KEPT:
            del _views_made[next(iter(_views_made))]  # the oldest
        _views_made[key] = view
    return view


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _ends(question: Question, lang: str) -> tuple[str, str] | None:
    if question.labels is not None:
        return translated(question.labels.min, lang), translated(question.labels.max, lang)
    if question.type in BUILT_IN_ENDS:
        return message(lang, f"{question.type}_min"), message(lang, f"{question.type}_max")
    return None


def _values(question: Question, low: int = 1, high: int = 5) -> list[int]:
    start = int(question.min) if question.min is not None else low
    stop = int(question.max) if question.max is not None else high
    return list(range(start, stop + 1))


def _scale(question: Question, dom_id: str, lang: str) -> dict[str, Any]:
    ends = _ends(question, lang)
    values = _values(question, *{"nps": (0, 10), "ces": (1, 7)}.get(question.type, (1, 5)))
    choices: list[ChoiceView] = []
    for index, value in enumerate(values):
        end = ""
        if ends is not None and index in (0, len(values) - 1):
            end = ends[0] if index == 0 else ends[1]
        choices.append(ChoiceView(id=f"{dom_id}.{value}", value=str(value), label=str(value), end=end))
    return {"choices": tuple(choices), "ends": ends}


def _choices(question: Question, dom_id: str, lang: str) -> dict[str, Any]:
    choices = tuple(
        ChoiceView(id=f"{dom_id}.{index}", value=option.id, label=translated(option.label, lang),
                   score="" if option.score is None else plain_number(option.score))
        for index, option in enumerate(question.options)
    )  # fmt: skip
    other = None
    if question.other:
        choice = ChoiceView(id=f"{dom_id}.{len(choices)}", value="other", label=message(lang, "other"))
        other = OtherView(choice=choice, input_id=f"{dom_id}.other", name=f"{question.id}.other",
                          label=message(lang, "other_label"), maxlength=DEFAULT_MAX_LENGTH[False])  # fmt: skip
    return {
        "choices": choices,
        "other": other,
        "choices_min": question.min_choices,
        "choices_max": question.max_choices,
    }


def _choose_hint(question: Question, lang: str) -> str:
    low, high = question.min_choices, question.max_choices
    if low and high:
        return message(lang, "choose_range", min=low, max=high)
    if high:
        return message(lang, "choose_max", max=high)
    if low and low > 1:
        return message(lang, "choose_min", min=low)
    return ""


def _likert(question: Question, dom_id: str, lang: str) -> dict[str, Any]:
    values = _values(question)
    key = f"likert{len(values)}"
    labels = words(lang, key) if key in catalog(lang) else [str(value) for value in values]
    rows = tuple(
        RowView(id=row.id, name=f"{question.id}.{row.id}", label=translated(row.label, lang), choices=tuple(
            ChoiceView(id=f"{dom_id}.{row.id}.{value}", value=str(value), label=label)
            for value, label in zip(values, labels, strict=True)
        ))
        for row in question.rows
    )  # fmt: skip
    return {"rows": rows}


def _number(question: Question) -> dict[str, Any]:
    low = "" if question.min is None else plain_number(question.min)
    high = "" if question.max is None else plain_number(question.max)
    return {"min": low, "max": high, "step": "1" if question.integer else "any"}


def plain_number(value: float) -> str:
    """As HTML attributes want numbers: `6`, `2.5`, never `1e+06`."""
    return str(int(value)) if float(value).is_integer() else format(value, "f").rstrip("0")


def _range_hint(question: Question, lang: str) -> str:
    low, high = question.min, question.max
    if low is not None and high is not None:
        return message(lang, "number_range", min=format_number(lang, low), max=format_number(lang, high))
    if low is not None:
        return message(lang, "number_min", min=format_number(lang, low))
    if high is not None:
        return message(lang, "number_max", max=format_number(lang, high))
    return ""
