"""Compacting a page's HTML: indentation and blank lines go, a newline stays (it is whitespace), and
<pre>/<textarea> stay whole. Pages are smaller, and the same whatever the templates' indentation."""

from __future__ import annotations

import re

_KEEP = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.IGNORECASE | re.DOTALL)
KEPT = re.compile(r"<(?:pre|textarea)\b", re.IGNORECASE)
"""Where a page holds text that compacting must leave as it is."""
_INDENT = re.compile(r"\n\s+")


def compact_lines(html: str) -> str:
    """Only the indentation and blank lines removed: for HTML with no <pre> or <textarea>, and no trimming."""
    return _INDENT.sub("\n", html)


def compact_html(html: str) -> str:
    """The page compacted, without whitespace at either end but a final newline."""
    if KEPT.search(html) is None:  # most pages: nothing to keep whole, so no splitting
        return _INDENT.sub("\n", html).strip() + "\n"
    parts = _KEEP.split(html)
    out = []
    for index, part in enumerate(parts):
        kind = index % 3
        if kind == 0:
            out.append(_INDENT.sub("\n", part))
        elif kind == 1:
            out.append(part)
    return "".join(out).strip() + "\n"
