"""One response as one row of cells: the columns CSV and XLSX share, and formula-injection defence.

A spreadsheet treats a cell starting with `=`, `+`, `-`, `@`, tab or carriage return as a
formula, so a respondent could plant `=HYPERLINK(...)` in a comment. Such text cells get a
leading apostrophe; numbers stay numbers (a negative answer is a number, not a formula).
Email addresses are personal data and stay out of every report format (see `palaute export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from functions.manifest import Manifest, Question
from functions.report.filters import ResponseRecord

Cell = str | int | float | datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _columns_of(question: Question) -> list[str]:
    if question.type == "multi_choice":
        return [f"{question.id}.{option.id}" for option in question.options]
    if question.type == "likert":
        return [f"{question.id}.{row.id}" for row in question.rows]
    if question.type == "single_choice" and question.other:
        return [question.id, f"{question.id}.other"]
    if question.type in ("info", "email"):
        return []
    return [question.id]


def columns(manifest: Manifest) -> list[str]:
    names = ["response_id", "received_at", "lang", "tp", *[f"hidden.{name}" for name in manifest.hidden]]
    for question in manifest.questions:
        names.extend(_columns_of(question))
    if manifest.quiz is not None:
        names.extend(["outcome", "score"])
    return names


def _plain(answer: Any) -> Cell:
    if isinstance(answer, bool):
        return 1 if answer else 0
    if isinstance(answer, int | float | str):
        return answer
    return None


def _cells_of(question: Question, answers: Mapping[str, Any]) -> list[Cell]:
    answer = answers.get(question.id)
    if question.type == "multi_choice":
        chosen = answer if isinstance(answer, list) else []
        return [None if answer is None else int(option.id in chosen) for option in question.options]
    if question.type == "likert":
        rows = answer if isinstance(answer, dict) else {}
        return [_plain(rows.get(row.id)) for row in question.rows]
    if question.type == "single_choice" and question.other:
        return [_plain(answer), _plain(answers.get(f"{question.id}.other"))]
    if question.type in ("info", "email"):
        return []
    return [_plain(answer)]


def row(manifest: Manifest, response: ResponseRecord, zone: ZoneInfo) -> list[Cell]:
    """The response's cells in `columns` order, text neutralised, time in the report timezone."""
    cells: list[Cell] = [
        response.response_id,
        response.received_at.astimezone(zone),
        response.lang,
        response.tp,
        *[response.hidden.get(name) for name in manifest.hidden],
    ]
    for question in manifest.questions:
        cells.extend(_cells_of(question, response.answers))
    if manifest.quiz is not None:
        cells.extend([response.outcome, response.score])
    return [neutralise(cell) for cell in cells]
