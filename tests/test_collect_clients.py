"""The collect function's AWS clients: settings read as botocore reads them, no botocore at init, SnapStart primed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from collect_data import cafe_manifest
from moto_server import REGION, aws_server_fixture, moto_server_fixture  # noqa: F401  (fixtures)
from scripted_server import ScriptedServer, Step, scripted_fixture  # noqa: F401  (fixture)
from test_collect_handler import load_event

from functions.aws_environment import CredentialSource, endpoint_override, region
from functions.aws_https import AwsError, Endpoint
from functions.collect.clients import Clients, prime
from functions.queue import QueueUnavailable, SQSQueue
from functions.response import StoredResponse
from functions.s3_manifests import S3Manifests

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_ENV = {"AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "AKIAPALAUTE", "AWS_SECRET_ACCESS_KEY": "salainen"}
RESPONSE = StoredResponse(response_id="5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f", survey="sumppi-kaynti",
                          received_at="2026-12-03T09:30:12Z", manifest_version="v1-7c2e", lang="fi",  # type: ignore[arg-type]
                          answers={"recommend": 9})  # fmt: skip
SENT = b'{"MessageId":"0b3e8c2a","MD5OfMessageBody":"%s"}'


def sqs_reply(body: str) -> Step:
    import hashlib

    return Step(200, SENT % hashlib.md5(body.encode()).hexdigest().encode())


@pytest.fixture
def aws(aws_server: str) -> dict[str, str]:
    """A queue and a bucket holding one published survey, on moto's server."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json", Body=cafe_manifest().to_json().encode())
    return {"QUEUE_URL": boto3.client("sqs").create_queue(QueueName="palaute-responses")["QueueUrl"],
            "MANIFEST_BUCKET": "palaute-site", "SITE_ORIGIN": "https://kysely.sumppi.fi"}  # fmt: skip


def queued(queue_url: str) -> list[dict[str, Any]]:
    got = boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                              MessageAttributeNames=["All"])  # fmt: skip
    return list(got.get("Messages", []))


