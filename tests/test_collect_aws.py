"""The AWS path under moto's server: API Gateway event → collect → SQS → store worker → DynamoDB, and its failures.

The collect function's own SQS and S3 requests are signed HTTPS without botocore, so moto runs
as a server (`tests/moto_server.py`) that they and the tests' boto3 clients both reach.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from collect_data import cafe_manifest
from moto_server import aws_server_fixture, moto_server_fixture  # noqa: F401  (fixtures)
from scripted_server import ScriptedServer, Step, scripted_fixture  # noqa: F401  (fixture)
from test_collect_handler import form_post, json_post, load_event

from functions.collect.handler import aws_deps, handle
from functions.collect.redrive import redrive
from functions.collect.worker import handle_batch
from functions.dynamodb_store import TABLE_KEYS, DynamoDBStore

REGION = "eu-north-1"
MAX_RECEIVES = 3


class AwsStack:
    """The collect path's resources, as the stack makes them: queue with DLQ, table, manifest bucket."""

    def __init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.dynamodb = boto3.client("dynamodb", region_name=REGION)
        s3 = boto3.client("s3", region_name=REGION)
        self.dlq_url = self.sqs.create_queue(QueueName="palaute-responses-dlq")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)})
        self.queue_url = self.sqs.create_queue(
            QueueName="palaute-responses", Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "0"}
        )["QueueUrl"]
        self.dynamodb.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
        s3.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json", Body=cafe_manifest().to_json().encode())
        self.store = DynamoDBStore(self.dynamodb, "palaute-responses")
        self.deps = aws_deps({**os.environ, "QUEUE_URL": self.queue_url, "MANIFEST_BUCKET": "palaute-site",
                              "SITE_ORIGIN": "https://kysely.sumppi.fi"})  # fmt: skip

    def receive(self, url: str | None = None) -> list[dict[str, Any]]:
        got = self.sqs.receive_message(QueueUrl=url or self.queue_url, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"], AttributeNames=["All"])  # fmt: skip
        return list(got.get("Messages", []))

    def deliver(self, messages: list[dict[str, Any]], store: Any = None) -> dict[str, Any]:
        """What the SQS event source mapping does: invoke the worker, delete what did not fail."""
        result = handle_batch(sqs_event(messages), None, store or self.store)
        failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return result

    def drain(self, store: Any = None, rounds: int = 10) -> None:
        for _ in range(rounds):
            messages = self.receive()
            if not messages:
                return
            self.deliver(messages, store)

    def items(self) -> list[dict[str, Any]]:
        return list(self.dynamodb.scan(TableName="palaute-responses")["Items"])


def sqs_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    template = json.loads(json.dumps(load_event("sqs_responses")["Records"][0]))
    records = []
    for message in messages:
        record = dict(template)
        record.update(messageId=message["MessageId"], receiptHandle=message["ReceiptHandle"], body=message["Body"],
                      md5OfBody=message["MD5OfBody"])  # fmt: skip
        records.append(record)
    return {"Records": records}


@pytest.fixture
def stack(aws_server: str) -> Iterator[AwsStack]:
    yield AwsStack()


VALID = {"recommend": 9, "satisfaction": 5, "visit": "coffee"}


def test_a_json_post_reaches_dynamodb_through_sqs_and_the_worker(stack: AwsStack) -> None:
    response = handle(load_event("collect_json_post"), None, stack.deps)
    assert response["statusCode"] == 202
    stack.drain()
    [stored] = list(stack.store.responses("sumppi-kaynti"))
    assert stored.response_id == "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"
    assert stored.answers["topics"] == ["service", "pastries"]
    guard = [item for item in stack.items() if item["pk"]["S"].startswith("response#")]
    assert guard and guard[0]["item_pk"]["S"].startswith("sumppi-kaynti#")


def test_a_form_post_reaches_dynamodb_too(stack: AwsStack) -> None:
    response = handle(load_event("collect_form_post_base64"), None, stack.deps)
    assert response["statusCode"] == 303
    stack.drain()
    [stored] = list(stack.store.responses("sumppi-kaynti"))
    assert stored.lang == "sv" and stored.answers["visit.other"] == "Köpa presentkort"


def test_the_same_sqs_message_delivered_twice_is_stored_once(stack: AwsStack) -> None:
    handle(json_post({"answers": VALID}), None, stack.deps)
    messages = stack.receive()
    first = handle_batch(sqs_event(messages), None, stack.store)
    second = handle_batch(sqs_event(messages), None, stack.store)
    assert first["batchItemFailures"] == second["batchItemFailures"] == []
    assert len(list(stack.store.responses("sumppi-kaynti"))) == 1
    assert len(stack.items()) == 2  # the response and its guard


def test_a_browser_retry_with_the_same_id_is_stored_once(stack: AwsStack) -> None:
    body = {"response_id": "0b7d4c1e-8f2a-4e6b-9c3d-5a1f7e9b2c4d", "answers": VALID}
    assert handle(json_post(body), None, stack.deps)["statusCode"] == 202
    assert handle(json_post(body), None, stack.deps)["statusCode"] == 202  # later: a new received_at
    stack.drain()
    assert [r.response_id for r in stack.store.responses("sumppi-kaynti")] == [body["response_id"]]


def test_a_response_arrives_in_the_queue_with_its_survey_attribute(stack: AwsStack) -> None:
    assert handle(json_post({"answers": VALID}), None, stack.deps)["statusCode"] == 202
    [message] = stack.receive()
    assert json.loads(message["Body"])["answers"] == VALID
    assert message["MessageAttributes"]["survey"] == {"DataType": "String", "StringValue": "sumppi-kaynti"}


def test_a_queue_that_does_not_exist_is_503_and_the_log_names_the_sqs_error(
    stack: AwsStack, caplog: pytest.LogCaptureFixture
) -> None:
    deps = aws_deps({**os.environ, "QUEUE_URL": stack.queue_url + "-ei-ole", "MANIFEST_BUCKET": "palaute-site",
                     "SITE_ORIGIN": "https://kysely.sumppi.fi"})  # fmt: skip
    response = handle(form_post([("recommend", "8"), ("satisfaction", "4")]), None, deps)
    assert response["statusCode"] == 503
    assert "Location" not in response["headers"]
    assert stack.receive() == []
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records
                       if record.name == "collect")  # fmt: skip
    assert "AWS.SimpleQueueService.NonExistentQueue (HTTP 400): The specified queue does not exist" in logged
    assert "AWS4-HMAC-SHA256" not in logged and "recommend" not in logged  # no signature, no answers


