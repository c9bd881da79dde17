"""Synthetic but realistic inputs: survey specs and a theme for the build, responses for the report.

Every generator is deterministic (the same arguments give the same bytes), so two runs measure
the same work and a cached file can be reused.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

THEME = "pohjola"
THEME_YAML = """\
name: Pohjolan Kauppa Oy
colors:
  primary: "#0B5F4A"
  on_primary: "#FFFFFF"
  text: "#1A1A1A"
  background: "#FFFFFF"
  error: "#B00020"
  focus: "#B35C00"
font_family: "system-ui, sans-serif"
logo: logo.svg
logo_alt: Pohjolan Kauppa
radius: 8px
"""
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40">'
    '<rect width="40" height="40" rx="8" fill="#0B5F4A"/>'
    '<text x="50" y="27" font-family="sans-serif" font-size="18" fill="#1A1A1A">Pohjola</text></svg>\n'
)
CITIES = [
    ("Helsinki", "Helsingissä", "Helsingfors"),
    ("Tampere", "Tampereella", "Tammerfors"),
    ("Turku", "Turussa", "Åbo"),
    ("Vaasa", "Vaasassa", "Vasa"),
    ("Oulu", "Oulussa", "Uleåborg"),
    ("Espoo", "Espoossa", "Esbo"),
    ("Porvoo", "Porvoossa", "Borgå"),
    ("Kokkola", "Kokkolassa", "Karleby"),
]
"""(Finnish name, Finnish "in …", Swedish name) of the towns the synthetic stores are in."""


def write_theme(themes_dir: Path) -> None:
    folder = themes_dir / THEME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.yaml").write_text(THEME_YAML, encoding="utf-8")
    (folder / "logo.svg").write_text(LOGO_SVG, encoding="utf-8")


def spec_text(n: int, revision: int = 0) -> str:
    """Survey number `n`: 10 questions on 2 pages, fi and sv, 3 touchpoints (QR code and sign each).

    The intro and one question name the store, so no two surveys share their question pages or
    Markdown: the build's caches of identical content (a chain asking every store the same) get no
    help here, and the figure is that of distinct surveys."""
    fi_city, fi_in_city, sv_city = CITIES[n % len(CITIES)]
    edited = f" (versio {revision})" if revision else ""
    return f"""\
id: kauppa-{n:04d}
theme: {THEME}
languages: [fi, sv]
title:
  fi: Miten onnistuimme {fi_in_city}?{edited}
  sv: Hur lyckades vi i {sv_city}?
intro:
  fi: Vastaaminen vie noin **minuutin**. Vastaukset käsitellään nimettöminä (myymälä {n}).
  sv: Det tar ungefär **en minut**. Svaren behandlas anonymt (butik {n}).
touchpoints:
  - id: myymala
    label: {{fi: Myymälä {fi_city}, sv: Butik {sv_city}}}
  - id: verkkokauppa
    label: {{fi: Verkkokauppa, sv: Webbutik}}
  - id: kassa
    label: {{fi: Kassa, sv: Kassan}}
hidden: [campaign]
pages:
  - questions:
      - id: recommend
        type: nps
        required: true
        text:
          fi: Kuinka todennäköisesti suosittelisit meitä ystävällesi?
          sv: Hur troligt är det att du skulle rekommendera oss till en vän?
      - id: improve
        type: text
        multiline: true
        show_if: {{question: recommend, lte: 6}}
        text: {{fi: Mitä voisimme parantaa?, sv: Vad kan vi förbättra?}}
      - id: satisfaction
        type: csat
        required: true
        text: {{fi: Kuinka tyytyväinen olit asiointiisi?, sv: Hur nöjd var du med ditt besök?}}
      - id: effort
        type: ces
        text: {{fi: Kuinka helppoa asiointi oli?, sv: Hur lätt var det att uträtta ärendet?}}
      - id: cleanliness
        type: rating
        scale: 5
        text: {{fi: "Arvioi myymälän {n} siisteys", sv: "Bedöm renligheten i butik {n}"}}
  - title: {{fi: Asiointisi, sv: Ditt besök}}
    questions:
      - id: visit
        type: single_choice
        other: true
        text: {{fi: Mitä tulit hakemaan?, sv: Vad kom du för?}}
        options:
          - {{id: groceries, label: {{fi: Ruokaostoksia, sv: Matinköp}}}}
          - {{id: pharmacy, label: {{fi: Apteekkituotteita, sv: Apoteksvaror}}}}
          - {{id: parcel, label: {{fi: Pakettia, sv: Ett paket}}}}
      - id: topics
        type: multi_choice
        max: 2
        text: {{fi: Mikä oli tärkeintä?, sv: Vad var viktigast?}}
        options:
          - {{id: price, label: {{fi: Hinta, sv: Pris}}}}
          - {{id: service, label: {{fi: Palvelu, sv: Service}}}}
          - {{id: selection, label: {{fi: Valikoima, sv: Sortiment}}}}
      - id: aspects
        type: likert
        scale: 5
        text: {{fi: Kuinka samaa mieltä olet?, sv: Hur väl stämmer det?}}
        rows:
          - {{id: staff, label: {{fi: Henkilökunta oli ystävällistä, sv: Personalen var vänlig}}}}
          - {{id: queue, label: {{fi: Jonottaminen oli sujuvaa, sv: Köandet gick smidigt}}}}
      - id: visits
        type: number
        integer: true
        min: 0
        max: 365
        text: {{fi: Montako kertaa asioit meillä viime vuonna?, sv: Hur många gånger handlade du hos oss i fjol?}}
      - id: contact_ok
        type: consent
        text: {{fi: Saatte ottaa minuun yhteyttä., sv: Ni får kontakta mig.}}