def test_the_handler_makes_its_clients_at_init_without_importing_botocore() -> None:
    """Only the bare `botocore` package, which Powertools imports to tag its user agent (1 ms)."""
    code = ("import sys, functions.collect.handler as h; print(type(h._AWS_DEPS.queue).__name__, sorted(m for m "
            "in sys.modules if m.startswith(('botocore.', 'boto3', 'urllib3', 's3transfer'))))")  # fmt: skip
    env = {**os.environ, **LAMBDA_ENV, "QUEUE_URL": "https://sqs.eu-north-1.amazonaws.com/123456789012/palaute",
           "MANIFEST_BUCKET": "palaute-site", "SITE_ORIGIN": "https://kysely.sumppi.fi",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SQSQueue", "[]"]


def test_clients_are_made_once_share_one_transport_and_reach_aws(aws: dict[str, str]) -> None:
    clients = Clients()
    assert clients.sqs() is clients.sqs() and clients.s3() is clients.s3()
    assert clients.sqs().transport is clients.s3().transport
    message_id = clients.sqs().send(aws["QUEUE_URL"], RESPONSE.to_json(), {"survey": "sumppi-kaynti"})
    [message] = queued(aws["QUEUE_URL"])
    assert message["MessageId"] == message_id and json.loads(message["Body"])["answers"] == {"recommend": 9}
    assert message["MessageAttributes"]["survey"]["StringValue"] == "sumppi-kaynti"
    assert clients.s3().get("palaute-site", "sumppi-kaynti/form.json") is not None


def test_the_region_is_aws_region_then_aws_default_region() -> None:
    assert region({"AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "eu-west-1"}) == "eu-north-1"
    assert region({"AWS_DEFAULT_REGION": "eu-west-1"}) == "eu-west-1"
    with pytest.raises(RuntimeError, match="AWS_REGION or AWS_DEFAULT_REGION"):
        region({})


def test_endpoint_overrides_are_read_as_botocore_reads_them() -> None:
    both = {"AWS_ENDPOINT_URL_SQS": "http://localhost:4566", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    assert endpoint_override("sqs", both) == Endpoint("http", "localhost", 4566)
    assert endpoint_override("s3", both) == Endpoint("http", "127.0.0.1", 5000)
    assert endpoint_override("s3", {}) is None
    assert endpoint_override("sqs", {**both, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}) is None


def test_without_an_override_the_regional_endpoints_are_used_as_botocore_addresses_them() -> None:
    clients = Clients(LAMBDA_ENV)
    assert clients.sqs().endpoint == Endpoint("https", "sqs.eu-north-1.amazonaws.com")
    assert clients.s3().address("palaute-site", "sumppi-kaynti/form.json") == (
        Endpoint("https", "palaute-site.s3.eu-north-1.amazonaws.com"),
        "/sumppi-kaynti/form.json",
    )
    assert clients.s3().address("palaute.site", "kesä 2026/form.json") == (
        Endpoint("https", "s3.eu-north-1.amazonaws.com"),
        "/palaute.site/kes%C3%A4%202026/form.json",
    )
    assert Clients({**LAMBDA_ENV, "AWS_REGION": "cn-north-1"}).sqs().endpoint.host == "sqs.cn-north-1.amazonaws.com.cn"
    override = Clients({**LAMBDA_ENV, "AWS_ENDPOINT_URL_S3": "http://localhost:4566"}).s3()
    assert override.address("palaute-site", "a/form.json") == (Endpoint("http", "localhost", 4566),
                                                               "/palaute-site/a/form.json")  # fmt: skip


def test_a_session_token_from_the_environment_is_sent_and_signed(scripted: ScriptedServer) -> None:
    scripted.answer(sqs_reply(RESPONSE.to_json()))
    env = {**LAMBDA_ENV, "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2Vj", "AWS_ENDPOINT_URL": scripted.url}
    SQSQueue(Clients(env).sqs(), f"{scripted.url}/123456789012/palaute").send(RESPONSE)
    [seen] = scripted.seen
    assert seen.headers["x-amz-security-token"] == "IQoJb3JpZ2luX2Vj"
    assert seen.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAPALAUTE/")
    assert "x-amz-security-token" in seen.headers["authorization"]
    assert seen.headers["x-amz-target"] == "AmazonSQS.SendMessage"
    assert seen.headers["content-type"] == "application/x-amz-json-1.0"
    assert json.loads(seen.body)["MessageBody"] == RESPONSE.to_json()


@pytest.fixture
def no_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No keys in the environment, no instance metadata, and botocore's config and credentials files in
    an empty folder (returned), so the credential chain finds only what a test writes there."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return tmp_path


def test_without_keys_in_the_environment_botocores_chain_finds_the_profile(
    no_keys: Path, scripted: ScriptedServer
) -> None:
    source = CredentialSource(os.environ)
    assert not source.from_environment
    source.prepare()  # builds the chain, reads nothing yet: the file below is written after it
    (no_keys / "credentials").write_text("[default]\naws_access_key_id = AKIAPROFIILI\naws_secret_access_key = s\n")
    assert source.current().access_key == "AKIAPROFIILI"
    scripted.answer(sqs_reply(RESPONSE.to_json()))
    clients = Clients({"AWS_REGION": REGION, "AWS_ENDPOINT_URL": scripted.url})
    SQSQueue(clients.sqs(), f"{scripted.url}/123456789012/palaute").send(RESPONSE)
    assert scripted.seen[0].headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAPROFIILI/")


@pytest.mark.usefixtures("no_keys")
def test_no_credentials_anywhere_is_queue_unavailable_not_a_crash(scripted: ScriptedServer) -> None:
    queue = SQSQueue(Clients({"AWS_REGION": REGION, "AWS_ENDPOINT_URL": scripted.url}).sqs(), f"{scripted.url}/1/q")
    with pytest.raises(QueueUnavailable, match="NoCredentials"):
        queue.send(RESPONSE)
    assert scripted.seen == []


def test_a_reply_whose_md5_is_not_the_bodys_is_an_error(scripted: ScriptedServer) -> None:
    scripted.answer(sqs_reply("jokin muu viesti"))
    queue = SQSQueue(Clients({**LAMBDA_ENV, "AWS_ENDPOINT_URL": scripted.url}).sqs(), f"{scripted.url}/1/q")
    with pytest.raises(QueueUnavailable, match="MD5Mismatch"):
        queue.send(RESPONSE)


def test_priming_sends_nothing_builds_tls_and_closes_kept_alive_connections(
    scripted: ScriptedServer,
) -> None:
    scripted.answer(sqs_reply(RESPONSE.to_json()), sqs_reply(RESPONSE.to_json()))
    clients = Clients({**LAMBDA_ENV, "AWS_ENDPOINT_URL": scripted.url})
    queue = SQSQueue(clients.sqs(), f"{scripted.url}/123456789012/palaute")
    queue.send(RESPONSE)
    assert clients.transport.open_connections() == 1
    prime(queue, S3Manifests(clients.s3(), "palaute-site"))
    assert clients.transport.open_connections() == 0
    assert clients.transport._tls is not None
    assert len(scripted.seen) == 1  # priming sent nothing
    queue.send(RESPONSE)  # and the queue works as before, on a new connection
    assert scripted.connections == 2


def test_under_snapstart_the_hook_primes_the_clients_and_the_function_still_answers(
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
    assert isinstance(deps.queue, SQSQueue) and deps.queue.client.transport._tls is None
    hooks[0]()
    assert deps.queue.client.transport._tls is not None
    assert queued(aws["QUEUE_URL"]) == []
    assert handler.handle(load_event("collect_json_post"), None, deps)["statusCode"] == 202
    assert len(queued(aws["QUEUE_URL"])) == 1


def test_without_the_snapstart_runtime_nothing_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.collect import handler

    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as off Lambda
    handler._register_snapstart()  # no error, nothing to call


def test_a_credentials_failure_names_itself() -> None:
    error = AwsError("AWS credentials", "NoCredentials", "none in the environment or botocore's chain")
    assert "NoCredentials" in str(error) and "AWS credentials" in str(error)
