"""Manifests for the collect and store tests, built from `functions.manifest` models directly.

A café chain's visit survey in Finnish, Swedish and English with every answering question type,
and a work-style quiz, so the collect tests never depend on the site build.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from functions.manifest import (
    Brand,
    Condition,
    Manifest,
    Option,
    Outcome,
    Page,
    Question,
    Quiz,
    Row,
    Touchpoint,
)
from functions.response import StoredResponse

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
BRAND = Brand(
    name="Kahvila Sumppi",
    colors={
        "primary": "#6B3E26", "on_primary": "#FFFFFF", "text": "#1F1A17", "background": "#FFFBF5",
        "error": "#B00020", "focus": "#D98E04",
    },
    font_family="system-ui, sans-serif",
    logo_alt="Kahvila Sumppi",
)


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def option(id: str, fi: str, sv: str, en: str, score: float | None = None) -> Option:
    return Option(id=id, label=t(fi, sv, en), score=score)


def cafe_questions() -> list[Question]:
    return [
        Question(id="recommend", type="nps", page=0, required=True, min=0.0, max=10.0,
                 text=t("Kuinka todennäköisesti suosittelisit Sumppia ystävällesi?",
                        "Hur troligt är det att du skulle rekommendera Sumppi till en vän?",
                        "How likely are you to recommend Sumppi to a friend?")),
        Question(id="improve", type="text", page=0, multiline=True, max_length=5000,
                 show_if=Condition(question="recommend", op="lte", value=6),
                 text=t("Mitä voisimme tehdä paremmin?", "Vad kan vi göra bättre?", "What could we do better?")),
        Question(id="satisfaction", type="csat", page=0, required=True, min=1.0, max=5.0,
                 text=t("Kuinka tyytyväinen olit palveluun?", "Hur nöjd var du med servicen?",
                        "How satisfied were you with the service?")),
        Question(id="visit", type="single_choice", page=1, other=True,
                 text=t("Mitä tulit hakemaan?", "Vad kom du för?", "What did you come for?"),
                 options=[option("coffee", "Kahvia", "Kaffe", "Coffee"),
                          option("lunch", "Lounasta", "Lunch", "Lunch"),
                          option("meeting", "Tapaamaan jotakuta", "Träffa någon", "To meet someone")]),
        Question(id="topics", type="multi_choice", page=1, max_choices=2,
                 text=t("Mikä oli tärkeintä?", "Vad var viktigast?", "What mattered most?"),
                 options=[option("price", "Hinta", "Pris", "Price"),
                          option("service", "Palvelu", "Service", "Service"),
                          option("pastries", "Leivonnaiset", "Bakverk", "Pastries")]),
        Question(id="wellbeing", type="likert", page=1, min=1.0, max=5.0,
                 show_if=Condition(question="topics", op="includes", value="service"),
                 text=t("Kuinka samaa mieltä olet?", "Hur enig är du?", "How much do you agree?"),
                 rows=[Row(id="staff", label=t("Henkilökunta oli ystävällistä", "Personalen var vänlig",
                                                "The staff were friendly")),
                       Row(id="speed", label=t("Palvelu oli nopeaa", "Servicen var snabb", "Service was quick"))]),
        Question(id="visits", type="number", page=1, min=0.0, max=31.0, integer=True,
                 text=t("Montako kertaa kävit kuussa?", "Hur många gånger i månaden?", "Visits a month?")),
        Question(id="email", type="email", page=1, max_length=254,
                 text=t("Sähköpostiosoite", "E-postadress", "Email address")),
        Question(id="contact_ok", type="consent", page=1,
                 text=t("Saa ottaa yhteyttä", "Ni får kontakta mig", "You may contact me")),
        Question(id="info-10", type="info", page=1, text={},
                 html=t("<p>Kiitos!</p>", "<p>Tack!</p>", "<p>Thanks!</p>")),
    ]  # fmt: skip


def cafe_manifest(**changes: Any) -> Manifest:
    manifest = Manifest(
        id="sumppi-kaynti", version="v1-7c2e", theme="sumppi", brand=BRAND, languages=["fi", "sv", "en"],
        title=t("Kerro käynnistäsi", "Berätta om ditt besök", "Tell us about your visit"),
        thanks=t("Kiitos! Nähdään taas.", "Tack! Vi ses igen.", "Thank you! See you again."),
        touchpoints=[Touchpoint(id="kassa", label=t("Kassa", "Kassan", "Counter"), kiosk=True),
                     Touchpoint(id="poyta-qr", label=t("Pöydän QR", "Bordets QR", "Table QR"))],
        hidden=["campaign"],
        pages=[Page(questions=["recommend", "improve", "satisfaction"]),
               Page(questions=["visit", "topics", "wellbeing", "visits", "email", "contact_ok", "info-10"])],
        questions=cafe_questions(),
    )  # fmt: skip
    return msgspec.structs.replace(manifest, **changes)


def quiz_manifest() -> Manifest:
    """Työtyylitesti: two scored choices and a scored rating decide the outcome."""
    questions = [
        Question(id="mornings", type="single_choice", page=0, required=True,
                 text=t("Miten aloitat työpäivän?", "Hur börjar du arbetsdagen?", "How do you start your day?"),
                 options=[option("plan", "Suunnittelen", "Planerar", "I plan", score=1.0),
                          option("dive", "Sukellan suoraan", "Dyker rakt in", "I dive in", score=4.0)]),
        Question(id="tools", type="multi_choice", page=0,
                 text=t("Mitä työkaluja käytät?", "Vilka verktyg använder du?", "Which tools do you use?"),
                 options=[option("paper", "Paperi", "Papper", "Paper", score=0.0),
                          option("ai", "Tekoäly", "AI", "AI", score=3.0)]),
        Question(id="curiosity", type="rating", page=0, min=1.0, max=5.0, scored=True, required=True,
                 text=t("Kuinka utelias olet?", "Hur nyfiken är du?", "How curious are you?")),
    ]  # fmt: skip
    quiz = Quiz(outcomes=[
        Outcome(id="perinteinen", max=4.0, title=t("Perinteinen", "Traditionell", "Traditional"),
                body_html=t("<p>…</p>", "<p>…</p>", "<p>…</p>")),
        Outcome(id="tutkija", min=5.0, max=8.0, title=t("Tutkija", "Utforskare", "Explorer"),
                body_html=t("<p>…</p>", "<p>…</p>", "<p>…</p>")),
        Outcome(id="innovaattori", min=9.0, title=t("Innovaattori", "Innovatör", "Innovator"),
                body_html=t("<p>…</p>", "<p>…</p>", "<p>…</p>")),
    ])  # fmt: skip
    return Manifest(
        id="tyotyyli", version="q-3b1f", theme="sumppi", brand=BRAND, languages=["fi", "sv"],
        title=t("Työtyylitesti", "Arbetsstilstest", "Work style quiz"), thanks=t("Kiitos!", "Tack!", "Thanks!"),
        touchpoints=[Touchpoint(id="messut", label=t("Messut", "Mässan", "Fair"), kiosk=True)],
        pages=[Page(questions=["mornings", "tools", "curiosity"])], questions=questions, quiz=quiz,
    )  # fmt: skip


def publish(root: Path, *manifests: Manifest) -> Path:
    """Write manifests as a built site would (`<root>/<survey>/form.json`)."""
    for manifest in manifests:
        (root / manifest.id).mkdir(parents=True, exist_ok=True)
        (root / manifest.id / "form.json").write_text(manifest.to_json(), encoding="utf-8")
    return root


def stored(
    response_id: str, received_at: datetime = NOW, survey: str = "sumppi-kaynti", **changes: Any
) -> StoredResponse:
    fields: dict[str, Any] = {
        "response_id": response_id, "survey": survey, "received_at": received_at, "manifest_version": "v1-7c2e",
        "lang": "fi", "tp": "kassa", "hidden": {"campaign": "joulu"},
        "answers": {"recommend": 9, "satisfaction": 5, "visit": "coffee"},
    }  # fmt: skip
    return StoredResponse(**(fields | changes))
