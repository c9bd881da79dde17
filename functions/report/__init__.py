"""Reports clients download: a survey's responses aggregated in one streaming pass, written as
HTML (print-ready), CSV, XLSX or JSON. `write_stored_report` (a store's responses) is what the
command line, the HTTP handler and the weekly schedule call; `write_file_report` reports from an
NDJSON export; `write_report` and `produce` from any responses.

    aggregate.py, tallies.py, stats.py   responses → Report, one pass, bounded memory
    ndjson.py                            a Report straight from an NDJSON export, in parallel
    documents.py                         a Report from a store's rows, decoded in batches
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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal, get_args

from functions.manifest import Manifest
from functions.report.aggregate import aggregate as aggregate_responses
from functions.report.csv import write_csv
from functions.report.filters import Filters, ResponseRecord, matching, report_zone, stored_responses
from functions.report.html import render_html
from functions.report.json import render_json
from functions.report.model import Report
from functions.report.xlsx import write_xlsx
from functions.store import ResponseStore

Format = Literal["html", "csv", "xlsx", "json"]
SUMMARY_FORMATS = ("html", "json")
"""Formats made from the tallies alone: these take the fast paths (no record per response)."""
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
    repeated: int = 0
    """Lines of an export left out as a response listed again (the first of them counts)."""


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
        _write_summary(manifest, aggregate_responses(manifest, selected, filters, moment), format, out)
    return report_file(manifest, format, moment)


def write_stored_report(
    manifest: Manifest,
    store: ResponseStore,
    format: str,
    out: BinaryIO,
    filters: Filters | None = None,
    generated_at: datetime | None = None,
) -> ReportFile:
    """`write_report` of the survey's responses in `store`. HTML and JSON from a store that hands over
    its rows as stored (`DocumentStore`) are tallied from rows decoded in batches (`documents.py`)."""
    from functions.report.documents import DocumentStore, aggregate_stored

    filters = filters or Filters()
    if format in SUMMARY_FORMATS and isinstance(store, DocumentStore):
        moment = generated_at or datetime.now(UTC)
        _write_summary(manifest, aggregate_stored(manifest, store, filters).report(filters, moment), format, out)
        return report_file(manifest, format, moment)
    return write_report(manifest, stored_responses(store, manifest, filters), format, out, filters, generated_at)


def write_file_report(
    manifest: Manifest,
    path: Path,
    format: str,
    out: BinaryIO,
    filters: Filters | None = None,
    generated_at: datetime | None = None,
) -> ReportFile:
    """`write_report` of the survey's responses in an NDJSON export (`palaute export`), each response
    once however often it is listed. A line that is not a response raises `NdjsonError` naming the
    file and line (CSV and XLSX may have written some of `out` by then: the caller drops it)."""
    from functions.report.ndjson import FileResponses, aggregate_ndjson

    filters = filters or Filters()
    if format in SUMMARY_FORMATS:
        moment = generated_at or datetime.now(UTC)
        aggregator = aggregate_ndjson(manifest, path, filters)
        _write_summary(manifest, aggregator.report(filters, moment), format, out)
        return replace(report_file(manifest, format, moment), repeated=aggregator.repeated)
    responses = FileResponses(manifest.id, path)
    made = write_report(manifest, responses, format, out, filters, generated_at)
    return replace(made, repeated=responses.repeated)


def _write_summary(manifest: Manifest, report: Report, format: str, out: BinaryIO) -> None:
    out.write(render_html(manifest, report) if format == "html" else render_json(report))


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


__all__ = [
    "FORMATS",
    "Filters",
    "ReportFile",
    "aggregate_responses",
    "produce",
    "write_file_report",
    "write_report",
    "write_stored_report",
]
