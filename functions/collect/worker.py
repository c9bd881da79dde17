"""The store worker: SQS batches of queued responses into the response store.

Each record is stored on its own; a record that fails (DynamoDB throttled, a body that is not a
response) is reported back in `batchItemFailures`, so SQS retries only that one and the rest of
the batch is not written twice. After the queue's `maxReceiveCount` tries a record lands in the
dead-letter queue, where `palaute redrive` can send it back once the cause is fixed.
Redelivery never duplicates: the store's put is conditional on the response id.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from functions.response import parse_response
from functions.store import ResponseStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="store-worker")


def store_record(store: ResponseStore, record: SQSRecord) -> None:
    response = parse_response(record.body)
    if not store.put(response):
        logger.info("duplicate delivery skipped", extra={"response_id": response.response_id})


def handle_batch(event: dict[str, Any], context: object, store: ResponseStore) -> dict[str, Any]:
    # Every record failing is still a partial-batch answer (all ids listed), not an exception that
    # would make Lambda count an error and retry the batch as a whole.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    result = process_partial_response(
        event=event, record_handler=partial(store_record, store), processor=processor,
        context=context,  # type: ignore[arg-type]
    )  # fmt: skip
    return dict(result)


def aws_store() -> ResponseStore:
    """The DynamoDB store named by RESPONSES_TABLE (as for the report function), its client made once."""
    import boto3

    from functions.dynamodb_store import DynamoDBStore

    table = os.environ.get("RESPONSES_TABLE")
    if not table:
        raise RuntimeError("store worker is missing the RESPONSES_TABLE environment variable")
    return DynamoDBStore(boto3.client("dynamodb"), table)


_AWS_STORE: ResponseStore | None = aws_store() if os.environ.get("RESPONSES_TABLE") else None


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    global _AWS_STORE
    if _AWS_STORE is None:
        _AWS_STORE = aws_store()
    return handle_batch(event, context, _AWS_STORE)
