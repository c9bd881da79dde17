"""What the layout, survey and thanks templates see: one page of one survey in one language.

Links between the survey's own pages are relative (`../sv/`), so the folder works wherever
it is served from: the local server, a bucket, a subfolder. Only the canonical and
alternate-language links are absolute, and only when the build is given a base URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, TypeVar

import msgspec

from functions.manifest import Manifest
from site_builder.messages import catalog, format_date, language_name, message, translated
from site_builder.question_views import QuestionView, shared_question_view
from site_builder.script import script_texts, survey_script
from site_builder.show_if_text import shorten
from site_builder.theme import Theme

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


@dataclass(frozen=True)
class Link:
    lang: str
    href: str
    name: str = ""


@dataclass(frozen=True)
class PageView:
    lang: str
    title: str
    brand: str
    logo_src: str
    logo_alt: str
    logo_size: tuple[int, int] | None
    css: str
    messages: dict[str, str]
    dir: str = "ltr"
    canonical: str = ""
    alternates: list[Link] = field(default_factory=list)
    languages: list[Link] = field(default_factory=list)
    """The other languages' versions of this page, for the language switcher."""
    script: str = ""
    """The survey script's URL from this page (`../assets/survey.<hash>.js`); "" for none."""


@dataclass(frozen=True)
class Notice:
    kind: str
    date: str
    text: str


@dataclass(frozen=True)
class Section:
    index: int
    heading: str
    questions: list[QuestionView]
    numbered: bool = False
    """The heading is only "Part n/N": the script's progress line would say it twice."""


@dataclass(frozen=True)
class Outcome:
    id: str
    title: str
    body_html: str


@dataclass(frozen=True)
class SurveyView:
    id: str
    version: str
    lang: str
    title: str
    intro_html: str
    action: str
    api: str
    thanks_href: str
    kiosk: str
    timezone: str
    hidden: list[str]
    notices: list[Notice]
    sections: list[Section]
    texts: str = "{}"
    """JSON: the script's words and the collect function's validation messages, in this language."""
    scoring: str = ""
    """JSON: the quiz outcomes' score ranges, so the script finds the outcome as the server does."""
    kiosk_thanks: str = ""
    """The thank-you text a kiosk shows in place; "" when the survey has no kiosk touchpoint."""
    outcomes: list[Outcome] = field(default_factory=list)
    sections_html: str = ""
    """`sections` rendered (by the autoescaping `sections.html`): the same on every copy of the page."""


@dataclass(frozen=True)
class ThanksView:
    lang: str
    text: str
    outcomes: list[Outcome]
    chosen: Outcome | None = None
    """On `thanks/<outcome>/`: the outcome shown without any script (the collect redirect's target)."""


def page_view(manifest: Manifest, theme: Theme, lang: str, path: str, *, base_url: str, title: str) -> PageView:
    """The page at `path` in the survey folder (`""`, `fi/` or `fi/thanks/`) in `lang`."""
    prefix = "../" * path.count("/")
    tail = path.split("/", 1)[1] if "/" in path else ""
    site = f"{base_url.rstrip('/')}/{manifest.id}/" if base_url else ""
    others = [lang_ for lang_ in manifest.languages if lang_ != lang]
    return PageView(
        lang=lang, title=title, brand=theme.tokens.name,
        logo_src=prefix + theme.logo_url if theme.logo_url else "", logo_alt=theme.tokens.logo_alt,
        logo_size=theme.logo_size, css=stylesheet(theme, prefix + "assets/"), messages=catalog(lang),
        dir="rtl" if lang.split("-")[0] in RIGHT_TO_LEFT else "ltr",
        canonical=f"{site}{lang}/{tail}" if site else "", script=f"{prefix}assets/{survey_script().name}",
        alternates=[Link(other, f"{site}{other}/{tail}") for other in manifest.languages] if site else [],
        languages=[Link(other, f"{prefix}{other}/{tail}", language_name(other)) for other in others],
    )  # fmt: skip


