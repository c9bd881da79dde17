"""Refusals, written for whoever posted: JSON for an API client, a page for a browser's form post.

The page follows the GOV.UK error summary pattern: the page language set, one heading, the
problems listed by question in the respondent's language (English when the survey's language
has no translation here), and a way back. It wears the survey's brand colours from the
manifest, never its scripts, and escapes everything, respondent text included.
Loaded only when a response is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import escape

from functions.collect.messages import page_text, status_message
from functions.collect.problem import Problem
from functions.manifest import Manifest

SAFE_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_COLOURS = {"text": "#1A1A1A", "background": "#FFFFFF", "error": "#B00020", "primary": "#0B5FFF",
                   "focus": "#FFB000"}  # fmt: skip


def rejection_json(code: str, params: Mapping[str, object], problems: list[Problem], lang: str) -> str:
    """`{"error": code, "errors": [{"field", "message", "localized"}]}`; `message` is English."""
    if problems:
        errors = [{"field": p.field, "message": p.message, "localized": p.localized(lang)} for p in problems]
    else:
        field = "survey" if code in ("not_found", "closed", "not_open") else "body"
        errors = [{"field": field, "message": status_message(code, params),
                   "localized": status_message(code, params, lang)}]  # fmt: skip
    return json.dumps({"error": code, "lang": lang, "errors": errors}, ensure_ascii=False)


def _colours(manifest: Manifest | None) -> dict[str, str]:
    colours = dict(DEFAULT_COLOURS)
    if manifest is not None:
        colours |= {k: v for k, v in manifest.brand.colors.items() if k in colours and SAFE_COLOUR.match(v)}
    return colours


def _style(manifest: Manifest | None) -> str:
    c = _colours(manifest)
    return (
        f"body{{font-family:system-ui,sans-serif;color:{c['text']};background:{c['background']};margin:0}}"
        "main{max-width:40rem;margin:0 auto;padding:1.5rem}"
        f".problems{{border:4px solid {c['error']};padding:1rem 1.25rem;margin:1.5rem 0}}"
        ".problems ul{padding-left:1.25rem}.problems li{margin:.5rem 0}"
        f"a{{color:{c['primary']}}}a:focus{{outline:3px solid {c['focus']};outline-offset:2px}}"
    )


def _label(manifest: Manifest | None, problem: Problem, lang: str) -> str:
    question = manifest.question(problem.question) if manifest and problem.question else None
    if question is None or not question.text:
        return page_text("general", lang)
    text = question.text.get(lang) or question.text.get(manifest.default_language if manifest else "", "")
    row_id = problem.field.split(".")[2] if problem.field.count(".") == 2 else None
    row = next((r for r in question.rows if r.id == row_id), None)
    if row is not None:
        text += " – " + (row.label.get(lang) or next(iter(row.label.values()), ""))
    return text


def _problem_list(manifest: Manifest | None, problems: list[Problem], lang: str) -> str:
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(_label(manifest, problem, lang), []).append(problem.localized(lang))
    items = "".join(
        f"<li><strong>{escape(label)}</strong>: {escape(' '.join(messages))}</li>"
        for label, messages in grouped.items()
    )
    return f'<div class="problems" role="alert" aria-labelledby="problems-title"><ul>{items}</ul></div>'


def rejection_page(
    code: str, params: Mapping[str, object], manifest: Manifest | None, problems: list[Problem], lang: str,
    site_url: str,
) -> str:  # fmt: skip
    heading = page_text("problems_title" if problems else "status_title", lang)
    if problems:
        content = _problem_list(manifest, problems, lang) + f"<p>{escape(page_text('back_hint', lang))}</p>"
    else:
        content = f'<p role="alert">{escape(status_message(code, params, lang))}</p>'
    if manifest is not None and code != "closed":
        href = f"{site_url}/{manifest.id}/{lang}/"
        content += f'<p><a href="{escape(href)}">{escape(page_text("back_link", lang))}</a></p>'
    survey_title = manifest.title.get(lang, "") if manifest else ""
    title = f"{heading} – {survey_title}" if survey_title else heading
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}</title>\n<style>{_style(manifest)}</style>\n</head>\n<body>\n<main>\n"
        f'<h1 id="problems-title">{escape(heading)}</h1>\n{content}\n</main>\n</body>\n</html>\n'
    )