thanks:
  fi: Kiitos palautteestasi!
  sv: Tack för din feedback!
"""


def write_specs(specs_dir: Path, count: int) -> list[Path]:
    specs_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = specs_dir / f"kauppa-{n:04d}.yaml"
        path.write_text(spec_text(n), encoding="utf-8")
        paths.append(path)
    return paths


# --- responses for the report benchmark ---

REPORT_SURVEY = "kauppa-seuranta"
REPORT_TOUCHPOINTS = ["myymala-helsinki", "myymala-tampere", "myymala-turku", "verkkokauppa", "puhelin"]
REPORT_WEEKS = 12
REPORT_START = datetime(2026, 9, 7, 6, 0, tzinfo=UTC)  # a Monday
COMMENTS = [
    "Kassajono oli pitkä",
    "Henkilökunta oli todella ystävällistä",
    "Hyllyt olivat tyhjiä illalla",
    "Kiitos nopeasta toimituksesta!",
    "Personalen var mycket hjälpsam",
    "Parkeringen var full",
]


def report_manifest_json() -> dict[str, Any]:
    """The manifest of the report benchmark's survey: 10 questions, 5 touchpoints, fi and sv."""

    def text(fi: str, sv: str) -> dict[str, str]:
        return {"fi": fi, "sv": sv}

    def option(oid: str, fi: str, sv: str) -> dict[str, Any]:
        return {"id": oid, "label": text(fi, sv)}

    questions: list[dict[str, Any]] = [
        {
            "id": "recommend",
            "type": "nps",
            "min": 0,
            "max": 10,
            "required": True,
            "text": text("Kuinka todennäköisesti suosittelisit meitä?", "Hur troligt är det att du rekommenderar oss?"),
        },
        {
            "id": "satisfaction",
            "type": "csat",
            "min": 1,
            "max": 5,
            "text": text("Kuinka tyytyväinen olit?", "Hur nöjd?"),
        },
        {"id": "effort", "type": "ces", "min": 1, "max": 7, "text": text("Kuinka helppoa?", "Hur lätt?")},
        {"id": "cleanliness", "type": "rating", "min": 1, "max": 5, "text": text("Siisteys", "Renlighet")},
        {
            "id": "visit",
            "type": "single_choice",
            "other": True,
            "text": text("Mitä tulit hakemaan?", "Vad kom du för?"),
            "options": [
                option("groceries", "Ruokaa", "Mat"),
                option("pharmacy", "Apteekki", "Apotek"),
                option("parcel", "Paketti", "Paket"),
            ],
        },
        {
            "id": "topics",
            "type": "multi_choice",
            "text": text("Mikä oli tärkeintä?", "Vad var viktigast?"),
            "options": [
                option("price", "Hinta", "Pris"),
                option("service", "Palvelu", "Service"),
                option("selection", "Valikoima", "Sortiment"),
            ],
        },
        {
            "id": "aspects",
            "type": "likert",
            "max": 5,
            "text": text("Kuinka samaa mieltä olet?", "Hur väl stämmer det?"),
            "rows": [
                {"id": "staff", "label": text("Henkilökunta", "Personalen")},
                {"id": "queue", "label": text("Jonotus", "Kön")},
            ],
        },
        {"id": "visits", "type": "number", "min": 0, "max": 365, "text": text("Käyntejä vuodessa", "Besök per år")},
        {"id": "contact_ok", "type": "consent", "text": text("Saa ottaa yhteyttä", "Får kontakta mig")},
        {
            "id": "comment",
            "type": "text",
            "multiline": True,
            "text": text("Mitä voisimme parantaa?", "Vad kan vi förbättra?"),
        },
    ]
    for question in questions:
        question["page"] = 0
    return {
        "id": REPORT_SURVEY,
        "version": "bench-1",
        "theme": THEME,
        "brand": {
            "name": "Pohjolan Kauppa Oy",
            "font_family": "system-ui, sans-serif",
            "colors": {
                "primary": "#0B5F4A",
                "on_primary": "#FFFFFF",
                "text": "#1A1A1A",
                "background": "#FFFFFF",
                "error": "#B00020",
                "focus": "#B35C00",
            },
        },
        "languages": ["fi", "sv"],
        "title": text("Asiakaskokemus", "Kundupplevelse"),
        "thanks": text("Kiitos!", "Tack!"),
        "touchpoints": [{"id": tp, "label": text(tp, tp)} for tp in REPORT_TOUCHPOINTS],
        "hidden": ["campaign"],
        "pages": [{"questions": [q["id"] for q in questions]}],
        "questions": questions,
    }


