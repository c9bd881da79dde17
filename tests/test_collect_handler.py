"""The collect handler fed with committed API Gateway v2 events: every answer it can give."""

from __future__ import annotations

import base64
import copy
import io
import json
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from collect_data import NOW, cafe_manifest, publish, quiz_manifest

from functions.collect.handler import CollectDeps, handle, logger
from functions.manifests import DirectoryManifests
from functions.queue import QueueUnavailable
from functions.response import StoredResponse

EVENTS = Path(__file__).parent / "events"
SITE = "https://kysely.sumppi.fi"


class ListQueue:
    """Keeps what it is sent; `failing` makes every send fail as SQS would when unreachable."""

    def __init__(self) -> None:
        self.sent: list[StoredResponse] = []
        self.failing = False

    def send(self, response: StoredResponse) -> None:
        if self.failing:
            raise QueueUnavailable("SendMessage timed out")
        self.sent.append(response)


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def json_post(body: Any, survey: str = "sumppi-kaynti", raw: bytes | None = None, **headers: str) -> dict[str, Any]:
    event = load_event("collect_json_post")
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/v1/surveys/{survey}/responses"
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    try:
        event["body"], event["isBase64Encoded"] = data.decode("utf-8"), False
    except UnicodeDecodeError:
        event["body"], event["isBase64Encoded"] = base64.b64encode(data).decode(), True
    event["headers"].update(headers)
    return event


def form_post(pairs: list[tuple[str, str]], survey: str = "sumppi-kaynti") -> dict[str, Any]:
    event = load_event("collect_form_post")
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/v1/surveys/{survey}/responses"
    event["body"] = urlencode(pairs)
    return event


@pytest.fixture
def queue() -> ListQueue:
    return ListQueue()


@pytest.fixture
def deps(tmp_path: Path, queue: ListQueue) -> CollectDeps:
    closed = cafe_manifest(id="kesa-2026", closes=date(2026, 8, 31))
    upcoming = cafe_manifest(id="kevat-2027", opens=date(2027, 3, 1))
    site = publish(tmp_path, cafe_manifest(), quiz_manifest(), closed, upcoming)
    return CollectDeps(manifests=DirectoryManifests(site), queue=queue, site_url=SITE, allowed_origins=(SITE,),
                       clock=lambda: NOW)  # fmt: skip


def body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def test_a_json_post_is_queued_and_answered_202_with_its_id(deps: CollectDeps, queue: ListQueue) -> None:
    response = handle(load_event("collect_json_post"), None, deps)
    assert response["statusCode"] == 202
    assert body(response) == {"response_id": "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"}
    [stored] = queue.sent
    assert stored.answers["wellbeing"] == {"staff": 5, "speed": 4}
    assert stored.received_at == NOW and stored.tp == "kassa"


def test_a_json_post_without_an_id_gets_a_new_uuid(deps: CollectDeps, queue: ListQueue) -> None:
    response = handle(json_post({"answers": {"recommend": 10, "satisfaction": 5}}), None, deps)
    assert response["statusCode"] == 202
    assert body(response)["response_id"] == queue.sent[0].response_id


@pytest.mark.parametrize("name", ["collect_form_post", "collect_form_post_base64"])
def test_a_form_post_is_redirected_to_the_thank_you_page(deps: CollectDeps, queue: ListQueue, name: str) -> None:
    response = handle(load_event(name), None, deps)
    assert response["statusCode"] == 303
    assert response["headers"]["Location"] == f"{SITE}/sumppi-kaynti/sv/thanks/?tp=poyta-qr"
    [stored] = queue.sent
    assert stored.lang == "sv" and stored.hidden == {"campaign": "påsk"}
    assert stored.answers["improve"] == "Längre öppettider på söndagar,\ntack!"
    assert stored.answers["topics"] == ["price", "service"]
    assert stored.answers["visit.other"] == "Köpa presentkort"


