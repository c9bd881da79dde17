"""Producer-written Markdown (intro, info blocks, quiz outcomes) as sanitised HTML."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    import markdown

ALLOWED_TAGS = {"p", "strong", "em", "a", "ul", "ol", "li", "br", "h2", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}}


@cache
def _converter() -> markdown.Markdown:
    """One converter for every text: making one costs more than converting a paragraph; `reset` empties it.
    Made, and python-markdown imported, only when a text needs it: most intros are plain sentences."""
    import markdown

    return markdown.Markdown(output_format="html")


_PLAIN_SENTENCES = re.compile(r"[^\W\d_](?:[^\W_]|[,.!?():;%€/–—*-]| (?! ))*(?<! )")
"""One line of words, digits, single spaces, plain punctuation and `*`, starting with a letter: text that
Markdown only wraps in a paragraph (never a list, heading, quote, link or HTML), `**…**` pairs made strong."""
_STRONG = re.compile(r"\*\*([^\s*](?:[^*]*[^\s*])?)\*\*")


def render_markdown(text: str) -> str:
    """Markdown → HTML that cannot carry script: raw HTML and unsafe links are stripped by nh3."""
    plain = plain_sentences_html(text)
    return plain if plain is not None else markdown_html(text)


def plain_sentences_html(text: str) -> str | None:
    """The HTML of a plain sentence or two (most intros), made without the Markdown machinery (~0.4 ms a
    text), or None for anything else. It is what `markdown_html` makes of the same text, as a test holds."""
    if _PLAIN_SENTENCES.fullmatch(text) is None:
        return None
    html = _STRONG.sub(r"<strong>\1</strong>", text)
    return None if "*" in html else f"<p>{html}</p>"


def markdown_html(text: str) -> str:
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    ).strip()
