"""`GET /v1/surveys/{id}/report` through the handler, fed the committed API Gateway event."""

from __future__ import annotations

import base64
import copy
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws
from openpyxl import load_workbook
from report_data import manifest, nps_responses, response

from functions.manifest import Manifest, ReportSettings
from functions.report import handler as report_handler
from functions.report.delivery import InlineDelivery, S3Delivery
from functions.report.handler import ReportDeps, handle
from functions.report.schedule import latest_key, publish_latest, published_surveys
from functions.response import StoredResponse
from functions.tokens import SQLiteTokens, issue_token

EVENT = json.loads((Path(__file__).parent / "events" / "report_get.json").read_text(encoding="utf-8"))
SURVEY = "lahikauppa-palaute"


class Manifests:
    def __init__(self, *manifests: Manifest) -> None:
        self.by_id = {m.id: m for m in manifests}

    def get(self, survey_id: str) -> Manifest | None:
        return self.by_id.get(survey_id)


class MemoryStore:
    """The ResponseStore port over a list, for handler tests (the real stores have their own tests)."""

    def __init__(self, responses: list[StoredResponse]) -> None:
        self.stored = sorted(responses, key=lambda r: r.received_at)
        self.asked: list[tuple[datetime | None, datetime | None]] = []

    def put(self, response: StoredResponse) -> bool:
        self.stored.append(response)
        return True

    def responses(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[StoredResponse]:
        self.asked.append((since, until))
        for item in self.stored:
            if (
                item.survey == survey
                and (since is None or item.received_at >= since)
                and (until is None or item.received_at < until)
            ):
                yield item


@dataclass
class Setup:
    deps: ReportDeps
    token: str
    store: MemoryStore


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    tokens = SQLiteTokens.in_data_dir(tmp_path)
    store = MemoryStore(
        [*nps_responses([10, 10, 9, 7, 3]), response(99, {"recommend": 0}, at=datetime(2027, 1, 5, tzinfo=UTC))]
    )
    deps = ReportDeps(Manifests(manifest()), store, tokens, InlineDelivery())
    return Setup(deps, issue_token(tokens, SURVEY), store)


def event(token: str | None, query: dict[str, str] | None = None, survey: str = SURVEY) -> dict[str, Any]:
    e = copy.deepcopy(EVENT)
    e["rawPath"] = e["requestContext"]["http"]["path"] = f"/v1/surveys/{survey}/report"
    e["pathParameters"] = {"id": survey}
    if token is None:
        del e["headers"]["authorization"]
    else:
        e["headers"]["authorization"] = f"Bearer {token}"
    if query is not None:
        e["queryStringParameters"] = query
        e["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    return e


def body_of(answer: dict[str, Any]) -> bytes:
    body = answer.get("body") or ""
    return base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode("utf-8")


def test_committed_event_with_the_right_token_gets_the_json_report(setup: Setup) -> None:
    answer = handle(event(setup.token), None, setup.deps)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert answer["headers"]["Cache-Control"] == "no-store"
    document = json.loads(body_of(answer))
    assert document["responses"] == 5, "from=2026-11-01&to=2026-12-31 leaves out the January response"
    assert document["questions"]["recommend"]["score"] == pytest.approx(40.0)
    assert document["filters"] == {"from": "2026-11-01", "to": "2026-12-31", "touchpoint": None, "lang": None}
    since, until = setup.store.asked[-1]
    assert since == datetime(2026, 10, 31, 22, tzinfo=UTC) and until == datetime(2026, 12, 31, 22, tzinfo=UTC)


def test_no_token_is_401_with_a_bearer_challenge(setup: Setup) -> None:
    answer = handle(event(None), None, setup.deps)
    assert answer["statusCode"] == 401
    assert answer["headers"]["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in json.loads(body_of(answer))["error"]


def test_a_wrong_or_malformed_token_is_403_or_401(setup: Setup) -> None:
    assert handle(event("väärä-avain"), None, setup.deps)["statusCode"] == 403
    wrong_scheme = event(None)
    wrong_scheme["headers"]["authorization"] = f"Basic {setup.token}"
    assert handle(wrong_scheme, None, setup.deps)["statusCode"] == 401


def test_a_token_of_another_survey_is_403(setup: Setup) -> None:
    other = manifest(id="kahvila-palaute")
    deps = ReportDeps(Manifests(manifest(), other), setup.deps.store, setup.deps.tokens, InlineDelivery())
    assert handle(event(setup.token, {"format": "json"}, survey="kahvila-palaute"), None, deps)["statusCode"] == 403


def test_unknown_survey_is_404(setup: Setup) -> None:
    answer = handle(event(setup.token, survey="ei-ole"), None, setup.deps)
    assert answer["statusCode"] == 404 and "ei-ole" in json.loads(body_of(answer))["error"]


@pytest.mark.parametrize(
    ("query", "parameter", "hint"),
    [
        ({"format": "pdf"}, "format", "html, csv, xlsx, json"),
        ({"from": "2026-02-30"}, "from", "YYYY-MM-DD"),
        ({"touchpoint": "myymala-turku"}, "touchpoint", "myymala-helsinki"),
        ({"lang": "en"}, "lang", "fi, sv"),
        ({"format": "json", "sivu": "2"}, "sivu", "format, from, to, touchpoint, lang"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    setup: Setup, query: dict[str, str], parameter: str, hint: str
) -> None:
    answer = handle(event(setup.token, query), None, setup.deps)
    problem = json.loads(body_of(answer))
    assert answer["statusCode"] == 400
    assert problem["parameter"] == parameter and hint in problem["error"]


def test_html_is_answered_inline_with_a_file_name(setup: Setup) -> None:
    answer = handle(event(setup.token, {}), None, setup.deps)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert answer["headers"]["Content-Disposition"].startswith('inline; filename="lahikauppa-palaute-report-')
    assert b'<html lang="fi">' in body_of(answer)


def test_csv_and_xlsx_are_answered_as_attachments(setup: Setup) -> None:
    answer = handle(event(setup.token, {"format": "csv", "touchpoint": "myymala-helsinki"}), None, setup.deps)
    assert answer["headers"]["Content-Disposition"].startswith("attachment; filename=")
    assert body_of(answer).decode("utf-8-sig").count("\n") == 1 + 6
    answer = handle(event(setup.token, {"format": "xlsx"}), None, setup.deps)
    assert load_workbook(io.BytesIO(body_of(answer))).sheetnames == ["Summary", "Responses"]


@pytest.fixture
def aws(aws_credentials: str) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="palaute-reports", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
        yield client


def test_on_aws_the_file_goes_to_s3_and_the_answer_redirects_to_a_presigned_link(setup: Setup, aws: Any) -> None:
    deps = ReportDeps(setup.deps.manifests, setup.deps.store, setup.deps.tokens, S3Delivery(aws, "palaute-reports"))
    answer = handle(event(setup.token, {"format": "xlsx"}), None, deps)
    assert answer["statusCode"] == 302
    location = urlsplit(answer["headers"]["Location"])
    key = location.path.lstrip("/").removeprefix("palaute-reports/")
    assert key.startswith(f"downloads/{SURVEY}/") and key.endswith(".xlsx")
    query = parse_qs(location.query)
    assert "X-Amz-Signature" in query or "Signature" in query
    assert query.get("X-Amz-Expires", ["900"]) == ["900"]
    assert "attachment" in query["response-content-disposition"][0]
    stored = aws.get_object(Bucket="palaute-reports", Key=key)["Body"].read()
    assert load_workbook(io.BytesIO(stored)).sheetnames == ["Summary", "Responses"]


def test_json_stays_inline_even_with_s3_delivery(setup: Setup, aws: Any) -> None:
    deps = ReportDeps(setup.deps.manifests, setup.deps.store, setup.deps.tokens, S3Delivery(aws, "palaute-reports"))
    answer = handle(event(setup.token, {"format": "json"}), None, deps)
    assert answer["statusCode"] == 200 and json.loads(body_of(answer))["survey"] == SURVEY
    assert aws.list_objects_v2(Bucket="palaute-reports").get("KeyCount") == 0


def test_weekly_schedule_refreshes_latest_files_of_weekly_surveys_only(aws: Any) -> None:
    weekly = manifest(report=ReportSettings(schedule="weekly"))
    quiet = manifest(id="kahvila-palaute")
    store = MemoryStore(nps_responses([10, 9, 0]))
    written = publish_latest([weekly, quiet], store, aws, "palaute-reports")
    assert written == [latest_key(SURVEY, f) for f in ("html", "xlsx", "csv")]
    html = aws.get_object(Bucket="palaute-reports", Key=f"reports/{SURVEY}/latest.html")
    assert html["ContentType"] == "text/html; charset=utf-8" and b"Miten onnistuimme?" in html["Body"].read()
    aws.put_object(Bucket="palaute-reports", Key=f"{SURVEY}/form.json", Body=weekly.to_json().encode())
    aws.put_object(Bucket="palaute-reports", Key=f"{SURVEY}/fi/index.html", Body=b"<!doctype html>")
    assert published_surveys(aws, "palaute-reports") == [SURVEY]


@dataclass
class FakeContext:
    function_name: str = "palaute-report"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-north-1:123456789012:function:palaute-report"
    aws_request_id: str = "6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f"


def test_lambda_handler_builds_aws_adapters_from_the_environment(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.dynamodb_store import TABLE_KEYS, DynamoDBStore
    from functions.tokens import TABLE_KEYS as TOKEN_KEYS
    from functions.tokens import DynamoDBTokens

    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
    dynamodb.create_table(TableName="palaute-tokens", BillingMode="PAY_PER_REQUEST", **TOKEN_KEYS)
    aws.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    aws.put_object(Bucket="palaute-site", Key=f"{SURVEY}/form.json", Body=manifest().to_json().encode())
    for item in nps_responses([10, 9, 9, 0]):
        DynamoDBStore(dynamodb, "palaute-responses").put(item)
    token = issue_token(DynamoDBTokens(dynamodb, "palaute-tokens"), SURVEY)
    for name, value in {
        "RESPONSES_TABLE": "palaute-responses",
        "TOKENS_TABLE": "palaute-tokens",
        "REPORTS_BUCKET": "palaute-reports",
        "MANIFEST_BUCKET": "palaute-site",
    }.items():
        monkeypatch.setenv(name, value)
    report_handler.aws_deps.cache_clear()
    report_handler._aws_clients.cache_clear()
    try:
        answer = report_handler.lambda_handler(event(token, {"format": "json"}), FakeContext())  # type: ignore[arg-type]
        assert answer["statusCode"] == 200
        assert json.loads(body_of(answer))["questions"]["recommend"]["score"] == 50.0
        assert report_handler.lambda_handler(event(token, {"format": "csv"}), FakeContext())["statusCode"] == 302  # type: ignore[arg-type]
    finally:
        report_handler.aws_deps.cache_clear()
        report_handler._aws_clients.cache_clear()


def test_scheduled_handler_finds_weekly_surveys_in_the_site_bucket(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.dynamodb_store import TABLE_KEYS, DynamoDBStore

    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
    aws.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    weekly = manifest(report=ReportSettings(schedule="weekly"))
    aws.put_object(Bucket="palaute-site", Key=f"{SURVEY}/form.json", Body=weekly.to_json().encode())
    aws.put_object(Bucket="palaute-site", Key="kahvila-palaute/form.json",
                   Body=manifest(id="kahvila-palaute").to_json().encode())  # fmt: skip
    for item in nps_responses([10, 9, 0]):
        DynamoDBStore(dynamodb, "palaute-responses").put(item)
    for name, value in {"RESPONSES_TABLE": "palaute-responses", "TOKENS_TABLE": "palaute-tokens",
                        "REPORTS_BUCKET": "palaute-reports", "MANIFEST_BUCKET": "palaute-site"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    report_handler.aws_deps.cache_clear()
    report_handler._aws_clients.cache_clear()
    try:
        answer = report_handler.scheduled_handler({"detail-type": "Scheduled Event", "source": "aws.events"},
                                                  FakeContext())  # type: ignore[arg-type]  # fmt: skip
    finally:
        report_handler.aws_deps.cache_clear()
        report_handler._aws_clients.cache_clear()
    assert answer == {"written": [latest_key(SURVEY, f) for f in ("html", "xlsx", "csv")]}
    csv_text = (
        aws.get_object(Bucket="palaute-reports", Key=latest_key(SURVEY, "csv"))["Body"].read().decode("utf-8-sig")
    )
    assert len(csv_text.splitlines()) == 1 + 3
