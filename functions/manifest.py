"""The compiled survey manifest (`dist/<survey>/form.json`).

The manifest is the one product of spec validation. The site renderer, the collect
function, the report function and the browser script all read it, so none of them
ever needs the YAML spec or `site_builder`. Every text is normalised to a map of
language → text, and every `show_if` to an explicit operator form.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import orjson
from pydantic import BaseModel, ConfigDict, Field

MANIFEST_FORMAT: Literal[1] = 1

Text = dict[str, str]
"""Language code → text (plain text unless the field name ends in `_html`)."""

QuestionType = Literal[
    "nps",
    "csat",
    "ces",
    "rating",
    "single_choice",
    "multi_choice",
    "likert",
    "text",
    "email",
    "number",
    "consent",
    "info",
]

SCALE_TYPES: frozenset[str] = frozenset({"nps", "csat", "ces", "rating"})
"""Questions answered with one integer between `min` and `max`."""

Operator = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "includes"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Frozen):
    """`answers[question] <op> value`; false whenever the question has no answer."""

    question: str
    op: Operator
    value: int | float | str | bool | list[int | float | str | bool]


class AllOf(_Frozen):
    all: list[ShowIf]


class AnyOf(_Frozen):
    any: list[ShowIf]


ShowIf = Annotated[Condition | AllOf | AnyOf, Field(union_mode="left_to_right")]
AllOf.model_rebuild()
AnyOf.model_rebuild()


class Option(_Frozen):
    id: str
    label: Text
    score: float | None = None


class Row(_Frozen):
    id: str
    label: Text


class EndLabels(_Frozen):
    """Words at the two ends of a scale, announced with the first and last radio."""

    min: Text
    max: Text


class Question(_Frozen):
    id: str
    type: QuestionType
    page: int = Field(description="0-based index into Manifest.pages")
    text: Text
    hint: Text | None = None
    required: bool = False
    show_if: ShowIf | None = None
    # scales (nps/csat/ces/rating: integer min..max), likert (1..scale per row), number bounds
    min: float | None = None
    max: float | None = None
    integer: bool = True
    labels: EndLabels | None = None
    scored: bool = False
    # single_choice / multi_choice
    options: list[Option] = []
    other: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    # likert
    rows: list[Row] = []
    # text / email
    multiline: bool = False
    max_length: int | None = None
    # info: sanitised HTML shown between questions
    html: Text | None = None

    @property
    def answers(self) -> bool:
        """Whether respondents answer this question (an `info` block is only read)."""
        return self.type != "info"


class Page(_Frozen):
    title: Text | None = None
    questions: list[str]


class Outcome(_Frozen):
    """A quiz result profile for totals in [min, max]; an open end is None."""

    id: str
    min: float | None = None
    max: float | None = None
    title: Text
    body_html: Text


class Quiz(_Frozen):
    outcomes: list[Outcome]

    def outcome_for(self, total: float) -> Outcome | None:
        for outcome in self.outcomes:
            if (outcome.min is None or total >= outcome.min) and (outcome.max is None or total <= outcome.max):
                return outcome
        return None


class Touchpoint(_Frozen):
    id: str
    label: Text
    kiosk: bool = False


class Brand(_Frozen):
    """The theme's tokens, so reports and error pages can wear the client's brand without the theme files."""

    name: str
    colors: dict[str, str]
    font_family: str
    logo: str | None = Field(None, description="URL of the hashed logo, relative to the survey folder")
    logo_alt: str = ""
    radius: str = "8px"


class KioskSettings(_Frozen):
    """How a locked feedback tablet resets itself for the next respondent."""

    thanks_seconds: int = 6
    idle_seconds: int = 60
    warning_seconds: int = 15


class ReportSettings(_Frozen):
    schedule: Literal["weekly", "off"] = "off"
    timezone: str = "Europe/Helsinki"


class Manifest(_Frozen):
    format: Literal[1] = MANIFEST_FORMAT
    id: str
    version: str = Field(description="Hash of the compiled spec; changes whenever the survey does")
    theme: str
    brand: Brand
    languages: list[str]
    title: Text
    intro_html: Text | None = None
    thanks: Text
    opens: date | None = None
    closes: date | None = None
    timezone: str = "Europe/Helsinki"
    touchpoints: list[Touchpoint] = []
    hidden: list[str] = []
    pages: list[Page]
    questions: list[Question]
    quiz: Quiz | None = None
    kiosk: KioskSettings = KioskSettings()
    report: ReportSettings = ReportSettings()

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def question(self, question_id: str) -> Question | None:
        for question in self.questions:
            if question.id == question_id:
                return question
        return None

    @property
    def answerable(self) -> list[Question]:
        return [q for q in self.questions if q.answers]

    def touchpoint(self, touchpoint_id: str) -> Touchpoint | None:
        for touchpoint in self.touchpoints:
            if touchpoint.id == touchpoint_id:
                return touchpoint
        return None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The open interval in UTC-aware datetimes: from `opens` 00:00 to the end of `closes`."""
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(self.opens, time.min, zone) if self.opens else None
        end = datetime.combine(self.closes + timedelta(days=1), time.min, zone) if self.closes else None
        return start, end

    def status_at(self, moment: datetime) -> Literal["not_open", "open", "closed"]:
        start, end = self.window()
        if start is not None and moment < start:
            return "not_open"
        if end is not None and moment >= end:
            return "closed"
        return "open"

    def to_json(self) -> str:
        """Canonical JSON: sorted keys and fixed indentation, so the same survey always gives the same bytes."""
        return orjson.dumps(self.model_dump(mode="json"), option=_CANONICAL).decode("utf-8")


_CANONICAL = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


class ManifestInvalid(ValueError):
    """A `form.json` that is not a manifest of this format; the message names the first wrong field."""


def parse_manifest(data: bytes | str) -> Manifest:
    """The manifest in `data`; raises `ManifestInvalid` naming the first wrong field."""
    from pydantic import ValidationError

    try:
        return Manifest.model_validate_json(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "manifest"
        raise ManifestInvalid(f"{where}: {first.get('msg', 'not a manifest')}") from err


def load_manifest(path: Path) -> Manifest:
    return parse_manifest(path.read_bytes())
