"""The AWS transport keeps one connection alive, retries what is worth retrying, and says what went wrong."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from scripted_server import ScriptedServer, Step, scripted_fixture  # noqa: F401  (fixture)

from functions.aws_https import AwsError, AwsHttps, Call, Endpoint, Reply
from functions.sqs_messages import json_error


class Pauses:
    def __init__(self) -> None:
        self.taken: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


def transport(pauses: Pauses, **kwargs: float) -> AwsHttps:
    return AwsHttps(sleep=pauses, jitter=lambda: 1.0, **kwargs)  # type: ignore[arg-type]


def call_to(url: str, signed: list[int] | None = None, error_codes: Callable[[Reply], tuple[str, str]] = json_error,
            ) -> Call:  # fmt: skip
    def headers() -> dict[str, str]:
        if signed is not None:
            signed.append(1)
        return {"Content-Type": "application/x-amz-json-1.0", "Authorization": f"signed-{len(signed or [])}"}

    return Call("SQS SendMessage", Endpoint.from_url(url), "POST", "/", headers, b'{"MessageBody":"kiitos"}',
                error_codes)  # fmt: skip


def sqs_error(status: int, kind: str, message: str) -> Step:
    body = f'{{"__type":"com.amazonaws.sqs#{kind}","message":"{message}"}}'.encode()
    return Step(status, body, {"Content-Type": "application/x-amz-json-1.0"})


def test_one_connection_is_kept_alive_across_calls(scripted: ScriptedServer) -> None:
    scripted.answer(Step(200, b"{}"), Step(200, b"{}"), Step(200, b"{}"))
    https = transport(Pauses())
    for _ in range(3):
        assert https.send(call_to(scripted.url)).status == 200
    assert scripted.connections == 1 and len(scripted.seen) == 3
    assert https.open_connections() == 1


def test_a_kept_alive_connection_the_server_dropped_is_replaced_at_once(scripted: ScriptedServer) -> None:
    scripted.answer(Step(200, b"{}", then_close=True), Step(200, b"{}"))
    pauses = Pauses()
    https = transport(pauses)
    assert https.send(call_to(scripted.url)).status == 200
    assert https.send(call_to(scripted.url)).status == 200
    assert scripted.connections == 2
    assert pauses.taken == []  # not a failure worth a backoff


def test_server_errors_are_retried_with_backoff_and_signed_afresh(scripted: ScriptedServer) -> None:
    scripted.answer(sqs_error(500, "InternalError", "hetki"), sqs_error(503, "ServiceUnavailable", "hetki"),
                    Step(200, b"{}"))  # fmt: skip
    pauses, signed = Pauses(), []
    reply = transport(pauses).send(call_to(scripted.url, signed))
    assert reply.status == 200
    assert pauses.taken == [0.05, 0.1]  # full jitter (here 1.0) × 50 ms × 2^attempt
    assert len(signed) == 3
    assert [seen.headers["authorization"] for seen in scripted.seen] == ["signed-1", "signed-2", "signed-3"]


def test_throttling_is_retried_with_a_longer_backoff(scripted: ScriptedServer) -> None:
    scripted.answer(sqs_error(400, "ThrottlingException", "Rate exceeded"), Step(429, b""), Step(200, b"{}"))
    pauses = Pauses()
    assert transport(pauses).send(call_to(scripted.url)).status == 200
    assert pauses.taken == [1.0, 2.0]


def test_a_client_error_is_never_retried(scripted: ScriptedServer) -> None:
    scripted.answer(sqs_error(400, "InvalidParameterValue", "MessageBody is too long"), Step(200, b"{}"))
    pauses = Pauses()
    reply = transport(pauses).send(call_to(scripted.url))
    assert reply.status == 400 and json_error(reply) == ("InvalidParameterValue", "MessageBody is too long")
    assert len(scripted.seen) == 1 and pauses.taken == []


def test_after_three_failed_attempts_the_last_reply_is_returned(scripted: ScriptedServer) -> None:
    scripted.answer(*[sqs_error(503, "ServiceUnavailable", "hetki")] * 4)
    reply = transport(Pauses()).send(call_to(scripted.url))
    assert reply.status == 503 and len(scripted.seen) == 3


def test_no_attempt_starts_after_the_deadline(scripted: ScriptedServer) -> None:
    scripted.answer(*[sqs_error(503, "ServiceUnavailable", "hetki")] * 3)
    https = transport(Pauses(), deadline=0.01)
    https.jitter = lambda: 1.0  # the first backoff (50 ms) already overruns a 10 ms deadline
    assert https.send(call_to(scripted.url)).status == 503
    assert len(scripted.seen) == 1


def test_a_server_that_does_not_answer_in_time_is_a_connection_error(scripted: ScriptedServer) -> None:
    scripted.answer(*[Step(200, b"{}", pause=0.5)] * 3)
    with pytest.raises(AwsError) as failed:
        transport(Pauses(), read_timeout=0.05).send(call_to(scripted.url))
    assert failed.value.code == "ConnectionError" and "timed out" in failed.value.message
    assert len(scripted.seen) == 3


def test_a_dropped_connection_is_retried_on_a_new_one(scripted: ScriptedServer) -> None:
    scripted.answer(Step(drop=True), Step(200, b"{}"))
    pauses = Pauses()
    assert transport(pauses).send(call_to(scripted.url)).status == 200
    assert scripted.connections == 2 and pauses.taken == [0.05]


def test_nobody_listening_is_a_connection_error_after_three_attempts() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    pauses = Pauses()
    with pytest.raises(AwsError) as failed:
        transport(pauses).send(call_to(f"http://127.0.0.1:{port}"))
    assert failed.value.code == "ConnectionError" and "ConnectionRefusedError" in str(failed.value)
    assert len(pauses.taken) == 2


def test_closing_drops_every_kept_alive_connection(scripted: ScriptedServer) -> None:
    scripted.answer(Step(200, b"{}"), Step(200, b"{}"))
    https = transport(Pauses())
    https.send(call_to(scripted.url))
    https.close()
    assert https.open_connections() == 0
    https.send(call_to(scripted.url))
    assert scripted.connections == 2


def test_an_error_names_the_operation_code_and_status_and_never_the_request() -> None:
    error = AwsError("SQS SendMessage", "AccessDenied", "User is not authorized", 403)
    assert str(error) == "SQS SendMessage failed: AccessDenied (HTTP 403): User is not authorized"


@pytest.mark.parametrize("url", ["sqs.eu-north-1.amazonaws.com", "ftp://localhost", "http://", "http://[::1"])
def test_an_endpoint_url_that_is_not_one_is_named(url: str) -> None:
    with pytest.raises(ValueError, match="AWS endpoint URL"):
        Endpoint.from_url(url)


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)  # fmt: skip
    return tmp_path


@pytest.fixture
def tls_server(certificate: Path) -> Iterator[ScriptedServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server = ScriptedServer(tls=context)
    yield server
    server.stop()


def test_https_is_verified_and_kept_alive(tls_server: ScriptedServer, certificate: Path) -> None:
    tls_server.answer(Step(200, b"{}"), Step(200, b"{}"))
    trusting = ssl.create_default_context(cafile=certificate / "cert.pem")
    https = AwsHttps(sleep=Pauses(), tls=trusting)
    assert tls_server.url.startswith("https://")
    assert https.send(call_to(tls_server.url)).status == 200
    assert https.send(call_to(tls_server.url)).status == 200
    assert tls_server.connections == 1


def test_a_certificate_no_authority_vouches_for_is_refused(tls_server: ScriptedServer) -> None:
    with pytest.raises(AwsError) as failed:
        AwsHttps(sleep=Pauses()).send(call_to(tls_server.url))
    assert failed.value.code == "ConnectionError" and "CERTIFICATE_VERIFY_FAILED" in failed.value.message
    assert tls_server.seen == []
