"""The pure core of the collect function: a posted response against its survey's manifest."""

from __future__ import annotations

from typing import Any

import pytest
from collect_data import NOW, cafe_manifest, quiz_manifest
from msgspec.structs import replace

from functions.collect.validation import Accepted, Rejected, Trapped, validate_submission

RESPONSE_ID = "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"
VALID = {"recommend": 9, "satisfaction": 4}


def accepted(payload: dict[str, Any], manifest: Any = None) -> Accepted:
    outcome = validate_submission(manifest or cafe_manifest(), payload, NOW)
    assert isinstance(outcome, Accepted), outcome
    return outcome


def problems(payload: dict[str, Any], manifest: Any = None) -> dict[str, str]:
    outcome = validate_submission(manifest or cafe_manifest(), payload, NOW)
    assert isinstance(outcome, Rejected), outcome
    return {problem.field: problem.message for problem in outcome.problems}


def test_a_valid_response_is_enriched_by_the_server() -> None:
    response = accepted({"response_id": RESPONSE_ID, "lang": "sv", "tp": "kassa", "hidden": {"campaign": "joulu"},
                         "answers": {**VALID, "visit": "coffee"}}).response  # fmt: skip
    assert response.response_id == RESPONSE_ID
    assert response.survey == "sumppi-kaynti"
    assert response.received_at == NOW
    assert response.manifest_version == "v1-7c2e"
    assert (response.lang, response.tp, response.hidden) == ("sv", "kassa", {"campaign": "joulu"})
    assert response.answers == {"recommend": 9, "satisfaction": 4, "visit": "coffee"}


def test_only_answers_are_required_and_the_rest_gets_defaults() -> None:
    response = accepted({"answers": VALID}).response
    assert response.lang == "fi"  # the survey's first language
    assert response.tp is None and response.hidden == {}
    assert len(response.response_id) == 36


def test_a_client_response_id_is_normalised_so_retries_match() -> None:
    response = accepted({"response_id": RESPONSE_ID.upper(), "answers": VALID}).response
    assert response.response_id == RESPONSE_ID


def test_a_response_id_that_is_not_a_uuid_is_refused() -> None:
    assert "expected a UUID" in problems({"response_id": "vastaus-1", "answers": VALID})["response_id"]


def test_an_nps_of_eleven_names_the_question_the_range_and_the_value() -> None:
    found = problems({"answers": {"recommend": 11, "satisfaction": 4}})
    assert found == {"answers.recommend": "expected a whole number from 0 to 10, got 11"}


@pytest.mark.parametrize("value", [True, "9", 9.5, None, [9], {"arvo": 9}, -1])
def test_a_scale_answer_must_be_a_whole_number_in_range(value: Any) -> None:
    outcome = validate_submission(cafe_manifest(), {"answers": {"recommend": value, "satisfaction": 4}}, NOW)
    assert isinstance(outcome, Rejected)
    assert [p.field for p in outcome.problems] == ["answers.recommend"]


def test_a_whole_float_counts_as_a_whole_number() -> None:
    assert accepted({"answers": {"recommend": 9.0, "satisfaction": 4}}).response.answers["recommend"] == 9


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"lang": "de", "extra": 1, "answers": {"recommend": 11, "visit": "dinner", "age": 40}})
    assert set(found) == {"lang", "extra", "answers.recommend", "answers.visit", "answers.age",
                          "answers.satisfaction"}  # fmt: skip
    assert found["answers.satisfaction"] == "this question is required"
    assert found["lang"] == 'expected one of fi, sv, en, got "de"'
    assert "coffee, lunch, meeting, other" in found["answers.visit"]


def test_an_unknown_question_is_refused_not_dropped() -> None:
    assert problems({"answers": {**VALID, "age": 40}}) == {"answers.age": 'this survey has no question "age"'}


def test_an_info_block_takes_no_answer() -> None:
    assert "takes no answer" in problems({"answers": {**VALID, "info-10": "luettu"}})["answers.info-10"]


def test_a_hidden_question_is_not_required_and_its_answer_is_dropped() -> None:
    response = accepted({"answers": {"recommend": 9, "satisfaction": 4, "improve": "Enemmän kauramaitoa"}}).response
    assert "improve" not in response.answers


def test_a_shown_question_keeps_its_answer() -> None:
    response = accepted({"answers": {"recommend": 3, "satisfaction": 2, "improve": "Enemmän kauramaitoa"}}).response
    assert response.answers["improve"] == "Enemmän kauramaitoa"


def test_a_hidden_questions_wrong_answer_is_not_a_problem() -> None:
    response = accepted({"answers": {**VALID, "wellbeing": {"staff": 9}}}).response
    assert "wellbeing" not in response.answers  # only shown when topics include "service"


def test_a_required_question_hidden_by_show_if_is_not_required() -> None:
    manifest = cafe_manifest()
    improve = manifest.question("improve")
    assert improve is not None
    questions = [replace(q, required=True) if q.id == "improve" else q for q in manifest.questions]
    strict = replace(manifest, questions=questions)
    accepted({"answers": VALID}, strict)
    assert problems({"answers": {"recommend": 2, "satisfaction": 4}}, strict) == {
        "answers.improve": "this question is required"
    }


def test_multi_choice_checks_ids_duplicates_and_the_maximum() -> None:
    assert "choose at most 2" in problems({"answers": {**VALID, "topics": ["price", "service", "pastries"]}})[
        "answers.topics"
    ]
    assert "chosen twice" in problems({"answers": {**VALID, "topics": ["price", "price"]}})["answers.topics"]
    assert "got \"kahvi\"" in problems({"answers": {**VALID, "topics": ["kahvi"]}})["answers.topics"]
    assert "expected a list" in problems({"answers": {**VALID, "topics": "price"}})["answers.topics"]


