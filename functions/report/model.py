"""The report as typed values: what the aggregator produces and every renderer (HTML, XLSX, JSON) reads.

Distributions are keyed by the answer as a string ("0".."10"), in scale order, because that is
what JSON can hold and what every renderer shows; percentages are None when nobody answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from functions.report.filters import Filters


@dataclass(frozen=True)
class Comment:
    """A free-text answer, with where and when it came, never who gave it."""

    text: str
    received_at: datetime
    touchpoint: str | None
    lang: str


@dataclass(frozen=True)
class QuestionSummary:
    type: str
    n: int
    too_few: bool


@dataclass(frozen=True)
class NpsSummary(QuestionSummary):
    score: float | None
    promoters: float | None
    passives: float | None
    detractors: float | None
    margin_of_error: float | None
    distribution: dict[str, int]


@dataclass(frozen=True)
class ScaleSummary(QuestionSummary):
    """ces and rating (and the shared part of csat)."""

    mean: float | None
    median: float | None
    distribution: dict[str, int]


@dataclass(frozen=True)
class CsatSummary(ScaleSummary):
    satisfied_pct: float | None


@dataclass(frozen=True)
class ChoiceSummary(QuestionSummary):
    """single_choice and multi_choice: `pct` is the share of those who answered the question."""

    counts: dict[str, int]
    pct: dict[str, float | None]
    other: list[Comment] = field(default_factory=list)
    other_count: int = 0


@dataclass(frozen=True)
class RowSummary:
    n: int
    mean: float | None
    median: float | None
    distribution: dict[str, int]


@dataclass(frozen=True)
class LikertSummary(QuestionSummary):
    rows: dict[str, RowSummary]


@dataclass(frozen=True)
class NumberSummary(QuestionSummary):
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    median_approximate: bool = False


@dataclass(frozen=True)
class TextSummary(QuestionSummary):
    """`comments` holds only the newest ones (newest first); `n` counts them all."""

    comments: list[Comment]


@dataclass(frozen=True)
class OutcomeSummary:
    n: int
    counts: dict[str, int]
    pct: dict[str, float | None]


@dataclass(frozen=True)
class Group:
    """One slice of the responses: the whole survey, a touchpoint, a language or a hidden value."""

    responses: int
    too_few: bool
    questions: dict[str, QuestionSummary]
    outcomes: OutcomeSummary | None = None


@dataclass(frozen=True)
class Breakdowns:
    touchpoint: dict[str, Group]
    language: dict[str, Group]
    hidden: dict[str, dict[str, Group]]


@dataclass(frozen=True)
class Headline:
    """A question's one figure for a week: NPS score, CSAT satisfied %, or a mean."""

    measure: str
    n: int
    value: float | None


@dataclass(frozen=True)
class Week:
    week: str  # ISO week, e.g. "2026-W53"
    start: date  # its Monday
    responses: int
    questions: dict[str, Headline]


@dataclass(frozen=True)
class Report:
    survey: str
    lang: str
    timezone: str
    generated_at: datetime
    filters: Filters
    responses: int
    first_response: datetime | None
    last_response: datetime | None
    overall: Group
    breakdowns: Breakdowns
    trend: list[Week]

    @property
    def questions(self) -> dict[str, QuestionSummary]:
        return self.overall.questions

    @property
    def too_few(self) -> bool:
        return self.overall.too_few


def as_json(report: Report) -> dict[str, Any]:
    """The JSON report (contract in SPEC_FORMAT.md): plain types, dates as ISO 8601 text."""
    return {
        "survey": report.survey,
        "lang": report.lang,
        "timezone": report.timezone,
        "generated_at": report.generated_at.isoformat(),
        "filters": report.filters.as_json(),
        "responses": report.responses,
        "too_few": report.too_few,
        "first_response": _plain(report.first_response),
        "last_response": _plain(report.last_response),
        **_group_body(report.overall),
        "breakdowns": {
            "touchpoint": {key: _group_json(g) for key, g in report.breakdowns.touchpoint.items()},
            "language": {key: _group_json(g) for key, g in report.breakdowns.language.items()},
            "hidden": {
                name: {value: _group_json(g) for value, g in values.items()}
                for name, values in report.breakdowns.hidden.items()
            },
        },
        "trend": [_week_json(week) for week in report.trend],
    }


def _group_json(group: Group) -> dict[str, Any]:
    return {"responses": group.responses, "too_few": group.too_few, **_group_body(group)}


def _group_body(group: Group) -> dict[str, Any]:
    body: dict[str, Any] = {"questions": {qid: _plain(s) for qid, s in group.questions.items()}}
    if group.outcomes is not None:
        body["outcomes"] = _plain(group.outcomes)
    return body


def _week_json(week: Week) -> dict[str, Any]:
    nps = next((h.value for h in week.questions.values() if h.measure == "score"), None)
    return {
        "week": week.week,
        "start": week.start.isoformat(),
        "responses": week.responses,
        "nps": _plain(nps),
        "questions": {qid: {"n": h.n, h.measure: _plain(h.value)} for qid, h in week.questions.items()},
    }


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, dates to text, floats to 2 decimals: what a JSON reader wants."""
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value
