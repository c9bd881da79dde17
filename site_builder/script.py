"""The survey pages' one script (`static/survey.js`): lightly minified, content-hashed, and the words it says.

Pages load it as `assets/survey.<hash>.js` with `defer`. The site's security policy allows only
script files (`script-src 'self'`), so it cannot be inlined; a hashed name lets every page of
every language share one cached copy. Minifying is deliberately tiny and safe: comment lines
and indentation go, nothing else is rewritten (the script keeps comments on lines of their own).

Validation messages come from the collect function's own catalog (`functions.collect.messages`),
read at build time, so a respondent reads the same words in the browser as from the server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from functions.collect.messages import FALLBACK, PAGE, PROBLEMS
from site_builder.messages import catalog

SOURCE = Path(__file__).parent / "static" / "survey.js"

CHECKED_IN_BROWSER = ("required", "rows_required", "choices_min", "choices_max", "too_long", "email", "number",
                      "number_whole", "number_min", "number_max")  # fmt: skip
"""The problems the script finds before sending; any other comes back from the server, already localized."""

SCRIPT_WORDS = ("progress", "back", "next", "sending", "queued")


@dataclass(frozen=True)
class Script:
    name: str
    data: bytes


def minify_js(source: str) -> str:
    """Leading and trailing whitespace and whole-line `//` comments go; line breaks stay (ASI stays safe)."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


@cache
def survey_script() -> Script:
    data = minify_js(SOURCE.read_text(encoding="utf-8")).encode("utf-8")
    return Script(name=f"survey.{hashlib.sha256(data).hexdigest()[:10]}.js", data=data)


def _problem_text(code: str, lang: str) -> str:
    templates = PROBLEMS[code] if code in PROBLEMS else PAGE[code]
    return templates.get(lang) or templates.get(lang.split("-")[0]) or templates[FALLBACK]


def script_texts(lang: str) -> dict[str, object]:
    """What the script says in `lang`: its own words, and the server's problem messages as templates."""
    words: dict[str, object] = {key: catalog(lang)[key] for key in SCRIPT_WORDS}
    problems = {code: _problem_text(code, lang) for code in CHECKED_IN_BROWSER}
    problems["not_saved"] = _problem_text("status_title", lang)
    return {**words, "problems": problems}
