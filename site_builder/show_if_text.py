"""A `show_if` condition in the respondent's words, for pages read without JavaScript.

With the script off every question is on the page, so a conditional one carries a note
such as "Answer this if you chose 6 or less for “How likely are you…”". The note names the
earlier question by its (shortened) text and an option by its label, never by an id.
"""

from __future__ import annotations

from functions.manifest import AllOf, AnyOf, Condition, Manifest, Question, ShowIf
from site_builder.messages import format_number, message, translated

SHORT = 60
"""Characters of the earlier question's text to quote; the respondent only needs to recognise it."""


def describe_show_if(condition: ShowIf, manifest: Manifest, lang: str) -> str:
    return message(lang, "show_if", condition=_clause(condition, manifest, lang))


def _clause(condition: ShowIf, manifest: Manifest, lang: str) -> str:
    if isinstance(condition, AllOf):
        return f" {message(lang, 'and')} ".join(_clause(part, manifest, lang) for part in condition.all)
    if isinstance(condition, AnyOf):
        return f" {message(lang, 'or')} ".join(_clause(part, manifest, lang) for part in condition.any)
    return _condition(condition, manifest, lang)


def _condition(condition: Condition, manifest: Manifest, lang: str) -> str:
    question = manifest.question(condition.question)
    # A full stop inside the quotes would double the note's own: ”…johdosta.”.
    named = _quote(lang, shorten(translated(question.text, lang)).rstrip(".")) if question else condition.question
    if question is not None and question.type == "consent" and condition.op == "eq" and condition.value is True:
        return message(lang, "cond_ticked", question=named)
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    joined = f" {message(lang, 'or')} ".join(_value(value, question, lang) for value in values)
    return message(lang, f"cond_{condition.op}", question=named, value=joined)


def _value(value: int | float | str | bool, question: Question | None, lang: str) -> str:
    if isinstance(value, bool):
        return message(lang, "yes" if value else "no")
    if isinstance(value, int | float):
        return format_number(lang, value)
    if question is not None:
        for option in question.options:
            if option.id == value:
                return _quote(lang, translated(option.label, lang))
        if question.other and value == "other":
            return _quote(lang, message(lang, "other"))
    return value


def _quote(lang: str, text: str) -> str:
    return message(lang, "quote", text=text)


def shorten(text: str, limit: int = SHORT) -> str:
    """The text cut at a word boundary to about `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.!?–-")
    return cut + "…"