def collect_manifest_json() -> dict[str, Any]:
    """The collect benchmark's survey: the report survey plus two conditional questions, 12 in all."""
    manifest = report_manifest_json()
    manifest["id"] = "kauppa-palaute"
    manifest["questions"] += [
        {
            "id": "praise",
            "type": "text",
            "page": 0,
            "show_if": {"question": "recommend", "op": "gte", "value": 9},
            "text": {"fi": "Mikä ilahdutti sinua eniten?", "sv": "Vad gladde dig mest?"},
        },
        {
            "id": "contact_email",
            "type": "email",
            "page": 0,
            "required": True,
            "show_if": {"question": "contact_ok", "op": "eq", "value": True},
            "text": {"fi": "Sähköpostiosoitteesi", "sv": "Din e-postadress"},
        },
    ]
    manifest["pages"] = [{"questions": [q["id"] for q in manifest["questions"]]}]
    return manifest


def responses(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` responses spread evenly over 12 weeks, 10 % with a comment, as `StoredResponse` JSON."""
    rng = random.Random(seed)
    span = REPORT_WEEKS * 7 * 24 * 3600
    for i in range(count):
        answers: dict[str, Any] = {
            "recommend": rng.choice((10, 10, 9, 9, 9, 8, 8, 7, 6, 5, 3, 0)),
            "satisfaction": rng.randint(1, 5),
            "effort": rng.randint(1, 7),
            "cleanliness": rng.randint(1, 5),
            "visit": rng.choice(("groceries", "pharmacy", "parcel")),
            "topics": rng.sample(("price", "service", "selection"), rng.randint(0, 2)),
            "aspects": {"staff": rng.randint(1, 5), "queue": rng.randint(1, 5)},
            "visits": rng.randint(0, 60),
            "contact_ok": True,
        }
        if i % 10 == 0:
            answers["comment"] = f"{rng.choice(COMMENTS)} ({i})"
        yield {
            "response_id": f"{rng.getrandbits(128):032x}",
            "survey": REPORT_SURVEY,
            "received_at": (REPORT_START + timedelta(seconds=span * i // count)).isoformat().replace("+00:00", "Z"),
            "manifest_version": "bench-1",
            "lang": "fi" if i % 4 else "sv",
            "tp": REPORT_TOUCHPOINTS[i % len(REPORT_TOUCHPOINTS)],
            "hidden": {"campaign": "syksy" if i % 2 else "joulu"},
            "answers": answers,
            "outcome": None,
            "score": None,
        }


def responses_file(count: int) -> Path:
    """The NDJSON of `count` responses, generated once into bench/.data/ and reused after."""
    from bench.figures import DATA

    path = DATA / f"responses-{count}-v1.ndjson"
    if path.is_file():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for response in responses(count):
            out.write(json.dumps(response, ensure_ascii=False, separators=(",", ":")) + "\n")
    partial.replace(path)
    return path
