"""The response store on AWS: one DynamoDB table (`pk`, `sk` strings), written by the store worker.

Key design, and why:

- A response item lives under `pk = "<survey>#<shard>"`, `sk = "<received_at>#<response_id>"`.
  One partition key takes at most 1,000 write units a second, and a response written in a
  transaction costs two per KB, so a single `pk` per survey would cap a burst near 500/s.
  The shard (0…SHARDS-1, from a hash of the response id) spreads one survey over SHARDS keys:
  16 × 1,000 units gives room for well over 1,000 responses a second, and adaptive capacity
  splits the partitions as they heat up.
- A report still reads one survey in `received_at` order: it queries every shard (each is
  sorted by `sk`, whose timestamp is fixed-width UTC) and merges the sorted streams. A time
  window is a `BETWEEN` on `sk` in every shard, never a scan.
- Exactly once needs more than a conditional put on that item. SQS redelivers the very same
  message (same received_at, same shard, same key), which a condition on the item catches; but a
  browser retry is a second POST, stamped with a new `received_at`, so its item key differs.
  Hence a guard item per response id, `pk = sk = "response#<response_id>"`, written in the
  same transaction as the response with `attribute_not_exists(pk)` on both. The transaction
  makes "guard without response" impossible (a crash between two plain puts would leave a guard
  that makes every redelivery skip a response that was never written). Guards are keyed by
  the response id alone, so they spread evenly and never form a hot key; they also record where
  the response item is, so one respondent's response can be found (and erased) by id.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from functions.response import StoredResponse, parse_response
from functions.timestamps import sortable_utc

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

SHARDS = 16
GUARD = "response#"

TABLE_KEYS: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
}
"""The key schema the table must have (infra and tests create it from this)."""


def shard_of(response_id: str, shards: int = SHARDS) -> int:
    """Stable across processes (unlike `hash()`), so a redelivered message lands on the same key."""
    return int.from_bytes(hashlib.sha256(response_id.encode()).digest()[:4], "big") % shards


def response_key(response: StoredResponse, shards: int = SHARDS) -> tuple[str, str]:
    shard = shard_of(response.response_id, shards)
    return f"{response.survey}#{shard:02d}", f"{sortable_utc(response.received_at)}#{response.response_id}"


class DynamoDBStore:
    def __init__(self, client: DynamoDBClient, table: str, shards: int = SHARDS) -> None:
        self.client = client
        self.table = table
        self.shards = shards

    def put(self, response: StoredResponse) -> bool:
        """True when new; False when this response id was already stored (any shard, any time)."""
        from botocore.exceptions import ClientError

        pk, sk = response_key(response, self.shards)
        guard = {"pk": {"S": GUARD + response.response_id}, "sk": {"S": GUARD + response.response_id},
                 "item_pk": {"S": pk}, "item_sk": {"S": sk}, "survey": {"S": response.survey}}  # fmt: skip
        item = {"pk": {"S": pk}, "sk": {"S": sk}, "survey": {"S": response.survey},
                "response_id": {"S": response.response_id}, "document": {"S": response.to_json()}}  # fmt: skip
        condition = "attribute_not_exists(pk)"
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self.table, "Item": guard, "ConditionExpression": condition}},
                    {"Put": {"TableName": self.table, "Item": item, "ConditionExpression": condition}},
                ]
            )
        except ClientError as err:
            if _already_stored(err):
                return False
            raise
        return True

    def _shard(self, survey: str, shard: int, low: str, high: str) -> Iterator[tuple[str, str]]:
        paginator = self.client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": {"S": f"{survey}#{shard:02d}"}, ":low": {"S": low}, ":high": {"S": high}},
            ProjectionExpression="sk, document",
        )
        for page in pages:
            for item in page.get("Items", []):
                yield item["sk"]["S"], item["document"]["S"]

    def responses(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[StoredResponse]:
        """`since` ≤ received_at < `until`, oldest first."""
        for _, document in self.documents(survey, since, until):
            yield parse_response(document)

    def documents(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[tuple[str, str]]:
        """As `responses`, but each as (response_id, its JSON as stored), unparsed: the report's fast
        path parses it with orjson and checks it itself (`functions/report/documents.py`). Every
        shard is queried and the streams merged."""
        low = sortable_utc(since) if since else "0"
        high = sortable_utc(until) if until else "~"
        streams = [self._shard(survey, shard, low, high) for shard in range(self.shards)]
        for sk, document in heapq.merge(*streams):
            if sk < high:  # BETWEEN is inclusive; `until` is not
                yield sk.partition("#")[2], document

    def all_responses(self) -> Iterator[StoredResponse]:
        """Every stored response, in no particular order (a scan, for export only)."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table, FilterExpression="attribute_exists(document)", ProjectionExpression="document"
        )
        for page in pages:
            for item in page.get("Items", []):
                yield parse_response(item["document"]["S"])


def _already_stored(err: Exception) -> bool:
    """The transaction was cancelled because the guard (or the item) already exists."""
    response: dict[str, Any] = getattr(err, "response", {})
    if response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = response.get("CancellationReasons") or []
    codes = [reason.get("Code") for reason in reasons]
    if codes:
        return "ConditionalCheckFailed" in codes and all(c in ("ConditionalCheckFailed", "None", None) for c in codes)
    return "ConditionalCheckFailed" in str(response.get("Error", {}).get("Message", ""))
