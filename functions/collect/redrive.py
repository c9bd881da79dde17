"""Send responses parked in the dead-letter queue back to the response queue (`palaute redrive`).

A message reaches the DLQ after the store worker failed it `maxReceiveCount` times. Once the
cause is fixed, moving it back lets the worker store it; the store's idempotent put makes a
message that was in fact stored harmless. Each message is sent to the source queue before it
is deleted from the DLQ, so a crash mid-way can duplicate a message but never lose one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageAttributeValueTypeDef

BATCH = 10


@dataclass(frozen=True)
class RedriveResult:
    moved: int
    dlq_url: str


def dead_letter_queue(sqs: SQSClient, queue_url: str) -> str:
    """The DLQ's URL, read from the source queue's redrive policy."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"]).get("Attributes", {})
    policy = attributes.get("RedrivePolicy")
    if not policy:
        raise ValueError(f"{queue_url} has no redrive policy, so it has no dead-letter queue")
    arn = json.loads(policy)["deadLetterTargetArn"]
    _, _, _, _, account, name = arn.split(":", 5)
    return sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]


def redrive(sqs: SQSClient, queue_url: str, dlq_url: str | None = None, limit: int = 10_000) -> RedriveResult:
    """Move up to `limit` messages from the DLQ back to `queue_url`; stops when the DLQ is empty."""
    dlq = dlq_url or dead_letter_queue(sqs, queue_url)
    moved = 0
    while moved < limit:
        got = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=min(BATCH, limit - moved),
                                  WaitTimeSeconds=1, MessageAttributeNames=["All"])  # fmt: skip
        messages = got.get("Messages", [])
        if not messages:
            break
        for message in messages:
            attributes: dict[str, MessageAttributeValueTypeDef] = {
                name: {"DataType": value["DataType"], "StringValue": value["StringValue"]}
                for name, value in message.get("MessageAttributes", {}).items()
                if "StringValue" in value
            }
            sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"], MessageAttributes=attributes)
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return RedriveResult(moved, dlq)
