"""The collect function's AWS clients under moto: made from one botocore session, primed for SnapStart."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import UnknownServiceError
from collect_data import cafe_manifest
from moto import mock_aws
from test_collect_handler import load_event

from functions.collect.clients import SERVICES, Clients, ServicesLoader, prime
from functions.queue import SQSQueue
from functions.s3_manifests import S3Manifests

REGION = "eu-north-1"


@pytest.fixture
def aws(aws_credentials: str) -> Iterator[dict[str, str]]:
    """A queue and a bucket holding one published survey."""
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json", Body=cafe_manifest().to_json().encode())
        yield {"QUEUE_URL": sqs.create_queue(QueueName="palaute-responses")["QueueUrl"],
               "MANIFEST_BUCKET": "palaute-site", "SITE_ORIGIN": "https://kysely.sumppi.fi"}  # fmt: skip


def queued(queue_url: str) -> list[dict[str, Any]]:
    got = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return list(got.get("Messages", []))


def test_the_loader_knows_only_the_functions_services_and_finds_their_models() -> None:
    loader = ServicesLoader(SERVICES)
    assert loader.list_available_services("service-2") == ["s3", "sqs"]
    assert loader.load_service_model("sqs", "service-2")["metadata"]["serviceId"] == "SQS"
    with pytest.raises(UnknownServiceError):
        loader.load_service_model("dynamodb", "service-2")
    assert ServicesLoader(("sqs", "no-such-service")).list_available_services("service-2") == ["sqs"]


def test_clients_are_made_once_and_reach_aws(aws: dict[str, str]) -> None:
    clients = Clients()
    assert clients.sqs() is clients.sqs() and clients.s3() is clients.s3()
    clients.sqs().send_message(QueueUrl=aws["QUEUE_URL"], MessageBody="{}")
    assert len(queued(aws["QUEUE_URL"])) == 1
    assert clients.s3().get_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json")["Body"].read()


def test_the_s3_client_is_made_on_the_first_manifest_read(aws: dict[str, str]) -> None:
    made: list[int] = []

    def make_client() -> Any:
        made.append(1)
        return boto3.client("s3", region_name=REGION)

    manifests = S3Manifests(None, "palaute-site", make_client=make_client)
    assert made == []
    assert manifests.get("sumppi-kaynti") is not None
    assert manifests.get("ei-ole") is None
    assert made == [1]


def test_s3_manifests_need_a_client_or_a_way_to_make_one() -> None:
    with pytest.raises(ValueError, match="make_client"):
        S3Manifests(None, "palaute-site")


def test_priming_sends_nothing_and_leaves_the_client_as_it_was(aws: dict[str, str]) -> None:
    queue = SQSQueue(Clients().sqs(), aws["QUEUE_URL"])
    prime(queue)
    assert queued(aws["QUEUE_URL"]) == []
    queue.client.send_message(QueueUrl=aws["QUEUE_URL"], MessageBody="{}")  # the stand-in answer is gone again
    assert len(queued(aws["QUEUE_URL"])) == 1


def test_under_snapstart_the_clients_are_ready_before_the_snapshot(
    aws: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.collect import handler

    hooks: list[Callable[[], None]] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = hooks.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    for name, value in aws.items():
        monkeypatch.setenv(name, value)
    deps = handler.aws_deps()
    monkeypatch.setattr(handler, "_AWS_DEPS", deps)
    handler._register_snapstart()
    assert hooks == [handler._before_snapshot]
    assert isinstance(deps.manifests, S3Manifests) and deps.manifests._client is None
    hooks[0]()
    assert deps.manifests._client is not None
    assert queued(aws["QUEUE_URL"]) == []
    assert handler.handle(load_event("collect_json_post"), None, deps)["statusCode"] == 202
    assert len(queued(aws["QUEUE_URL"])) == 1


def test_without_the_snapstart_runtime_nothing_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.collect import handler

    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as off Lambda
    handler._register_snapstart()  # no error, nothing to call
