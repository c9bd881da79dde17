"""CSV, XLSX and JSON reports: columns, types, time zone, streaming and formula injection."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from report_data import manifest, nps_responses, response, synthetic

from functions.report import produce, write_report
from functions.report.filters import Filters
from functions.response import StoredResponse

FORMULAS = [
    '=HYPERLINK("https://evil.example","Klikkaa")',
    "+358401234567",
    "-2+3",
    "@SUM(A1:A9)",
    "\tsarkain",
    "\rrivinvaihto",
]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark, so Excel reads ä and ö right"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def full_response() -> StoredResponse:
    return response(
        7,
        {
            "recommend": 9,
            "satisfaction": 4,
            "effort": 2,
            "visit": "other",
            "visit.other": "Postimerkkejä",
            "topics": ["price", "selection"],
            "wellbeing": {"clean": 5, "staff": 3},
            "visits_per_month": -2.5,
            "improve": "Kassajono oli pitkä, muuten hyvä.",
            "contact": "liisa@example.fi",
        },
        at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
        tp="myymala-vaasa",
        lang="sv",
        hidden={"campaign": "joulu"},
    )


def test_csv_has_one_row_per_response_and_one_column_per_answer() -> None:
    body, content_type, filename = produce(manifest(), [full_response()], "csv")
    assert content_type == "text/csv; charset=utf-8" and filename.endswith(".csv")
    [row] = csv_rows(body)
    assert row["response_id"].endswith("000000000007")
    assert row["received_at"] == "2026-12-01T10:30:00+02:00"
    assert (row["lang"], row["tp"], row["hidden.campaign"]) == ("sv", "myymala-vaasa", "joulu")
    assert (row["recommend"], row["visit"], row["visit.other"]) == ("9", "other", "Postimerkkejä")
    assert (row["topics.price"], row["topics.service"], row["topics.selection"]) == ("1", "0", "1")
    assert (row["wellbeing.clean"], row["wellbeing.staff"]) == ("5", "3")
    assert row["visits_per_month"] == "-2.5", "a negative number is a number, not a formula"
    assert row["improve"] == "Kassajono oli pitkä, muuten hyvä."


def test_email_addresses_stay_out_of_the_exports() -> None:
    for format in ("csv", "xlsx", "json", "html"):
        body, _, _ = produce(manifest(), [full_response()], format)
        assert b"liisa@example.fi" not in body, format


def test_csv_neutralises_text_that_a_spreadsheet_would_run_as_a_formula() -> None:
    responses = [
        response(i, {"improve": text, "visit": "other", "visit.other": text}, hidden={"campaign": text})
        for i, text in enumerate(FORMULAS)
    ]
    rows = csv_rows(produce(manifest(), responses, "csv")[0])
    for row, text in zip(rows, FORMULAS, strict=True):
        assert row["improve"] == "'" + text
        assert row["visit.other"] == "'" + text and row["hidden.campaign"] == "'" + text


def test_csv_is_written_while_the_responses_stream() -> None:
    out = io.BytesIO()
    sizes: list[int] = []

    def watched() -> Iterator[StoredResponse]:
        for i, item in enumerate(synthetic(2000)):
            if i % 500 == 0:
                sizes.append(out.tell())
            yield item

    write_report(manifest(), watched(), "csv", out)
    assert sizes[0] < sizes[1] < sizes[2] < sizes[3], "rows reach the output before the last response is read"
    assert len(csv_rows(out.getvalue())) == 2000


def test_csv_of_an_empty_survey_is_just_the_header() -> None:
    body = produce(manifest(), [], "csv")[0]
    assert body.decode("utf-8-sig").splitlines()[0].startswith("response_id,received_at,lang,tp,hidden.campaign")
    assert csv_rows(body) == []


def test_xlsx_has_a_summary_and_typed_response_cells() -> None:
    body, content_type, filename = produce(manifest(), [full_response(), *nps_responses([10, 0])], "xlsx")
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Summary", "Responses"]
    rows = list(book["Responses"].iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[1] == "received_at (Europe/Helsinki)"
    assert first["received_at (Europe/Helsinki)"] == datetime(2026, 12, 1, 10, 30)
    assert first["recommend"] == 9 and isinstance(first["recommend"], int)
    assert first["visits_per_month"] == -2.5
    assert first["topics.selection"] == 1 and first["topics.service"] == 0
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Vastauksia"] == 3
    assert summary["NPS"] == pytest.approx(100 / 3)
    assert isinstance(summary["Raportti tehty (Europe/Helsinki)"], datetime)


def test_xlsx_neutralises_formulas_in_every_text_cell() -> None:
    responses = [
        response(i, {"improve": text, "recommend": 5}, hidden={"campaign": text}) for i, text in enumerate(FORMULAS)
    ]
    book = load_workbook(io.BytesIO(produce(manifest(), responses, "xlsx")[0]))
    sheet = book["Responses"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    improve, campaign = header.index("improve"), header.index("hidden.campaign")
    for row, text in zip(sheet.iter_rows(min_row=2), FORMULAS, strict=True):
        expected = ("'" + text).replace("\r", "\n")  # XML reads a carriage return back as a line feed
        assert row[improve].data_type == "s" and row[improve].value == expected
        assert row[campaign].value == expected
    for row in book["Summary"].iter_rows():
        assert all(cell.data_type != "f" for cell in row)


def test_xlsx_drops_control_characters_excel_cannot_hold() -> None:
    book = load_workbook(io.BytesIO(produce(manifest(), [response(1, {"improve": "kello\x07soi"})], "xlsx")[0]))
    assert "kellosoi" in [cell for row in book["Responses"].iter_rows(values_only=True) for cell in row]


def test_json_report_has_the_contract_shape() -> None:
    body, content_type, _ = produce(manifest(), synthetic(100), "json", Filters(lang="fi"))
    assert content_type == "application/json; charset=utf-8"
    document = json.loads(body)
    assert document["survey"] == "lahikauppa-palaute" and document["responses"] == 66
    assert document["filters"]["lang"] == "fi"
    nps = document["questions"]["recommend"]
    assert {"type", "n", "score", "promoters", "passives", "detractors", "margin_of_error"} <= set(nps)
    assert {"satisfied_pct", "mean", "distribution"} <= set(document["questions"]["satisfaction"])
    assert "counts" in document["questions"]["visit"]
    assert set(document["breakdowns"]) == {"touchpoint", "language", "hidden"}
    assert document["breakdowns"]["touchpoint"]["verkkokauppa"]["questions"]["recommend"]["type"] == "nps"
    assert document["trend"][0]["week"] == "2026-W48"