def test_a_quiz_form_post_carries_its_outcome_to_the_thank_you_page(deps: CollectDeps) -> None:
    pairs = [("lang", "fi"), ("tp", "messut"), ("mornings", "dive"), ("tools", "ai"), ("curiosity", "5")]
    response = handle(form_post(pairs, "tyotyyli"), None, deps)
    assert response["headers"]["Location"] == f"{SITE}/tyotyyli/fi/thanks/innovaattori/?outcome=innovaattori&tp=messut"


def test_a_retry_with_the_same_id_is_a_success_again(deps: CollectDeps, queue: ListQueue) -> None:
    first = handle(load_event("collect_json_post"), None, deps)
    again = handle(load_event("collect_json_post"), None, deps)
    assert first["statusCode"] == again["statusCode"] == 202
    assert body(first) == body(again)
    assert {r.response_id for r in queue.sent} == {"5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"}  # the store keeps one


def test_invalid_answers_are_400_listing_every_problem(deps: CollectDeps, queue: ListQueue) -> None:
    response = handle(json_post({"answers": {"recommend": 11, "visit": "dinner"}}), None, deps)
    assert response["statusCode"] == 400
    errors = {e["field"]: e["message"] for e in body(response)["errors"]}
    assert errors == {
        "answers.recommend": "expected a whole number from 0 to 10, got 11",
        "answers.visit": 'expected one of coffee, lunch, meeting, other, got "dinner"',
        "answers.satisfaction": "this question is required",
    }
    assert queue.sent == []


def test_a_refused_form_post_gets_an_accessible_page_in_the_respondents_language(deps: CollectDeps) -> None:
    response = handle(form_post([("lang", "sv"), ("recommend", "11"), ("satisfaction", "")]), None, deps)
    assert response["statusCode"] == 400
    assert response["headers"]["Content-Type"].startswith("text/html")
    page = response["body"]
    assert '<html lang="sv">' in page
    assert "<h1" in page and "Det finns något att rätta i dina svar" in page
    assert 'role="alert"' in page
    question = "Hur troligt är det att du skulle rekommendera Sumppi till en vän?"
    assert f"{question}</strong>: Välj ett heltal från 0 till 10." in page
    assert "Hur nöjd var du med servicen?</strong>: Den här frågan är obligatorisk." in page
    assert f'<a href="{SITE}/sumppi-kaynti/sv/">Tillbaka till enkäten</a>' in page


def test_the_rejection_page_escapes_what_the_respondent_sent(deps: CollectDeps) -> None:
    response = handle(form_post([("recommend", "<script>alert(1)</script>"), ("satisfaction", "3")]), None, deps)
    assert "<script>" not in response["body"]


def test_an_unknown_survey_is_404(deps: CollectDeps) -> None:
    assert handle(json_post({"answers": {}}, survey="ei-ole"), None, deps)["statusCode"] == 404


def test_a_closed_survey_is_410_and_stores_nothing(deps: CollectDeps, queue: ListQueue) -> None:
    response = handle(json_post({"answers": {"recommend": 9, "satisfaction": 5}}, survey="kesa-2026"), None, deps)
    assert response["statusCode"] == 410
    assert body(response)["error"] == "closed"
    assert queue.sent == []


def test_a_survey_not_open_yet_is_409_naming_the_day_it_opens(deps: CollectDeps) -> None:
    response = handle(json_post({"answers": {"recommend": 9, "satisfaction": 5}}, survey="kevat-2027"), None, deps)
    assert response["statusCode"] == 409
    assert "2027-03-01" in body(response)["errors"][0]["message"]


def test_a_closed_survey_refuses_a_form_post_with_a_page(deps: CollectDeps) -> None:
    response = handle(form_post([("recommend", "9")], survey="kesa-2026"), None, deps)
    assert response["statusCode"] == 410
    assert '<html lang="fi">' in response["body"] and "Kysely on päättynyt" in response["body"]


