"""What a rejected response is told, in English for API clients and in the respondent's language.

Only loaded when a response is refused, so the accepted path never pays for it. Each message is
a `str.format` template over the problem's params. Finnish and Swedish are written for the
respondent ("choose a whole number…"); `api` is the developer-facing `message` of the JSON
answer, so it names the expected value and what arrived. A language missing here falls back
to English.
"""

from __future__ import annotations

from collections.abc import Mapping

FALLBACK = "en"
API = "api"
"""The key of a problem's developer-facing English, the `message` of a JSON refusal."""

_TECHNICAL_EN = "The form data was not right. Reload the survey page and try once more."
_TECHNICAL_FI = "Lomakkeen tiedot eivät olleet kunnossa. Lataa kyselysivu uudelleen ja yritä vielä kerran."
_TECHNICAL_SV = "Formulärets uppgifter var felaktiga. Ladda om enkätsidan och försök igen."

PROBLEMS: dict[str, dict[str, str]] = {
    "required": {
        "api": "this question is required",
        "en": "Please answer this question.",
        "fi": "Tähän kysymykseen on vastattava.",
        "sv": "Den här frågan är obligatorisk.",
    },
    "whole_number": {
        "api": "expected a whole number from {min} to {max}, got {got}",
        "en": "Choose a whole number from {min} to {max}.",
        "fi": "Valitse kokonaisluku väliltä {min}–{max}.",
        "sv": "Välj ett heltal från {min} till {max}.",
    },
    "number": {
        "api": "expected a number, got {got}",
        "en": "Enter a number.",
        "fi": "Kirjoita luku.",
        "sv": "Skriv ett tal.",
    },
    "number_whole": {
        "api": "expected a whole number, got {got}",
        "en": "Enter a whole number without decimals.",
        "fi": "Kirjoita kokonaisluku ilman desimaaleja.",
        "sv": "Skriv ett heltal utan decimaler.",
    },
    "number_min": {
        "api": "expected a number of at least {min}, got {got}",
        "en": "The number must be at least {min}.",
        "fi": "Luvun on oltava vähintään {min}.",
        "sv": "Talet måste vara minst {min}.",
    },
    "number_max": {
        "api": "expected a number of at most {max}, got {got}",
        "en": "The number can be at most {max}.",
        "fi": "Luku saa olla enintään {max}.",
        "sv": "Talet får vara högst {max}.",
    },
    "option": {
        "api": "expected one of {options}, got {got}",
        "en": "Choose one of the options given.",
        "fi": "Valitse jokin annetuista vaihtoehdoista.",
        "sv": "Välj ett av de givna alternativen.",
    },
    "options_list": {
        "api": "expected a list of option ids ({options}), got {got}",
        "en": "Choose from the options.",
        "fi": "Valitse vaihtoehdoista.",
        "sv": "Välj bland alternativen.",
    },
    "option_twice": {
        "api": "option {got} is chosen twice",
        "en": "The same option is chosen twice.",
        "fi": "Sama vaihtoehto on valittu kahdesti.",
        "sv": "Samma alternativ är valt två gånger.",
    },
    "choices_min": {
        "api": "choose at least {min}, got {count}",
        "en": "Choose at least {min}.",
        "fi": "Valitse vähintään {min}.",
        "sv": "Välj minst {min}.",
    },
    "choices_max": {
        "api": "choose at most {max}, got {count}",
        "en": "Choose at most {max}.",
        "fi": "Valitse enintään {max}.",
        "sv": "Välj högst {max}.",
    },
    "rows": {
        "api": "expected an object of statement id → whole number 1–{max}, got {got}",
        "en": "Choose a value 1–{max} for each statement.",
        "fi": "Valitse jokaiselle väittämälle arvo 1–{max}.",
        "sv": "Välj ett värde 1–{max} för varje påstående.",
    },
    "row_unknown": {
        "api": "no statement {got} in this question; expected one of {rows}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "rows_required": {
        "api": "every statement needs an answer; missing {missing}",
        "en": "Answer every statement.",
        "fi": "Vastaa jokaiseen väittämään.",
        "sv": "Svara på varje påstående.",
    },
    "text": {
        "api": "expected text, got {got}",
        "en": "Write your answer as text.",
        "fi": "Kirjoita vastaus tekstinä.",
        "sv": "Skriv svaret som text.",
    },
    "too_long": {
        "api": "expected at most {max} characters, got {count}",
        "en": "Your answer can be at most {max} characters long (now {count}).",
        "fi": "Vastaus saa olla enintään {max} merkkiä pitkä (nyt {count}).",
        "sv": "Svaret får vara högst {max} tecken långt (nu {count}).",
    },
    "email": {
        "api": "expected an email address such as nimi@example.fi, got {got}",
        "en": "Check the email address, for example name@example.com.",
        "fi": "Tarkista sähköpostiosoite, esimerkiksi nimi@example.fi.",
        "sv": "Kontrollera e-postadressen, till exempel namn@example.fi.",
    },
    "consent": {
        "api": "expected true (the box ticked), got {got}",
        "en": "Tick the box if you give your consent.",
        "fi": "Rastita ruutu, jos annat suostumuksesi.",
        "sv": "Kryssa i rutan om du ger ditt samtycke.",
    },
    "unknown_question": {
        "api": "this survey has no question {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "no_answer_taken": {
        "api": "{got} is a text block, not a question, and takes no answer",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "unknown_field": {
        "api": "unknown field; a response has response_id, lang, tp, hidden and answers",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "answers_missing": {
        "api": "answers is required: an object of question id → answer",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "object": {
        "api": "expected an object, got {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "response_id": {
        "api": "expected a UUID such as 5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f, got {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "lang": {
        "api": "expected one of {languages}, got {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "tp": {
        "api": "expected a touchpoint id as text, got {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "hidden_value": {
        "api": "expected text of at most {max} characters, got {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_utf8": {
        "api": "the body is not UTF-8 text",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_base64": {
        "api": "the body is marked base64 but does not decode",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_json": {
        "api": "the body is not valid JSON: {detail}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_object": {
        "api": "expected a JSON object with answers, got {got}",
        "en": _TECHNICAL_EN,
        "fi": _TECHNICAL_FI,
        "sv": _TECHNICAL_SV,
    },
    "body_form": {
        "api": "the form body could not be read: {detail}",
        "en": _TECHNICAL_EN,
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


def problem_message(code: str, params: Mapping[str, object], lang: str | None = None) -> str:
    """The respondent's words in `lang`; without a language, the API client's (developer) English."""
    return _format(PROBLEMS, code, lang or API, params)


def status_message(code: str, params: Mapping[str, object], lang: str = FALLBACK) -> str:
    return _format(STATUSES, code, lang, params)


def page_text(code: str, lang: str) -> str:
    return _format(PAGE, code, lang, {})
