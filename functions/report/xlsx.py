"""The XLSX report: a Summary sheet of the figures and a Responses sheet of every response.

Written in one pass with openpyxl's write-only mode: each response goes to the Responses sheet
and into the aggregator as it streams past; the Summary sheet (first in the workbook) is filled
at the end. Cells are typed: numbers as numbers, times as datetimes in the report timezone
(Excel has no time zones, so the header names it); text is neutralised against formulas.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from functions.manifest import Manifest, Question
from functions.report.aggregate import Aggregator
from functions.report.filters import Filters, ResponseRecord, report_zone
from functions.report.labels import Words
from functions.report.model import (
    ChoiceSummary,
    CsatSummary,
    LikertSummary,
    NpsSummary,
    NumberSummary,
    QuestionSummary,
    Report,
    ScaleSummary,
)
from functions.report.rows import Cell, columns, neutralise, row

BOLD = Font(bold=True)


def _cell(sheet: WriteOnlyWorksheet, value: Cell) -> WriteOnlyCell | Cell:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    return value


def _heading(sheet: WriteOnlyWorksheet, text: str) -> list[WriteOnlyCell]:
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", str(neutralise(text))))
    cell.font = BOLD
    return [cell]


def write_xlsx(
    manifest: Manifest,
    responses: Iterable[ResponseRecord],
    out: BinaryIO,
    filters: Filters,
    generated_at: datetime | None = None,
) -> Report:
    book = Workbook(write_only=True)
    summary = book.create_sheet("Summary")
    sheet = book.create_sheet("Responses")
    zone = report_zone(manifest)
    header = [f"received_at ({zone.key})" if name == "received_at" else name for name in columns(manifest)]
    sheet.append([_heading(sheet, name)[0] for name in header])
    aggregator = Aggregator(manifest)
    try:
        for response in responses:
            sheet.append([_cell(sheet, cell) for cell in row(manifest, response, zone)])
            aggregator.add(response)
    except BaseException:  # e.g. a bad line in an export: end the sheets' row streams as saving would
        for written in (sheet, summary):
            with contextlib.suppress(Exception):
                written.close()
        raise
    report = aggregator.report(filters, generated_at)
    for line in summary_rows(manifest, report, Words(report.lang)):
        if len(line) == 1 and isinstance(line[0], str) and line[0].startswith("#"):
            summary.append(_heading(summary, line[0][1:]))
        else:
            summary.append([_cell(summary, neutralise(value)) for value in line])
    book.save(out)
    return report


def summary_rows(manifest: Manifest, report: Report, w: Words) -> Iterator[list[Cell]]:
    """The Summary sheet as rows; a one-cell row starting with '#' is a heading."""
    yield ["#" + w.text(manifest.title)]
    yield [w("responses"), report.responses]
    yield [f"{w('made')} ({report.timezone})", report.generated_at]
    for key, value in report.filters.as_json().items():
        if value:
            yield [w("filters"), f"{key}={value}"]
    for question in manifest.questions:
        s = report.questions.get(question.id)
        if s is None or s.type == "email":
            continue
        yield []
        yield ["#" + w.text(question.text)]
        yield [w("answered_count"), s.n]
        if s.too_few and s.n:
            yield [w("too_few", n=s.n)]
        yield from _question_rows(question, s, w)
    yield []
    yield ["#" + w("trend")]
    headline = [q for q in manifest.questions if q.type in ("nps", "csat", "ces", "rating")]
    yield [w("week"), w("responses"), *[w.text(q.text) for q in headline]]
    for week in report.trend:
        yield [
            week.week,
            week.responses,
            *[week.questions[q.id].value if q.id in week.questions else None for q in headline],
        ]
    yield []
    yield ["#" + w("by_touchpoint")]
    yield [w("touchpoint"), w("responses"), *[w.text(q.text) for q in headline]]
    for key, group in report.breakdowns.touchpoint.items():
        tp = manifest.touchpoint(key)
        values = [_headline(group.questions.get(q.id)) for q in headline]
        yield [w.text(tp.label) if tp else key, group.responses, *values]


def _headline(summary: QuestionSummary | None) -> Cell:
    if isinstance(summary, NpsSummary):
        return summary.score
    if isinstance(summary, CsatSummary):
        return summary.satisfied_pct
    if isinstance(summary, ScaleSummary):
        return summary.mean
    return None


def _question_rows(question: Question, s: QuestionSummary, w: Words) -> Iterator[list[Cell]]:
    if isinstance(s, NpsSummary):
        yield ["NPS", s.score]
        yield [w("margin_short"), s.margin_of_error]
        for key in ("promoters", "passives", "detractors"):
            yield [w(key) + " %", getattr(s, key)]
    if isinstance(s, CsatSummary):
        yield [w("satisfied") + " %", s.satisfied_pct]
    if isinstance(s, ScaleSummary | NumberSummary):
        yield [w("mean"), s.mean]
        yield [w("median"), s.median]
    if isinstance(s, NumberSummary):
        yield [w("min"), s.min]
        yield [w("max"), s.max]
    if isinstance(s, NpsSummary | ScaleSummary):
        yield [w("answer"), w("count")]
        for value, count in s.distribution.items():
            yield [int(value), count]
    if isinstance(s, ChoiceSummary):
        labels = {o.id: w.text(o.label) for o in question.options} | {"other": w("other")}
        yield [w("answer"), w("count"), w("share") + " %"]
        for key, count in s.counts.items():
            yield [labels.get(key, key), count, s.pct[key]]
    if isinstance(s, LikertSummary):
        rows = {r.id: w.text(r.label) for r in question.rows}
        scale = list(next(iter(s.rows.values())).distribution) if s.rows else []
        yield [w("statement"), *[int(v) for v in scale], w("mean")]
        for rid, r in s.rows.items():
            yield [rows.get(rid, rid), *r.distribution.values(), r.mean]