def test_sqs_failing_on_every_attempt_is_503_and_nothing_is_claimed(
    stack: AwsStack,
    scripted: ScriptedServer,
) -> None:
    unavailable = Step(503, b'{"__type":"com.amazonaws.sqs#ServiceUnavailable","message":"try later"}')
    scripted.answer(unavailable, unavailable, unavailable)
    deps = aws_deps({**os.environ, "AWS_ENDPOINT_URL_SQS": scripted.url, "QUEUE_URL": stack.queue_url,
                     "MANIFEST_BUCKET": "palaute-site", "SITE_ORIGIN": "https://kysely.sumppi.fi"})  # fmt: skip
    response = handle(form_post([("recommend", "8"), ("satisfaction", "4")]), None, deps)
    assert response["statusCode"] == 503 and response["headers"]["Retry-After"]
    assert len(scripted.seen) == 3
    assert stack.receive() == []


class ThrottledFor:
    """A DynamoDB client that throttles writes of the named responses, as a hot table would."""

    def __init__(self, client: Any, *response_ids: str) -> None:
        self.client = client
        self.response_ids = set(response_ids)

    def transact_write_items(self, **kwargs: Any) -> Any:
        ids = {item["Put"]["Item"].get("response_id", {}).get("S") for item in kwargs["TransactItems"]}
        if ids & self.response_ids:
            error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}
            raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]
        return self.client.transact_write_items(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_throttled_record_fails_alone_in_its_batch(stack: AwsStack) -> None:
    ids = ["11111111-2222-4333-8444-555555555551", "11111111-2222-4333-8444-555555555552",
           "11111111-2222-4333-8444-555555555553"]  # fmt: skip
    for response_id in ids:
        handle(json_post({"response_id": response_id, "answers": VALID}), None, stack.deps)
    messages = stack.receive()
    assert len(messages) == 3
    throttled = DynamoDBStore(ThrottledFor(stack.dynamodb, ids[1]), "palaute-responses")  # type: ignore[arg-type]
    result = stack.deliver(messages, throttled)
    failed_message = next(m["MessageId"] for m in messages if ids[1] in m["Body"])
    assert result["batchItemFailures"] == [{"itemIdentifier": failed_message}]
    assert sorted(r.response_id for r in stack.store.responses("sumppi-kaynti")) == [ids[0], ids[2]]
    stack.drain()  # throttling over: the retried record goes in, the others are not written again
    assert sorted(r.response_id for r in stack.store.responses("sumppi-kaynti")) == sorted(ids)


def test_a_poison_message_ends_in_the_dead_letter_queue(stack: AwsStack) -> None:
    stack.sqs.send_message(QueueUrl=stack.queue_url, MessageBody='{"survey": "sumppi-kaynti", "answers": "rikki"}')
    for _ in range(MAX_RECEIVES + 2):
        messages = stack.receive()
        if messages:
            assert stack.deliver(messages)["batchItemFailures"]
    assert stack.receive() == []
    [parked] = stack.receive(stack.dlq_url)
    assert "rikki" in parked["Body"]


def test_redrive_sends_parked_responses_back_once_the_cause_is_fixed(stack: AwsStack) -> None:
    response_id = "7a3e9c1b-5d2f-4b8a-9e6c-1f4d7b2a8c3e"
    handle(json_post({"response_id": response_id, "answers": VALID}), None, stack.deps)
    throttled = DynamoDBStore(ThrottledFor(stack.dynamodb, response_id), "palaute-responses")  # type: ignore[arg-type]
    stack.drain(throttled, rounds=MAX_RECEIVES + 2)  # the table stays throttled until the message is parked
    assert list(stack.store.responses("sumppi-kaynti")) == []
    result = redrive(stack.sqs, stack.queue_url)
    assert result.moved == 1 and result.dlq_url == stack.dlq_url
    stack.drain()
    assert [r.response_id for r in stack.store.responses("sumppi-kaynti")] == [response_id]
    assert stack.receive(stack.dlq_url) == []


class LambdaContext:
    function_name = "palaute-collect"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:palaute-collect"
    memory_limit_in_mb = 512
    aws_request_id = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    log_group_name = "/aws/lambda/palaute-collect"
    log_stream_name = "2026/12/03/[$LATEST]abc"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def test_the_lambda_entry_points_build_their_clients_from_the_environment(
    stack: AwsStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from functions.collect import handler, worker

    monkeypatch.setenv("QUEUE_URL", stack.queue_url)
    monkeypatch.setenv("MANIFEST_BUCKET", "palaute-site")
    monkeypatch.setenv("SITE_ORIGIN", "https://kysely.sumppi.fi")
    monkeypatch.setenv("RESPONSES_TABLE", "palaute-responses")
    monkeypatch.setattr(handler, "_AWS_DEPS", None)
    monkeypatch.setattr(worker, "_AWS_STORE", None)
    response = handler.lambda_handler(load_event("collect_json_post"), LambdaContext())  # type: ignore[arg-type]
    assert response["statusCode"] == 202
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any("ResponsesAccepted" in metrics and metrics["survey"] == "sumppi-kaynti" for metrics in emitted)
    result = worker.lambda_handler(sqs_event(stack.receive()), LambdaContext())  # type: ignore[arg-type]
    assert result == {"batchItemFailures": []}
    assert [r.response_id for r in stack.store.responses("sumppi-kaynti")] == ["5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"]


def test_a_missing_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUEUE_URL", raising=False)
    with pytest.raises(RuntimeError, match="QUEUE_URL"):
        aws_deps({"MANIFEST_BUCKET": "palaute-site", "SITE_ORIGIN": "https://kysely.sumppi.fi"})
