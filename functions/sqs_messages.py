"""SQS `SendMessage` over the AWS JSON 1.0 protocol, signed with SigV4, without botocore.

The request is what botocore sends for SQS (`POST /`, `X-Amz-Target: AmazonSQS.SendMessage`,
`x-amzn-query-mode: true`, the queue named in the body), so errors come back as botocore reads
them: the code in `x-amzn-query-error` (e.g. `AWS.SimpleQueueService.NonExistentQueue`) or
else JSON `__type`, the text in `message`. SQS returns the body's MD5; a mismatch means the
message is not what was sent, and is an error like any other (the store keeps one copy if the
client's retry makes two).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from functions.aws_environment import CredentialSource, dns_suffix
from functions.aws_https import AwsError, AwsHttps, Call, Endpoint, Reply
from functions.aws_signing import Scope, UnsignedRequest, sign

OPERATION = "SQS SendMessage"


def json_error(reply: Reply) -> tuple[str, str]:
    """The (code, message) of an AWS JSON protocol error reply, as botocore parses it."""
    try:
        body = json.loads(reply.body) if reply.body else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("__type") or reply.status).split(":", 1)[0].rsplit("#", 1)[-1]
    query_code = reply.headers.get("x-amzn-query-error", "").split(";")
    if len(query_code) == 2 and query_code[0]:
        code = query_code[0]
    return code, str(body.get("message") or body.get("Message") or "")


class SQSMessages:
    """Sends messages to SQS queues in one region; one kept-alive connection through `transport`."""

    def __init__(
        self, transport: AwsHttps, credentials: CredentialSource, region: str, endpoint: Endpoint | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:  # fmt: skip
        self.transport = transport
        self.credentials = credentials
        self.scope = Scope(region, "sqs")
        self.endpoint = endpoint or Endpoint("https", f"sqs.{region}.{dns_suffix(region)}")
        self.clock = clock

    def send_message_body(self, queue_url: str, body: str, attributes: Mapping[str, str]) -> bytes:
        """The `SendMessage` request body; string message attributes only (all the queue needs)."""
        message = {
            "QueueUrl": queue_url,
            "MessageBody": body,
            "MessageAttributes": {name: {"DataType": "String", "StringValue": value}
                                  for name, value in attributes.items()},
        }  # fmt: skip
        return json.dumps(message, separators=(",", ":")).encode()

    def send(self, queue_url: str, body: str, attributes: Mapping[str, str]) -> str:
        """Queue one message; its SQS message id, or `AwsError`."""
        payload = self.send_message_body(queue_url, body, attributes)
        request = UnsignedRequest("POST", self.endpoint.host, "/", "", {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AmazonSQS.SendMessage",
            "x-amzn-query-mode": "true",
        }, payload)  # fmt: skip
        call = Call(OPERATION, self.endpoint, "POST", "/",
                    lambda: sign(request, self.credentials.current(), self.scope, self.clock()), payload,
                    json_error)  # fmt: skip
        reply = self.transport.send(call)
        if reply.status != 200:
            raise AwsError(OPERATION, *json_error(reply), status=reply.status)
        try:
            sent = json.loads(reply.body)
            message_id, md5 = str(sent["MessageId"]), sent.get("MD5OfMessageBody")
        except (ValueError, KeyError, TypeError) as err:
            raise AwsError(OPERATION, "UnreadableReply", f"SQS answered 200 without a message id ({err})", 200) from err
        if md5 is not None and md5 != hashlib.md5(body.encode(), usedforsecurity=False).hexdigest():
            raise AwsError(OPERATION, "MD5Mismatch", f"SQS stored message {message_id} with another body's MD5", 200)
        return message_id