def test_a_one_megabyte_body_is_413_before_it_is_read(deps: CollectDeps) -> None:
    huge = json_post(None, raw=b'{"answers": {"improve": "' + b"a" * 1024 * 1024 + b'"}}')
    assert handle(huge, None, deps)["statusCode"] == 413
    encoded = copy.deepcopy(huge)
    encoded["body"], encoded["isBase64Encoded"] = base64.b64encode(huge["body"].encode()).decode(), True
    assert handle(encoded, None, deps)["statusCode"] == 413


@pytest.mark.parametrize(
    "content_type", ["text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin-1"]
)
def test_other_content_types_are_415(deps: CollectDeps, content_type: str) -> None:
    event = json_post({"answers": {"recommend": 9, "satisfaction": 5}}, **{"content-type": content_type})
    assert handle(event, None, deps)["statusCode"] == 415


def test_a_missing_content_type_is_415(deps: CollectDeps) -> None:
    event = json_post({"answers": {"recommend": 9, "satisfaction": 5}})
    del event["headers"]["content-type"]
    assert handle(event, None, deps)["statusCode"] == 415


def test_a_queue_failure_is_503_and_claims_nothing(deps: CollectDeps, queue: ListQueue) -> None:
    queue.failing = True
    response = handle(load_event("collect_json_post"), None, deps)
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"]
    assert "response_id" not in body(response)


@pytest.mark.parametrize(
    "raw",
    [
        "Kiitos, hyvä palvelu!".encode("latin-1"),  # not UTF-8
        b"{not json",
        b"[9, 4]",
        b"42",
        b'"vastaus"',
        b"null",
        b"[" * 50_000 + b"]" * 50_000,  # nested far deeper than the parser's recursion limit
        b'{"answers": {"recommend": NaN, "satisfaction": 5}}',
        b'{"answers": {"recommend": 1' + b"0" * 5000 + b', "satisfaction": 5}}',
        b'{"answers": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}",
        b"",
    ],
)
def test_bad_bodies_are_400_never_500(deps: CollectDeps, raw: bytes) -> None:
    response = handle(json_post(None, raw=raw[: 60 * 1024] if len(raw) > 60 * 1024 else raw), None, deps)
    assert response["statusCode"] == 400, response["body"][:300]
    assert body(response)["errors"]


def test_nesting_within_the_size_limit_is_400(deps: CollectDeps) -> None:
    raw = b"[" * 32_000 + b"]" * 32_000
    assert handle(json_post(None, raw=raw), None, deps)["statusCode"] == 400


def test_a_body_marked_base64_that_is_not_is_400(deps: CollectDeps) -> None:
    event = json_post({"answers": {}})
    event["body"], event["isBase64Encoded"] = "tämä ei ole base64 ***", True
    assert handle(event, None, deps)["statusCode"] == 400


def test_non_utf8_form_fields_are_400(deps: CollectDeps) -> None:
    event = form_post([])
    event["body"] = "recommend=9&improve=%E4%F6"  # Latin-1 percent-escapes
    assert handle(event, None, deps)["statusCode"] == 400


def test_the_honeypot_gets_a_success_but_nothing_is_queued(deps: CollectDeps, queue: ListQueue) -> None:
    response = handle(form_post([("website", "http://halpaa.example"), ("recommend", "10")]), None, deps)
    assert response["statusCode"] == 303
    assert queue.sent == []


def test_cors_preflight_allows_only_the_survey_site(deps: CollectDeps) -> None:
    allowed = handle(load_event("collect_preflight"), None, deps)
    assert allowed["statusCode"] == 204
    assert allowed["headers"]["Access-Control-Allow-Origin"] == SITE
    stranger = load_event("collect_preflight")
    stranger["headers"]["origin"] = "https://huijaus.example"
    assert "Access-Control-Allow-Origin" not in handle(stranger, None, deps)["headers"]


