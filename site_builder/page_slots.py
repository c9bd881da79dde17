"""Which strings of each page's view differ from survey to survey: the slots its shell leaves out.

Each function returns the view with markers in those strings' places (what the shell is rendered
from), the strings themselves, and a key for all the rest (what pages sharing a shell must agree on).
Only a string the built-in templates print and nothing else is a slot; one they test (`{% if %}`)
is a slot only when it is not empty, and its emptiness is in the key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import fields
from functools import cache
from operator import attrgetter
from typing import Any

from site_builder.page_shells import Slots
from site_builder.page_views import Link, PageView, SurveyView, ThanksView, replaced


def view_key(view: Any) -> tuple[Hashable, ...]:
    """Every field of a (frozen) view, its lists and dicts as tuples: two views with the same key are equal."""
    kind: type = type(view)
    return (
        kind.__qualname__,
        *[
            tuple(value) if isinstance(value, list) else tuple(value.items()) if isinstance(value, dict) else value
            for value in _field_values(kind)(view)
        ],
    )


@cache
def _field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A view class's field values in one call: each page's key reads every field of every view it shows."""
    get = attrgetter(*(item.name for item in fields(cls)))
    return get if len(fields(cls)) > 1 else lambda view: (get(view),)


def page_slots(page: PageView, slots: Slots) -> tuple[PageView, tuple[Hashable, ...]]:
    """The layout's strings that name the survey: its title, and its canonical and alternate links."""
    marked = replaced(
        page,
        title=slots.add(page.title),
        canonical=slots.add(page.canonical) if page.canonical else "",
        alternates=[Link(link.lang, slots.add(link.href), link.name) for link in page.alternates],
    )
    return marked, view_key(marked)


def survey_slots(survey: SurveyView, slots: Slots) -> tuple[SurveyView, tuple[Hashable, ...]]:
    """The survey page's own strings; the questions (`sections_html`) too, rendered and compacted already.
    `sections` is left out: the page shows only `sections_html`."""
    marked = replaced(
        survey,
        id=slots.add(survey.id),
        version=slots.add(survey.version),
        title=slots.add(survey.title),
        intro_html=slots.add(survey.intro_html, raw=True) if survey.intro_html else "",
        action=slots.add(survey.action),
        api=slots.add(survey.api),
        kiosk=slots.add(survey.kiosk),
        timezone=slots.add(survey.timezone),
        kiosk_thanks=slots.add(survey.kiosk_thanks) if survey.kiosk_thanks else "",
        sections=[],
        sections_html=slots.add(survey.sections_html, compact=True),
    )
    return marked, view_key(marked)


def thanks_slots(thanks: ThanksView, slots: Slots) -> tuple[ThanksView, tuple[Hashable, ...]]:
    """The thank-you text (a quiz's outcomes stay in the key: their pages are the survey's own)."""
    marked = replaced(thanks, text=slots.add(thanks.text))
    return marked, view_key(marked)
