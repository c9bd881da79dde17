"""Manifests built straight from functions.manifest models, as the compile stage would make them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import msgspec
from ruamel.yaml import YAML

from functions.manifest import (
    Condition,
    KioskSettings,
    Manifest,
    Option,
    Outcome,
    Page,
    Question,
    Quiz,
    Row,
    Touchpoint,
)
from site_builder.theme import Theme, load_theme

FIXTURES = Path(__file__).parent / "fixtures" / "questions"
THEMES = Path(__file__).resolve().parent.parent / "themes"


def fixture_question(kind: str) -> Question:
    data: Any = YAML(typ="safe").load((FIXTURES / f"{kind}.yaml").read_text(encoding="utf-8"))
    return msgspec.convert(data, Question)


RECOMMEND = Question(
    id="recommend", type="nps", page=0, required=True, min=0.0, max=10.0,
    text={"fi": "Kuinka todennäköisesti suosittelisit Lähdettä ystävällesi?",
          "sv": "Hur troligt är det att du skulle rekommendera Lähde till en vän?",
          "en": "How likely are you to recommend Lähde to a friend?"},
)  # fmt: skip


def base_theme() -> Theme:
    """The built-in base theme (an empty themes folder has no theme of its own)."""
    return load_theme(Path(__file__).parent / "fixtures" / "no-themes", "base")


def manifest_with(*questions: Question, languages: tuple[str, ...] = ("fi", "sv"), **fields: Any) -> Manifest:
    """A one-page survey of Kauppa Lähde holding `questions` (after an NPS question they may depend on)."""
    listed = [RECOMMEND, *questions] if all(q.id != "recommend" for q in questions) else list(questions)
    values: dict[str, Any] = {
        "id": "lahde-palaute", "version": "0f1e2d3c4b5a6978", "theme": "base", "brand": base_theme().brand(),
        "languages": list(languages),
        "title": {"fi": "Miten onnistuimme?", "sv": "Hur lyckades vi?", "en": "How did we do?"},
        "thanks": {"fi": "Kiitos palautteestasi!", "sv": "Tack för din feedback!", "en": "Thank you!"},
        "pages": [Page(questions=[q.id for q in listed])], "questions": listed,
    }  # fmt: skip
    return Manifest(**{**values, **fields})


def store_survey() -> Manifest:
    """Kauppa Lähde's customer survey: two pages, every kind of answer a real survey of theirs would use."""
    fi_sv_en = ("fi", "sv", "en")
    first = [
        RECOMMEND,
        Question(id="reason", type="text", page=0, multiline=True, max_length=5000,
                 show_if=Condition(question="recommend", op="lte", value=6),
                 text={"fi": "Mitä meidän pitäisi parantaa?", "sv": "Vad borde vi förbättra?",
                       "en": "What should we improve?"}),
        Question(id="praise", type="text", page=0, multiline=True, max_length=5000,
                 show_if=Condition(question="recommend", op="gte", value=9),
                 text={"fi": "Mikä ilahdutti sinua eniten?", "sv": "Vad gladde dig mest?",
                       "en": "What pleased you the most?"}),
    ]  # fmt: skip
    second = [
        Question(id="satisfaction", type="csat", page=1, required=True, min=1.0, max=5.0,
                 text={"fi": "Kuinka tyytyväinen olit asiointiisi?", "sv": "Hur nöjd var du med ditt besök?",
                       "en": "How satisfied were you with your visit?"}),
        Question(id="channel", type="single_choice", page=1, other=True,
                 text={"fi": "Missä asioit?", "sv": "Var handlade du?", "en": "Where did you shop?"},
                 options=[Option(id="store", label={"fi": "Myymälässä", "sv": "I butiken", "en": "In a store"}),
                          Option(id="web", label={"fi": "Verkkokaupassa", "sv": "I webbutiken", "en": "Online"})]),
        Question(id="staff", type="likert", page=1, min=1.0, max=5.0,
                 text={"fi": "Henkilökunta…", "sv": "Personalen…", "en": "The staff…"},
                 rows=[Row(id="friendly", label={"fi": "oli ystävällistä", "sv": "var vänlig", "en": "was friendly"}),
                       Row(id="skilled", label={"fi": "osasi neuvoa", "sv": "kunde ge råd", "en": "gave advice"})]),
        Question(id="contact", type="email", page=1, max_length=254,
                 text={"fi": "Sähköpostiosoite, jos haluat vastauksen", "sv": "E-post, om du vill ha svar",
                       "en": "E-mail, if you would like a reply"}),
    ]  # fmt: skip
    pages = [Page(questions=[q.id for q in first]),
             Page(title={"fi": "Asiointisi", "sv": "Ditt besök", "en": "Your visit"},
                  questions=[q.id for q in second])]  # fmt: skip
    return manifest_with(
        *first, *second, languages=fi_sv_en, pages=pages, hidden=["campaign"],
        intro_html={"fi": "<p>Vastaaminen vie noin <strong>minuutin</strong>.</p>",
                    "sv": "<p>Det tar ungefär <strong>en minut</strong>.</p>",
                    "en": "<p>It takes about <strong>a minute</strong>.</p>"},
        touchpoints=[
            Touchpoint(id="myymala-kamppi", label={"fi": "Kamppi", "sv": "Kampen", "en": "Kamppi"}, kiosk=True),
            Touchpoint(id="verkkokauppa", label={"fi": "Verkkokauppa", "sv": "Webbutik", "en": "Web shop"}),
        ],
        kiosk=KioskSettings(thanks_seconds=5, idle_seconds=45, warning_seconds=10),
        opens=date(2026, 12, 1), closes=date(2027, 3, 31),
    )  # fmt: skip


def quiz_outcomes() -> Quiz:
    return Quiz(outcomes=[
        Outcome(id="aloittelija", max=3.0, title={"fi": "Aloittelija", "sv": "Nybörjare"},
                body_html={"fi": "<p>Aloittakaa <strong>yhdestä kokeilusta</strong>.</p>",
                           "sv": "<p>Börja med <strong>ett försök</strong>.</p>"}),
        Outcome(id="edellakavija", min=4.0, title={"fi": "Edelläkävijä", "sv": "Föregångare"},
                body_html={"fi": "<p>Olette alanne kärjessä.</p>", "sv": "<p>Ni leder er bransch.</p>"}),
    ])  # fmt: skip