def test_a_post_from_another_origin_gets_no_cors_header(deps: CollectDeps) -> None:
    event = load_event("collect_json_post")
    event["headers"]["origin"] = "https://huijaus.example"
    response = handle(event, None, deps)
    assert "Access-Control-Allow-Origin" not in response["headers"]


def test_received_at_is_the_server_clock_in_utc(tmp_path: Path, queue: ListQueue) -> None:
    helsinki_evening = datetime(2026, 12, 3, 21, 15, tzinfo=UTC)
    deps = CollectDeps(manifests=DirectoryManifests(publish(tmp_path, cafe_manifest())), queue=queue,
                       clock=lambda: helsinki_evening)  # fmt: skip
    handle(json_post({"answers": {"recommend": 9, "satisfaction": 5}}), None, deps)
    assert queue.sent[0].received_at == helsinki_evening


def test_nothing_about_the_client_address_is_stored(deps: CollectDeps, queue: ListQueue) -> None:
    handle(load_event("collect_json_post"), None, deps)
    assert "198.51.100.23" not in queue.sent[0].to_json()


class BrokenManifests:
    def get(self, survey_id: str) -> None:
        from functions.s3_manifests import ManifestUnavailable

        raise ManifestUnavailable("S3 timed out")


def test_a_manifest_store_failure_is_503_not_404(queue: ListQueue) -> None:
    deps = CollectDeps(manifests=BrokenManifests(), queue=queue, clock=lambda: NOW)
    response = handle(load_event("collect_json_post"), None, deps)
    assert response["statusCode"] == 503 and queue.sent == []


def test_the_store_worker_stores_a_committed_sqs_batch_in_any_store(tmp_path: Path) -> None:
    from functions.collect.worker import handle_batch
    from functions.sqlite_store import SQLiteStore

    store = SQLiteStore.in_data_dir(tmp_path)
    batch = load_event("sqs_responses")
    assert handle_batch(batch, None, store) == {"batchItemFailures": []}
    assert handle_batch(batch, None, store) == {"batchItemFailures": []}  # redelivered: no duplicates
    assert [(r.lang, r.tp) for r in store.responses("sumppi-kaynti")] == [("fi", "kassa"), ("sv", "poyta-qr")]


class MeetingQueue(ListQueue):
    """Holds each send until `parties` sends are in progress together, as concurrent requests are."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.meeting = threading.Barrier(parties, timeout=30)

    def send(self, response: StoredResponse) -> None:
        self.meeting.wait()
        super().send(response)


def test_concurrent_posts_each_log_their_own_survey_and_leave_no_key_behind(tmp_path: Path) -> None:
    site = publish(tmp_path, cafe_manifest(), cafe_manifest(id="sumppi-asema"))
    queue = MeetingQueue(2)  # both requests have read their manifest before either logs
    deps = CollectDeps(manifests=DirectoryManifests(site), queue=queue, clock=lambda: NOW)
    lines, level = io.StringIO(), logger.log_level
    logger.registered_handler.setStream(lines)
    logger.setLevel("INFO")
    answers: dict[str, int] = {}

    def post(survey: str) -> None:
        event = json_post({"answers": {"recommend": 9, "satisfaction": 5}}, survey=survey)
        answers[survey] = handle(event, None, deps)["statusCode"]

    try:
        threads = [threading.Thread(target=post, args=(survey,)) for survey in ("sumppi-kaynti", "sumppi-asema")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        logger.registered_handler.setStream(__import__("sys").stdout)
        logger.setLevel(level)
    assert answers == {"sumppi-kaynti": 202, "sumppi-asema": 202}
    queued = {r.response_id: r.survey for r in queue.sent}
    logged = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert sorted((log["response_id"], log["survey"]) for log in logged if log["message"] == "response queued") == (
        sorted(queued.items())
    )
    assert "survey" not in logger.get_current_keys()
