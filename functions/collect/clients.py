"""The collect function's AWS clients: SQS and S3 over signed HTTPS, sharing one transport.

botocore would cost 190–270 ms of a cold start (importing `botocore.session` and its loaders,
loading the SQS service model); the function makes two kinds of request, so they are made with
the standard library (`functions/aws_signing.py`, `functions/aws_https.py`), ~40 ms of
imports. Settings come from the environment as botocore reads them (`functions/aws_environment.py`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from functions.aws_environment import CredentialSource, endpoint_override, region
from functions.aws_https import AwsHttps
from functions.s3_objects import S3Objects
from functions.sqs_messages import SQSMessages

if TYPE_CHECKING:
    from functions.queue import SQSQueue
    from functions.s3_manifests import S3Manifests


class Clients:
    """The region, credentials and transport the clients share; each client made once."""

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        self.env = env
        self.region = region(env)
        self.credentials = CredentialSource(env)
        self.transport = AwsHttps()
        self._sqs: SQSMessages | None = None
        self._s3: S3Objects | None = None

    def sqs(self) -> SQSMessages:
        if self._sqs is None:
            self._sqs = SQSMessages(self.transport, self.credentials, self.region, endpoint_override("sqs", self.env))
        return self._sqs

    def s3(self) -> S3Objects:
        if self._s3 is None:
            self._s3 = S3Objects(self.transport, self.credentials, self.region, endpoint_override("s3", self.env))
        return self._s3


def prime(queue: SQSQueue, manifests: S3Manifests | None = None) -> None:
    """Build what the first request would otherwise build, and leave no connection open.

    Run before a SnapStart snapshot. It opens nothing to AWS and asks for no credentials: it
    loads the CA bundle into the TLS context (~50 ms), builds botocore's credential chain when the
    environment has no keys (a SnapStart function's case: ~200 ms of imports), and serialises a
    made-up response into a `SendMessage` body (the response model's first serialisation). Then it
    closes every kept-alive connection, so a restored copy opens its own instead of sharing one
    snapshotted socket with every other copy.
    """
    from functions.response import StoredResponse

    sqs = queue.client
    s3 = manifests.objects if manifests is not None and isinstance(manifests.objects, S3Objects) else None
    clients = [client for client in (sqs, s3) if client is not None]
    for client in clients:
        client.transport.tls_context()
        client.credentials.prepare()
    made_up = StoredResponse(response_id="00000000-0000-4000-8000-000000000000", survey="prime", lang="fi",
                             received_at=datetime.now(UTC), manifest_version="prime", answers={})  # fmt: skip
    sqs.send_message_body(queue.queue_url, made_up.to_json(), {"survey": made_up.survey})
    for client in clients:
        client.transport.close()
