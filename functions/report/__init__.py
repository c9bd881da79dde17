"""Reports clients download: a survey's responses aggregated in one streaming pass, written as
HTML (print-ready), CSV, XLSX or JSON. `produce` and `write_report` are what the command line,
the HTTP handler and the weekly schedule all call.

    aggregate.py, tallies.py, stats.py   responses → Report, one pass, bounded memory
    ndjson.py                            a Report straight from an NDJSON export, in parallel
    model.py                             the Report and its JSON shape
    html.py, views.py, charts.py, labels.py, templates/report.html   the HTML page
    csv.py, xlsx.py, rows.py, json.py    the other formats
    filters.py                           date range, touchpoint and language
    handler.py, delivery.py              the HTTP API (AWS and the local server)
    schedule.py                          the weekly files in the reports bucket
    sources.py                           where `palaute report` and `palaute token` find things
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, Literal, get_args

from functions.manifest import Manifest
from functions.report.aggregate import aggregate as aggregate_responses
from functions.report.csv import write_csv
from functions.report.filters import Filters, ResponseRecord, matching, report_zone
from functions.report.html import render_html
from functions.report.json import render_json
from functions.report.xlsx import write_xlsx

Format = Literal["html", "csv", "xlsx", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
CONTENT_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


@dataclass(frozen=True)
class ReportFile:
    format: str
    content_type: str
    filename: str


def report_file(manifest: Manifest, format: str, generated_at: datetime) -> ReportFile:
    day = generated_at.astimezone(report_zone(manifest)).date().isoformat()
    return ReportFile(format, CONTENT_TYPES[format], f"{manifest.id}-report-{day}.{format}")


def write_report(
    manifest: Manifest,
    responses: Iterable[ResponseRecord],
    format: str,
    out: BinaryIO,
    filters: Filters | None = None,
    generated_at: datetime | None = None,
) -> ReportFile:
    """Write the report of the responses that pass `filters` to `out`, streaming where the format allows."""
    if format not in CONTENT_TYPES:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    filters = filters or Filters()
    moment = generated_at or datetime.now(UTC)
    selected = matching(responses, filters, report_zone(manifest))
    if format == "csv":
        write_csv(manifest, selected, out)
    elif format == "xlsx":
        write_xlsx(manifest, selected, out, filters, moment)
    else:
        report = aggregate_responses(manifest, selected, filters, moment)
        out.write(render_html(manifest, report) if format == "html" else render_json(report))
    return report_file(manifest, format, moment)


def produce(
    manifest: Manifest,
    responses: Iterable[ResponseRecord],
    format: str = "html",
    filters: Filters | None = None,
    generated_at: datetime | None = None,
) -> tuple[bytes, str, str]:
    """The report in memory: (bytes, content type, file name)."""
    buffer = io.BytesIO()
    file = write_report(manifest, responses, format, buffer, filters, generated_at)
    return buffer.getvalue(), file.content_type, file.filename


__all__ = ["FORMATS", "Filters", "ReportFile", "aggregate_responses", "produce", "write_report"]