def test_likert_rows_are_checked_one_by_one() -> None:
    base = {**VALID, "topics": ["service"]}
    assert accepted({"answers": {**base, "wellbeing": {"staff": 5, "speed": 3}}}).response.answers["wellbeing"] == {
        "staff": 5, "speed": 3
    }  # fmt: skip
    assert "answers.wellbeing.speed" in problems({"answers": {**base, "wellbeing": {"staff": 5, "speed": 6}}})
    assert "answers.wellbeing.mood" in problems({"answers": {**base, "wellbeing": {"mood": 5}}})


def test_text_is_bounded_by_its_max_length_counting_a_crlf_as_one() -> None:
    long = "Kahvi oli kylmää. " * 300  # 5,400 characters
    assert problems({"answers": {"recommend": 2, "satisfaction": 1, "improve": long}}) == {
        "answers.improve": "expected at most 5000 characters, got 5399"
    }
    lines = "rivi\r\n" * 999 + "loppu"  # 6,000 characters sent, 5,000 after CRLF → LF
    assert len(accepted({"answers": {"recommend": 2, "satisfaction": 1, "improve": lines}}).response.answers[
        "improve"]) == 5000  # fmt: skip


def test_the_other_choice_keeps_its_free_text() -> None:
    answers = {**VALID, "visit": "other", "visit.other": "Ostamaan lahjakortin"}
    assert accepted({"answers": answers}).response.answers["visit.other"] == "Ostamaan lahjakortin"


def test_other_text_without_the_other_choice_is_dropped() -> None:
    answers = {**VALID, "visit": "coffee", "visit.other": "kirjoitin ensin tähän"}
    assert "visit.other" not in accepted({"answers": answers}).response.answers


def test_an_other_key_on_a_question_without_other_is_refused() -> None:
    assert "answers.topics.other" in problems({"answers": {**VALID, "topics.other": "jotain muuta"}})


def test_email_number_and_consent_are_checked() -> None:
    assert "email address" in problems({"answers": {**VALID, "email": "matti.meikalainen"}})["answers.email"]
    assert "at most 31" in problems({"answers": {**VALID, "visits": 40}})["answers.visits"]
    assert "whole number" in problems({"answers": {**VALID, "visits": 2.5}})["answers.visits"]
    assert "expected true" in problems({"answers": {**VALID, "contact_ok": "kyllä"}})["answers.contact_ok"]
    response = accepted({"answers": {**VALID, "email": "maija@example.fi", "visits": 4, "contact_ok": True}}).response
    assert response.answers["email"] == "maija@example.fi" and response.answers["contact_ok"] is True


def test_empty_answers_count_as_no_answer() -> None:
    response = accepted({"answers": {**VALID, "visit": "", "topics": [], "email": " ", "contact_ok": False}}).response
    assert response.answers == {"recommend": 9, "satisfaction": 4}


def test_an_unknown_touchpoint_is_stored_as_unknown() -> None:
    assert accepted({"tp": "helsinki-asema", "answers": VALID}).response.tp == "unknown"


def test_hidden_fields_keep_listed_names_and_drop_the_rest() -> None:
    response = accepted({"hidden": {"campaign": "joulu", "utm_source": "uutiskirje"}, "answers": VALID}).response
    assert response.hidden == {"campaign": "joulu"}


def test_a_hidden_value_is_bounded() -> None:
    assert "at most 200" in problems({"hidden": {"campaign": "x" * 201}, "answers": VALID})["hidden.campaign"]


def test_the_honeypot_is_answered_like_a_success_and_nothing_is_kept() -> None:
    outcome = validate_submission(cafe_manifest(), {"website": "http://halpaa.example", "answers": {}}, NOW)
    assert isinstance(outcome, Trapped)


@pytest.mark.parametrize("payload", [[], 5, "vastaus", None])
def test_a_body_that_is_not_an_object_is_refused(payload: Any) -> None:
    outcome = validate_submission(cafe_manifest(), payload, NOW)
    assert isinstance(outcome, Rejected) and outcome.problems[0].field == "body"


def test_answers_must_be_present_and_an_object() -> None:
    assert "answers is required" in problems({"lang": "fi"})["answers"]
    assert "expected an object" in problems({"answers": [9, 4]})["answers"]


@pytest.mark.parametrize(
    ("answers", "score", "outcome"),
    [
        ({"mornings": "plan", "curiosity": 1}, 2, "perinteinen"),
        ({"mornings": "dive", "tools": ["paper"], "curiosity": 3}, 7, "tutkija"),
        ({"mornings": "dive", "tools": ["ai", "paper"], "curiosity": 5}, 12, "innovaattori"),
    ],
)
def test_the_quiz_outcome_is_recomputed_on_the_server(answers: dict[str, Any], score: float, outcome: str) -> None:
    response = accepted({"answers": answers, "lang": "sv"}, quiz_manifest()).response
    assert (response.score, response.outcome) == (score, outcome)


def test_problems_read_in_the_respondents_language() -> None:
    outcome = validate_submission(cafe_manifest(), {"lang": "sv", "answers": {"recommend": 11}}, NOW)
    assert isinstance(outcome, Rejected) and outcome.lang == "sv"
    texts = {p.field: p.localized("sv") for p in outcome.problems}
    assert texts["answers.recommend"] == "Välj ett heltal från 0 till 10."
    assert texts["answers.satisfaction"] == "Den här frågan är obligatorisk."
    assert outcome.problems[0].localized("de") == "Choose a whole number from 0 to 10."  # respondents' English
    assert outcome.problems[0].message == "expected a whole number from 0 to 10, got 11"  # API clients' English
