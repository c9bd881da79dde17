"""What a rejected response is told, in English for API clients and in the respondent's language.

Only loaded when a response is refused, so the accepted path never pays for it. Each message is
a `str.format` template over the problem's params. Finnish and Swedish are written for the
respondent ("choose a whole number…"); English doubles as the developer-facing `message` of the
JSON answer, so it names the expected value and what arrived. A language missing here falls
back to English.
"""

from __future__ import annotations

from collections.abc import Mapping

FALLBACK = "en"

_TECHNICAL_FI = "Lomakkeen tiedot eivät olleet kunnossa. Lataa kyselysivu uudelleen ja yritä vielä kerran."
_TECHNICAL_SV = "Formulärets uppgifter var felaktiga. Ladda om enkätsidan och försök igen."

PROBLEMS: dict[str, dict[str, str]] = {
    "required": {
        "en": "this question is required",
        "fi": "Tähän kysymykseen on vastattava.",
        "sv": "Den här frågan är obligatorisk.",
    },
    "whole_number": {
        "en": "expected a whole number from {min} to {max}, got {got}",
        "fi": "Valitse kokonaisluku väliltä {min}–{max}.",
        "sv": "Välj ett heltal från {min} till {max}.",
    },
    "number": {
        "en": "expected a number, got {got}",
        "fi": "Kirjoita luku.",
        "sv": "Skriv ett tal.",
    },
    "number_whole": {
        "en": "expected a whole number, got {got}",
        "fi": "Kirjoita kokonaisluku ilman desimaaleja.",
        "sv": "Skriv ett heltal utan decimaler.",
    },
    "number_min": {
        "en": "expected a number of at least {min}, got {got}",
        "fi": "Luvun on oltava vähintään {min}.",
        "sv": "Talet måste vara minst {min}.",
    },
    "number_max": {
        "en": "expected a number of at most {max}, got {got}",
        "fi": "Luku saa olla enintään {max}.",
        "sv": "Talet får vara högst {max}.",
    },
    "option": {
        "en": "expected one of {options}, got {got}",
        "fi": "Valitse jokin annetuista vaihtoehdoista.",
        "sv": "Välj ett av de givna alternativen.",
    },
    "options_list": {
        "en": "expected a list of option ids ({options}), got {got}",
        "fi": "Valitse vaihtoehdoista.",
        "sv": "Välj bland alternativen.",
    },
    "option_twice": {
        "en": "option {got} is chosen twice",
        "fi": "Sama vaihtoehto on valittu kahdesti.",
        "sv": "Samma alternativ är valt två gånger.",
    },
    "choices_min": {
        "en": "choose at least {min}, got {count}",
        "fi": "Valitse vähintään {min}.",
        "sv": "Välj minst {min}.",
    },
    "choices_max": {
        "en": "choose at most {max}, got {count}",
        "fi": "Valitse enintään {max}.",
        "sv": "Välj högst {max}.",
    },
    "rows": {
        "en": "expected an object of statement id → whole number 1–{max}, got {got}",
        "fi": "Valitse jokaiselle väittämälle arvo 1–{max}.",
        "sv": "Välj ett värde 1–{max} för varje påstående.",
    },
    "row_unknown": {
        "en": "no statement {got} in this question; expected one of {rows}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "rows_required": {
        "en": "every statement needs an answer; missing {missing}",
        "fi": "Vastaa jokaiseen väittämään.",
        "sv": "Svara på varje påstående.",
    },
    "text": {
        "en": "expected text, got {got}",
        "fi": "Kirjoita vastaus tekstinä.",
        "sv": "Skriv svaret som text.",
    },
    "too_long": {
        "en": "expected at most {max} characters, got {count}",
        "fi": "Vastaus saa olla enintään {max} merkkiä pitkä (nyt {count}).",
        "sv": "Svaret får vara högst {max} tecken långt (nu {count}).",
    },
    "email": {
        "en": "expected an email address such as nimi@example.fi, got {got}",
        "fi": "Tarkista sähköpostiosoite, esimerkiksi nimi@example.fi.",
        "sv": "Kontrollera e-postadressen, till exempel namn@example.fi.",
    },
    "consent": {
        "en": "expected true (the box ticked), got {got}",
        "fi": "Rastita ruutu, jos annat suostumuksesi.",
        "sv": "Kryssa i rutan om du ger ditt samtycke.",
    },
    "unknown_question": {
        "en": "this survey has no question {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "no_answer_taken": {
        "en": "{got} is a text block, not a question, and takes no answer",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "unknown_field": {
        "en": "unknown field; a response has response_id, lang, tp, hidden and answers",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "answers_missing": {
        "en": "answers is required: an object of question id → answer",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "object": {
        "en": "expected an object, got {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "response_id": {
        "en": "expected a UUID such as 5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f, got {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "lang": {
        "en": "expected one of {languages}, got {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "tp": {
        "en": "expected a touchpoint id as text, got {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "hidden_value": {
        "en": "expected text of at most {max} characters, got {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_utf8": {
        "en": "the body is not UTF-8 text",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_base64": {
        "en": "the body is marked base64 but does not decode",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_json": {
        "en": "the body is not valid JSON: {detail}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_object": {
        "en": "expected a JSON object with answers, got {got}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_form": {
        "en": "the form body could not be read: {detail}",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
}

STATUSES: dict[str, dict[str, str]] = {
    "not_found": {
        "en": "There is no survey {survey}.",
        "fi": "Kyselyä ei löytynyt.",
        "sv": "Enkäten hittades inte.",
    },
    "closed": {
        "en": "This survey has closed and no longer takes responses.",
        "fi": "Kysely on päättynyt, eikä siihen voi enää vastata.",
        "sv": "Enkäten har stängt och tar inte längre emot svar.",
    },
    "not_open": {
        "en": "This survey opens on {opens} and does not take responses yet.",
        "fi": "Kysely avautuu {opens}, eikä siihen voi vielä vastata.",
        "sv": "Enkäten öppnar {opens} och tar inte emot svar ännu.",
    },
    "too_large": {
        "en": "The response is larger than {limit} bytes.",
        "fi": "Vastaus on liian pitkä. Lyhennä tekstivastauksia ja yritä uudelleen.",
        "sv": "Svaret är för långt. Korta textsvaren och försök igen.",
    },
    "media_type": {
        "en": "Send application/json or application/x-www-form-urlencoded (UTF-8), not {content_type}.",
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "unavailable": {
        "en": "The response could not be saved just now. Nothing was stored; please try again in a moment.",
        "fi": "Vastausta ei juuri nyt voitu tallentaa. Yritä hetken kuluttua uudelleen.",
        "sv": "Svaret kunde inte sparas just nu. Försök igen om en stund.",
    },
}

PAGE: dict[str, dict[str, str]] = {
    "problems_title": {
        "en": "There is a problem with your answers",
        "fi": "Vastauksissasi on korjattavaa",
        "sv": "Det finns något att rätta i dina svar",
    },
    "status_title": {
        "en": "Your response was not saved",
        "fi": "Vastaustasi ei tallennettu",
        "sv": "Ditt svar sparades inte",
    },
    "back_hint": {
        "en": "Use your browser's Back button to return to your answers and correct them.",
        "fi": "Palaa vastauksiisi selaimen Takaisin-painikkeella ja korjaa ne.",
        "sv": "Gå tillbaka till dina svar med webbläsarens Bakåt-knapp och rätta dem.",
    },
    "back_link": {
        "en": "Back to the survey",
        "fi": "Takaisin kyselyyn",
        "sv": "Tillbaka till enkäten",
    },
    "general": {
        "en": "The response as a whole",
        "fi": "Vastaus kokonaisuutena",
        "sv": "Svaret som helhet",
    },
}


def _format(catalog: Mapping[str, Mapping[str, str]], code: str, lang: str, params: Mapping[str, object]) -> str:
    templates = catalog[code]
    template = templates.get(lang) or templates[FALLBACK]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return templates[FALLBACK].format(**params)


def problem_message(code: str, params: Mapping[str, object], lang: str = FALLBACK) -> str:
    return _format(PROBLEMS, code, lang, params)


def status_message(code: str, params: Mapping[str, object], lang: str = FALLBACK) -> str:
    return _format(STATUSES, code, lang, params)


def page_text(code: str, lang: str) -> str:
    return _format(PAGE, code, lang, {})
