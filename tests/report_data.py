"""A realistic survey manifest and responses for the report tests (not a test module itself)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.manifest import Brand, Manifest, Option, Page, Question, ReportSettings, Row, Touchpoint
from functions.response import StoredResponse

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday


def _q(qid: str, type_: str, fi: str, sv: str, **extra: Any) -> Question:
    return Question(id=qid, type=type_, page=0, text={"fi": fi, "sv": sv}, **extra)  # type: ignore[arg-type]


def _o(oid: str, fi: str, sv: str, score: float | None = None) -> Option:
    return Option(id=oid, label={"fi": fi, "sv": sv}, score=score)


QUESTIONS = [
    _q(
        "recommend",
        "nps",
        "Kuinka todennäköisesti suosittelisit meitä ystävällesi?",
        "Hur troligt är det att du skulle rekommendera oss till en vän?",
        min=0.0,
        max=10.0,
        required=True,
    ),
    _q("satisfaction", "csat", "Kuinka tyytyväinen olit palveluun?", "Hur nöjd var du med servicen?", min=1.0, max=5.0),
    _q("effort", "ces", "Kuinka helppoa asiointi oli?", "Hur lätt var det att uträtta ärendet?", min=1.0, max=7.0),
    _q(
        "visit",
        "single_choice",
        "Mitä tulit hakemaan?",
        "Vad kom du för?",
        other=True,
        options=[
            _o("groceries", "Ruokaostoksia", "Matinköp"),
            _o("pharmacy", "Apteekkituotteita", "Apoteksvaror"),
            _o("parcel", "Pakettia", "Ett paket"),
        ],
    ),
    _q(
        "topics",
        "multi_choice",
        "Mikä oli tärkeintä?",
        "Vad var viktigast?",
        options=[
            _o("price", "Hinta", "Pris"),
            _o("service", "Palvelu", "Service"),
            _o("selection", "Valikoima", "Sortiment"),
        ],
    ),
    _q(
        "wellbeing",
        "likert",
        "Kuinka samaa mieltä olet?",
        "Hur väl stämmer det?",
        max=5.0,
        rows=[
            Row(id="clean", label={"fi": "Myymälä oli siisti", "sv": "Butiken var städad"}),
            Row(id="staff", label={"fi": "Henkilökunta oli ystävällistä", "sv": "Personalen var vänlig"}),
        ],
    ),
    _q("visits_per_month", "number", "Montako kertaa kuukaudessa käyt?", "Hur många gånger i månaden?", min=0.0),
    _q("improve", "text", "Mitä voisimme parantaa?", "Vad kan vi förbättra?", multiline=True),
    _q("contact", "email", "Sähköpostiosoitteesi", "Din e-postadress"),
]


def manifest(**changes: Any) -> Manifest:
    fields: dict[str, Any] = {
        "id": "lahikauppa-palaute",
        "version": "v1",
        "theme": "lahikauppa",
        "brand": Brand(
            name="Lähikauppa Oy",
            colors={
                "primary": "#00594F",
                "on_primary": "#FFFFFF",
                "text": "#1A1A1A",
                "background": "#FFFFFF",
                "error": "#B00020",
                "focus": "#FFB000",
            },
            font_family='"Source Sans 3", system-ui, sans-serif',
        ),
        "languages": ["fi", "sv"],
        "title": {"fi": "Miten onnistuimme?", "sv": "Hur lyckades vi?"},
        "thanks": {"fi": "Kiitos!", "sv": "Tack!"},
        "touchpoints": [
            Touchpoint(id="myymala-helsinki", label={"fi": "Myymälä Helsinki", "sv": "Butik Helsingfors"}),
            Touchpoint(id="myymala-vaasa", label={"fi": "Myymälä Vaasa", "sv": "Butik Vasa"}),
            Touchpoint(id="verkkokauppa", label={"fi": "Verkkokauppa", "sv": "Webbutik"}),
        ],
        "hidden": ["campaign"],
        "pages": [Page(questions=[q.id for q in QUESTIONS])],
        "questions": QUESTIONS,
        "report": ReportSettings(timezone="Europe/Helsinki"),
    }
    fields.update(changes)
    return Manifest(**fields)


def response(
    n: int,
    answers: dict[str, Any],
    *,
    at: datetime | None = None,
    tp: str | None = "myymala-helsinki",
    lang: str = "fi",
    hidden: dict[str, str] | None = None,
    outcome: str | None = None,
) -> StoredResponse:
    return StoredResponse(
        response_id=f"00000000-0000-4000-8000-{n:012d}",
        survey="lahikauppa-palaute",
        received_at=at or T0 + timedelta(minutes=n),
        manifest_version="v1",
        lang=lang,
        tp=tp,
        hidden=hidden or {},
        answers=answers,
        outcome=outcome,
    )


def nps_responses(scores: list[int], **kwargs: Any) -> list[StoredResponse]:
    return [response(i, {"recommend": s}, **kwargs) for i, s in enumerate(scores)]


def synthetic(count: int, start: int = 0) -> Iterator[StoredResponse]:
    """A deterministic stream of varied, valid responses (never held in a list)."""
    tps = ["myymala-helsinki", "myymala-vaasa", "verkkokauppa", None]
    for i in range(start, start + count):
        answers: dict[str, Any] = {
            "recommend": i % 11,
            "satisfaction": 1 + i % 5,
            "effort": 1 + i % 7,
            "visit": ["groceries", "pharmacy", "parcel"][i % 3],
            "topics": [["price"], ["service", "selection"], []][i % 3],
            "wellbeing": {"clean": 1 + i % 5, "staff": 5 - i % 5},
            "visits_per_month": i % 13,
        }
        if i % 10 == 0:
            answers["improve"] = f"Kassajono oli pitkä ({i})"
        yield response(
            i,
            answers,
            at=T0 + timedelta(seconds=37 * i),
            tp=tps[i % 4],
            lang="fi" if i % 3 else "sv",
            hidden={"campaign": "joulu" if i % 2 else "kevat"},
        )
