"""The collect function's AWS clients, made with botocore directly and primed for SnapStart.

boto3 adds nothing the function uses (resources, s3transfer) and costs about 25 ms to import,
so the clients come from one botocore session. Its data loader looks a service up in its own
folder instead of listing all four hundred of botocore's first (twice per client), which is
about a third of making the SQS client.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from botocore.loaders import Loader
from botocore.session import Session

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

    from functions.queue import SQSQueue

SERVICES = ("s3", "sqs")
"""The only services this session can make clients for."""


class ServicesLoader(Loader):
    """botocore's loader, knowing only `services`: `list_available_services` checks their folders alone."""

    def __init__(self, services: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    def list_available_services(self, type_name: str) -> list[str]:
        return sorted(name for name in self.services if self._has(name, type_name))

    def _has(self, service: str, type_name: str) -> bool:
        for root in self.search_paths:
            folder = os.path.join(root, service)
            if os.path.isdir(folder):
                for version in os.listdir(folder):
                    if self.file_loader.exists(os.path.join(folder, version, type_name)):
                        return True
        return False


class Clients:
    """One botocore session; each client is made on first use and kept."""

    def __init__(self) -> None:
        self.session = Session()
        paths = self.session.get_config_variable("data_path")  # AWS_DATA_PATH, as botocore's own loader reads it
        extra = [os.path.expanduser(path) for path in paths.split(os.pathsep)] if paths else []
        self.session.register_component("data_loader", ServicesLoader(SERVICES, extra_search_paths=extra))
        self._sqs: SQSClient | None = None
        self._s3: S3Client | None = None

    def sqs(self) -> SQSClient:
        if self._sqs is None:
            self._sqs = cast("SQSClient", self.session.create_client("sqs"))
        return self._sqs

    def s3(self) -> S3Client:
        if self._s3 is None:
            self._s3 = cast("S3Client", self.session.create_client("s3"))
        return self._s3


def prime(queue: SQSQueue) -> None:
    """Send one made-up response through the queue's client with AWS answered locally.

    Run before a SnapStart snapshot, so what botocore builds on the first call (endpoint rules,
    serialisers, parsers) and pydantic's serialiser for the message are in the snapshot. No
    request leaves the process and nothing is queued.
    """
    from datetime import UTC, datetime

    from botocore.awsrequest import AWSResponse, HTTPHeaders

    from functions.response import StoredResponse

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse(queue.queue_url, 200, HTTPHeaders(), None), {
            "MessageId": "prime",
            "MD5OfMessageBody": "0" * 32,
        }

    events = queue.client.meta.events
    events.register_first("before-call.sqs.SendMessage", cast(Any, answer), unique_id="palaute-prime")
    try:
        queue.send(StoredResponse(response_id="00000000-0000-4000-8000-000000000000", survey="prime",
                                  received_at=datetime.now(UTC), manifest_version="prime", lang="fi",
                                  answers={}))  # fmt: skip
    finally:
        events.unregister("before-call.sqs.SendMessage", unique_id="palaute-prime")
