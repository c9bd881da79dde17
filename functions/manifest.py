"""The compiled survey manifest (`dist/<survey>/form.json`).

The manifest is the one product of spec validation. The site renderer, the collect
function, the report function and the browser script all read it, so none of them
ever needs the YAML spec or `site_builder`. Every text is normalised to a map of
language → text, and every `show_if` to an explicit operator form.

The models are msgspec Structs, not pydantic models, so a Lambda cold start that decodes a
manifest does not import pydantic (issue #7). Each is frozen (read-only once decoded), refuses a
key this format does not have, and is built with keywords only. msgspec checks types when it
decodes (`parse_manifest`) or converts (`msgspec.convert`), not in `__init__`: code that builds a
manifest from loose values converts it (see `site_builder/compile.py`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from zoneinfo import ZoneInfo

import msgspec
import orjson
from msgspec import Struct, field
from msgspec.structs import force_setattr

from functions.decode_errors import nested, where_and_problem

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


if TYPE_CHECKING:
    _ShowIfField: TypeAlias = "Condition | AllOf | AnyOf"
else:
    _ShowIfField = Any
    """What msgspec decodes a `show_if` as: any JSON value, made a `Condition`, `AllOf` or `AnyOf`
    by its key in `__post_init__` (msgspec decodes a union of objects only by a tag, and these
    have none). `Any` rather than an object, so a model built by `msgspec.convert` may hold one
    already made."""


class Condition(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """`answers[question] <op> value`; false whenever the question has no answer."""

    question: str
    op: Operator
    value: int | float | str | bool | list[int | float | str | bool]


class AllOf(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    all: list[_ShowIfField]

    def __post_init__(self) -> None:
        force_setattr(self, "all", [_show_if(part, f".all[{i}]") for i, part in enumerate(self.all)])


class AnyOf(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    any: list[_ShowIfField]

    def __post_init__(self) -> None:
        force_setattr(self, "any", [_show_if(part, f".any[{i}]") for i, part in enumerate(self.any)])


ShowIf: TypeAlias = Condition | AllOf | AnyOf
_SHOW_IF_KINDS: tuple[tuple[str, type[ShowIf]], ...] = (("question", Condition), ("all", AllOf), ("any", AnyOf))


def _show_if(raw: object, step: str) -> ShowIf:
    """A decoded `show_if` object as the form its key names; one already built is kept as it is."""
    if isinstance(raw, Condition | AllOf | AnyOf):
        return raw
    kind = next((form for key, form in _SHOW_IF_KINDS if isinstance(raw, dict) and key in raw), None)
    if kind is None:
        raise ValueError(f"expected a condition (`question`, `op`, `value`), `all` or `any` - at `${step}`")
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as err:
        raise ValueError(nested(str(err), step)) from None


class Option(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: str
    label: Text
    score: float | None = None


class Row(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: str
    label: Text


class EndLabels(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Words at the two ends of a scale, announced with the first and last radio."""

    min: Text
    max: Text


class Question(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: str
    type: QuestionType
    page: int
    """0-based index into `Manifest.pages`."""
    text: Text
    hint: Text | None = None
    required: bool = False
    show_if: _ShowIfField | None = None
    # scales (nps/csat/ces/rating: integer min..max), likert (1..scale per row), number bounds
    min: float | None = None
    max: float | None = None
    integer: bool = True
    labels: EndLabels | None = None
    scored: bool = False
    # single_choice / multi_choice
    options: list[Option] = field(default_factory=list)
    other: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    # likert
    rows: list[Row] = field(default_factory=list)
    # text / email
    multiline: bool = False
    max_length: int | None = None
    # info: sanitised HTML shown between questions
    html: Text | None = None

    def __post_init__(self) -> None:
        if self.show_if is not None:
            force_setattr(self, "show_if", _show_if(self.show_if, ".show_if"))

    @property
    def answers(self) -> bool:
        """Whether respondents answer this question (an `info` block is only read)."""
        return self.type != "info"


class Page(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    title: Text | None = None
    questions: list[str]


class Outcome(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A quiz result profile for totals in [min, max]; an open end is None."""

    id: str
    min: float | None = None
    max: float | None = None
    title: Text
    body_html: Text


class Quiz(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    outcomes: list[Outcome]

    def outcome_for(self, total: float) -> Outcome | None:
        for outcome in self.outcomes:
            if (outcome.min is None or total >= outcome.min) and (outcome.max is None or total <= outcome.max):
                return outcome
        return None


class Touchpoint(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: str
    label: Text
    kiosk: bool = False


class Brand(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The theme's tokens, so reports and error pages can wear the client's brand without the theme files."""

    name: str
    colors: dict[str, str]
    font_family: str
    logo: str | None = None
    """URL of the hashed logo, relative to the survey folder."""
    logo_alt: str = ""
    radius: str = "8px"


class KioskSettings(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How a locked feedback tablet resets itself for the next respondent."""

    thanks_seconds: int = 6
    idle_seconds: int = 60
    warning_seconds: int = 15


class ReportSettings(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    schedule: Literal["weekly", "off"] = "off"
    timezone: str = "Europe/Helsinki"


class Manifest(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    format: Literal[1] = MANIFEST_FORMAT
    id: str
    version: str
    """Hash of the compiled spec; changes whenever the survey does."""
    theme: str
    brand: Brand
    languages: list[str]
    title: Text
    intro_html: Text | None = None
    thanks: Text
    opens: date | None = None
    closes: date | None = None
    timezone: str = "Europe/Helsinki"
    touchpoints: list[Touchpoint] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    pages: list[Page]
    questions: list[Question]
    quiz: Quiz | None = None
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    report: ReportSettings = field(default_factory=ReportSettings)

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
        return orjson.dumps(msgspec.to_builtins(self), option=_CANONICAL).decode("utf-8")


_CANONICAL = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


class ManifestInvalid(ValueError):
    """A `form.json` that is not a manifest of this format; the message names the first wrong field."""


_DECODER = msgspec.json.Decoder(Manifest)


def parse_manifest(data: bytes | str) -> Manifest:
    """The manifest in `data`; raises `ManifestInvalid` naming the first wrong field."""
    try:
        return _DECODER.decode(data)
    except msgspec.ValidationError as err:
        where, problem = where_and_problem(str(err))
        raise ManifestInvalid(f"{where or 'manifest'}: {problem}") from err
    except (msgspec.DecodeError, UnicodeDecodeError) as err:
        raise ManifestInvalid(f"manifest: Invalid JSON: {err}") from err


def load_manifest(path: Path) -> Manifest:
    return parse_manifest(path.read_bytes())