def survey_view(manifest: Manifest, lang: str, path: str, *, api_url: str) -> SurveyView:
    prefix = "../" * path.count("/")
    kiosk = {**msgspec.structs.asdict(manifest.kiosk), "touchpoints": [t.id for t in manifest.touchpoints if t.kiosk]}
    scoring = [{"id": o.id, "min": o.min, "max": o.max} for o in (manifest.quiz.outcomes if manifest.quiz else [])]
    has_kiosk = bool(kiosk["touchpoints"])
    return SurveyView(
        id=manifest.id, version=manifest.version, lang=lang, title=translated(manifest.title, lang),
        intro_html=translated(manifest.intro_html, lang),
        action=f"{api_url.rstrip('/')}/v1/surveys/{manifest.id}/responses", api=api_url.rstrip("/"),
        thanks_href=f"{prefix}{lang}/thanks/",
        kiosk=json.dumps(kiosk, separators=(",", ":"), sort_keys=True), timezone=manifest.timezone,
        hidden=list(manifest.hidden), notices=_notices(manifest, lang), sections=_sections(manifest, lang),
        texts=_script_texts_json(lang), scoring=_json(scoring) if scoring else "",
        kiosk_thanks=translated(manifest.thanks, lang) if has_kiosk else "",
        outcomes=_outcomes(manifest, lang) if has_kiosk else [],
    )  # fmt: skip


def survey_view_at(survey: SurveyView, path: str) -> SurveyView:
    """The same survey page at another `path` of the survey folder: only its relative links differ."""
    return replaced(survey, thanks_href=f"{'../' * path.count('/')}{survey.lang}/thanks/")


_View = TypeVar("_View", bound="DataclassInstance")


def replaced(view: _View, /, **changes: object) -> _View:
    """`dataclasses.replace`, at a fraction of its cost: each survey's pages copy views dozens of times (with
    markers in their slots), and a frozen dataclass's `__init__` sets each field through `object.__setattr__`.

    The copy skips `__init__` only when that is all `__init__` would do (no `__post_init__`, no field left
    out of it) and the view holds nothing but its fields; otherwise it is `dataclasses.replace` itself."""
    names = _copied_fields(type(view))
    values = view.__dict__
    if names is None or values.keys() != names or not changes.keys() <= names:
        return replace(view, **changes)
    copy: _View = object.__new__(type(view))
    copy.__dict__.update(values, **changes)
    return copy


@cache
def _copied_fields(cls: type[DataclassInstance]) -> frozenset[str] | None:
    """The fields `replaced` copies as they are; None for a class whose `__init__` does more than set them."""
    every = fields(cls)
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__") or not all(item.init for item in every):
        return None
    return frozenset(item.name for item in every)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@cache
def _script_texts_json(lang: str) -> str:
    return _json(script_texts(lang))


@lru_cache(maxsize=64)
def stylesheet(theme: Theme, assets_url: str) -> str:
    """The theme's stylesheet for pages that reach the assets at `assets_url`: every page of every survey
    of the theme inlines one of a few, so each is composed once (a theme is compared by identity)."""
    return theme.css_at(assets_url)


def _notices(manifest: Manifest, lang: str) -> list[Notice]:
    """Shown by the script from the respondent's clock; the build never looks at today's date."""
    notices = []
    if manifest.opens is not None:
        text = message(lang, "not_open", date=format_date(lang, manifest.opens))
        notices.append(Notice("not_open", manifest.opens.isoformat(), text))
    if manifest.closes is not None:
        text = message(lang, "closed", date=format_date(lang, manifest.closes))
        notices.append(Notice("closed", manifest.closes.isoformat(), text))
    return notices


def _sections(manifest: Manifest, lang: str) -> list[Section]:
    total = len(manifest.pages)
    sections = []
    for index, page in enumerate(manifest.pages):
        heading = translated(page.title, lang)
        numbered = not heading and total > 1
        if numbered:
            heading = message(lang, "part", n=index + 1, total=total)
        questions = [manifest.question(question_id) for question_id in page.questions]
        views = [shared_question_view(q, manifest, lang) for q in questions if q is not None]
        sections.append(Section(index=index, heading=heading, questions=views, numbered=numbered))
    return sections


def _outcomes(manifest: Manifest, lang: str) -> list[Outcome]:
    return [
        Outcome(id=o.id, title=translated(o.title, lang), body_html=translated(o.body_html, lang))
        for o in (manifest.quiz.outcomes if manifest.quiz else [])
    ]


def thanks_view(manifest: Manifest, lang: str, outcome: str | None = None) -> ThanksView:
    """The thank-you page; with `outcome`, the page of that quiz outcome (`thanks/<outcome>/`)."""
    outcomes = _outcomes(manifest, lang)
    chosen = next((o for o in outcomes if o.id == outcome), None)
    return ThanksView(lang=lang, text=translated(manifest.thanks, lang), outcomes=outcomes, chosen=chosen)


def thanks_title(manifest: Manifest, lang: str, outcome: str | None = None) -> str:
    title = next((o.title for o in _outcomes(manifest, lang) if o.id == outcome), "")
    thanks = shorten(translated(manifest.thanks, lang), 40)
    survey = translated(manifest.title, lang)
    return f"{title} – {thanks} – {survey}" if title else f"{thanks} – {survey}"
