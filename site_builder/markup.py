"""Producer-written Markdown (intro, info blocks, quiz outcomes) as sanitised HTML."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "strong", "em", "a", "ul", "ol", "li", "br", "h2", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}}


_MARKDOWN = markdown.Markdown(output_format="html")
"""One converter for every text: making one costs more than converting a paragraph; `reset` empties it."""


def render_markdown(text: str) -> str:
    """Markdown → HTML that cannot carry script: raw HTML and unsafe links are stripped by nh3."""
    html = _MARKDOWN.reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    ).strip()
