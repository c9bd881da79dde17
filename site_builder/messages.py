"""The survey page's own words (buttons, built-in scale ends, notes) in the respondent's language.

Producers write their questions in every survey language; the words around them come from
`site_builder/messages/<lang>.json`. A language without a catalog, or a catalog missing a
key, falls back to English, so adding a survey language never breaks a build.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

FALLBACK = "en"
CATALOGS = Path(__file__).parent / "messages"

LANGUAGE_NAMES: dict[str, str] = {
    "fi": "Suomi",
    "sv": "Svenska",
    "en": "English",
    "se": "Davvisámegiella",
    "et": "Eesti",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ru": "Русский",
    "uk": "Українська",
    "no": "Norsk",
    "nb": "Norsk bokmål",
    "da": "Dansk",
}
"""Each language named in itself, as a language switcher should show it."""


def _read(lang: str) -> dict[str, str]:
    source = CATALOGS / f"{lang}.json"
    if not source.is_file():
        return {}
    loaded: dict[str, str] = json.loads(source.read_text(encoding="utf-8"))
    return loaded


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message for `lang` (or its base language, `sv` for `sv-FI`), English where missing."""
    base = lang.split("-")[0].lower()
    return {**_read(FALLBACK), **_read(base), **_read(lang)}


def message(lang: str, key: str, **values: object) -> str:
    return catalog(lang)[key].format(**values)


def words(lang: str, key: str) -> list[str]:
    """A `|`-separated list message, such as the labels of a 5-point agreement scale."""
    return catalog(lang)[key].split("|")


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES.get(lang.split("-")[0], lang))


def format_date(lang: str, day: date) -> str:
    """`1.12.2026`, `1 december 2026`, `1 December 2026`: how each language writes a date in prose."""
    month = words(lang, "months")[day.month - 1]
    return message(lang, "date", day=day.day, month=month, month_number=day.month, year=day.year)


def format_number(lang: str, value: float) -> str:
    """`6` for whole numbers; a decimal comma where the language writes one."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", message(lang, "decimal"))


def translated(text: dict[str, str] | None, lang: str) -> str:
    """A producer's text in `lang`; the manifest has every survey language, so the fallbacks are for safety."""
    if not text:
        return ""
    return text.get(lang) or text.get(lang.split("-")[0]) or next(iter(text.values()))
