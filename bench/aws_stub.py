"""An SQS client whose transport answers `SendMessage` in place of AWS, for the collect benchmarks.

Everything up to the wire runs as on Lambda: the response's JSON, the `SendMessage` body, SigV4
signing (a fresh `X-Amz-Date` and signature per message), and reading the reply with its MD5
check. Only the network round trip is gone.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping

from functions.aws_environment import CredentialSource
from functions.aws_https import AwsHttps, Call, Reply
from functions.sqs_messages import SQSMessages

BENCH_ENV = {"AWS_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": "AKIABENCH", "AWS_SECRET_ACCESS_KEY": "bench"}


class AnsweringTransport(AwsHttps):
    """Signs each call as the real transport does (`call.headers()`), then answers it as SQS would."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def _exchange(self, call: Call, headers: dict[str, str]) -> Reply:
        self.calls += 1
        sent = json.loads(call.body)["MessageBody"]
        digest = hashlib.md5(sent.encode(), usedforsecurity=False).hexdigest()
        return Reply(200, {}, b'{"MessageId":"0b3e8c2a-bench","MD5OfMessageBody":"%s"}' % digest.encode())


def stubbed_sqs_messages(env: Mapping[str, str] | None = None) -> SQSMessages:
    """Our SQS client with the answering transport; keys and region from `env` (the benchmark's own by default)."""
    env = env if env is not None else {**BENCH_ENV, **{k: v for k, v in os.environ.items() if k in BENCH_ENV}}
    return SQSMessages(AnsweringTransport(), CredentialSource(env), env.get("AWS_REGION", "eu-north-1"))
