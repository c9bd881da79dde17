"""The response queue port: where the collect function makes a response durable before saying thanks.

On AWS that is SQS (`SQSQueue`); the store worker drains it into DynamoDB. On one machine there
is nothing to drain: `LocalQueue` writes straight to the store and returns only once the write
is committed, so "queued" means "on disk" in both places. Either way `send` returning is the
promise behind a 202, and `QueueUnavailable` is the only failure the handler has to map (to 503).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from functions.response import StoredResponse
from functions.store import ResponseStore

if TYPE_CHECKING:
    from functions.sqs_messages import SQSMessages


class QueueUnavailable(Exception):
    """The response was not made durable; nothing was claimed, the client should retry."""


class ResponseQueue(Protocol):
    def send(self, response: StoredResponse) -> None:
        """Make the response durable, or raise `QueueUnavailable`."""
        ...


class SQSQueue:
    """SQS standard queue. Redelivery and duplicates are fine: the store's put is idempotent.

    The message is the response's JSON with its survey as a message attribute, sent by
    `SQSMessages` (signed HTTPS, retried on throttling and server errors); what still fails
    becomes `QueueUnavailable` naming SQS's error code and message.
    """

    def __init__(self, client: SQSMessages, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def send(self, response: StoredResponse) -> None:
        from functions.aws_https import AwsError

        try:
            self.client.send(self.queue_url, response.to_json(), {"survey": response.survey})
        except AwsError as err:
            raise QueueUnavailable(str(err)) from err


class LocalQueue:
    """The queue step on one machine: a synchronous, committed write to the store.

    Concurrent sends to a `SQLiteStore` share commits (its group commit); each still returns only
    once its own response is committed, and raises `QueueUnavailable` when its batch failed.
    """

    def __init__(self, store: ResponseStore) -> None:
        self.store = store

    def send(self, response: StoredResponse) -> None:
        import sqlite3

        try:
            self.store.put(response)
        except (sqlite3.Error, OSError) as err:
            raise QueueUnavailable(str(err)) from err
