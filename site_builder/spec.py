"""The survey spec as producers write it (`survey_specs/<id>.yaml`), as pydantic models.

These models are the single source of the spec's JSON Schema (`palaute schema`). They
check each value's shape; what needs the whole survey (unique ids, `show_if` targets,
translations, quiz coverage) is checked afterwards in `crosscheck.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SLUG = r"^[a-z0-9][a-z0-9-]*$"
NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
LANGUAGE = r"^[a-z]{2,3}(-[A-Z]{2})?$"
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "includes")


def _one_text(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One clear error instead of pydantic's two (one per union branch)."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "localized_text",
            "expected a text, or a map of language code → text (e.g. {fi: Kiitos, sv: Tack})",
        ) from None


Localized = Annotated[str | dict[str, str], WrapValidator(_one_text)]
"""A plain string in a one-language survey, otherwise language → text."""

Scalar = Union[int, float, str, bool]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built once, as a whole, at the first spec read


class ConditionSpec(Strict):
    """One test of an earlier answer, e.g. `{question: recommend, lte: 6}`."""

    question: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None
    in_: list[Scalar] | None = Field(None, alias="in")
    includes: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_operator(self) -> ConditionSpec:
        given = self.operators()
        if len(given) != 1:
            raise PydanticCustomError(
                "one_operator",
                "a condition needs exactly one operator of " + ", ".join(OPERATORS) + ", found {found}",
                {"found": ", ".join(given) or "none"},
            )
        return self

    def operators(self) -> list[str]:
        return [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]

    @property
    def op(self) -> str:
        return self.operators()[0]

    @property
    def value(self) -> Any:
        return getattr(self, "in_" if self.op == "in" else self.op)


class AllSpec(Strict):
    all: list[ShowIfSpec] = Field(min_length=1)


class AnySpec(Strict):
    any: list[ShowIfSpec] = Field(min_length=1)


def _show_if_kind(value: Any) -> str:
    if isinstance(value, dict):
        if "all" in value:
            return "all-of"
        if "any" in value:
            return "any-of"
    return "condition"


ShowIfSpec = Annotated[
    Annotated[ConditionSpec, Tag("condition")] | Annotated[AllSpec, Tag("all-of")] | Annotated[AnySpec, Tag("any-of")],
    Discriminator(_show_if_kind),
]


class EndLabelsSpec(Strict):
    min: Localized
    max: Localized


class QuestionBase(Strict):
    id: str = Field(pattern=NAME, max_length=64)
    text: Localized
    hint: Localized | None = None
    required: bool = False
    show_if: ShowIfSpec | None = None


class ScaleBase(QuestionBase):
    labels: EndLabelsSpec | None = None
    scored: bool = False


class NpsQuestion(ScaleBase):
    type: Literal["nps"]


class CsatQuestion(ScaleBase):
    type: Literal["csat"]


class CesQuestion(ScaleBase):
    type: Literal["ces"]


class RatingQuestion(ScaleBase):
    type: Literal["rating"]
    scale: int = Field(5, ge=2, le=10)


class OptionSpec(Strict):
    id: str = Field(pattern=NAME, max_length=64)
    label: Localized
    score: float | None = None


class SingleChoiceQuestion(QuestionBase):
    type: Literal["single_choice"]
    options: list[OptionSpec] = Field(min_length=1)
    other: bool = False


class MultiChoiceQuestion(QuestionBase):
    type: Literal["multi_choice"]
    options: list[OptionSpec] = Field(min_length=1)
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=1)


class RowSpec(Strict):
    id: str = Field(pattern=NAME, max_length=64)
    label: Localized


class LikertQuestion(QuestionBase):
    type: Literal["likert"]
    rows: list[RowSpec] = Field(min_length=1)
    scale: Literal[5, 7] = 5


class TextQuestion(QuestionBase):
    type: Literal["text"]
    multiline: bool = False
    max_length: int | None = Field(None, ge=1, le=20000)


class EmailQuestion(QuestionBase):
    type: Literal["email"]


class NumberQuestion(QuestionBase):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False


class ConsentQuestion(QuestionBase):
    type: Literal["consent"]


class InfoBlock(Strict):
    """Markdown shown between questions; nothing to answer."""

    type: Literal["info"]
    id: str | None = Field(None, pattern=NAME, max_length=64)
    text: Localized
    show_if: ShowIfSpec | None = None


QuestionSpec = Annotated[
    (
        NpsQuestion
        | CsatQuestion
        | CesQuestion
        | RatingQuestion
        | SingleChoiceQuestion
        | MultiChoiceQuestion
        | LikertQuestion
        | TextQuestion
        | EmailQuestion
        | NumberQuestion
        | ConsentQuestion
        | InfoBlock
    ),
    Field(discriminator="type"),
]

QUESTION_TYPES = (
    "nps", "csat", "ces", "rating", "single_choice", "multi_choice",
    "likert", "text", "email", "number", "consent", "info",
)  # fmt: skip


class PageSpec(Strict):
    title: Localized | None = None
    questions: list[QuestionSpec] = Field(min_length=1)


class TouchpointSpec(Strict):
    id: str = Field(pattern=SLUG, max_length=64)
    label: Localized
    kiosk: bool = False


class OutcomeSpec(Strict):
    id: str = Field(pattern=NAME, max_length=64)
    min: float | None = None
    max: float | None = None
    title: Localized
    body: Localized


class QuizSpec(Strict):
    outcomes: list[OutcomeSpec] = Field(min_length=1)


class KioskSpec(Strict):
    thanks_seconds: int = Field(6, ge=1, le=120)
    idle_seconds: int = Field(60, ge=10, le=3600)
    warning_seconds: int = Field(15, ge=3, le=300)


class ReportSpec(Strict):
    schedule: Literal["weekly", "off"] = "off"
    timezone: str | None = None


class SurveySpec(Strict):
    """A whole survey. Exactly one of `pages` and `questions` (a one-page survey)."""

    id: str = Field(pattern=SLUG, max_length=80)
    theme: str = Field(pattern=NAME)
    languages: list[Annotated[str, Field(pattern=LANGUAGE)]] = Field(min_length=1)
    title: Localized
    intro: Localized | None = None
    opens: date | None = None
    closes: date | None = None
    timezone: str = "Europe/Helsinki"
    touchpoints: list[TouchpointSpec] = []
    hidden: list[Annotated[str, Field(pattern=NAME, max_length=40)]] = []
    pages: list[PageSpec] | None = None
    questions: list[QuestionSpec] | None = None
    quiz: QuizSpec | None = None
    kiosk: KioskSpec = KioskSpec()
    report: ReportSpec = ReportSpec()
    thanks: Localized

    def all_pages(self) -> list[PageSpec]:
        if self.pages is not None:
            return self.pages
        return [PageSpec(questions=self.questions or [])]


AnyQuestion = Union[
    NpsQuestion, CsatQuestion, CesQuestion, RatingQuestion, SingleChoiceQuestion, MultiChoiceQuestion,
    LikertQuestion, TextQuestion, EmailQuestion, NumberQuestion, ConsentQuestion, InfoBlock,
]  # fmt: skip

AllSpec.model_rebuild()
AnySpec.model_rebuild()
QuestionBase.model_rebuild()
