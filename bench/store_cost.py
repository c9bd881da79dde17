"""Store cost: what DynamoDB bills for 1,000 responses, written the way the store worker writes them.

The worker (`functions.collect.worker.handle_batch`) drains SQS batches of 10 into
`DynamoDBStore.put`, against moto. Every DynamoDB call is counted at `provide-client-params`, and
the write request units are worked out from the items in the request with DynamoDB's sizing
rules (attribute names plus values in UTF-8, rounded up to 1 KB per item; a transactional write
costs two units per KB). moto reports no ConsumedCapacity for transactions, and the store does
not ask for it, so the units are computed rather than read back. Redeliveries (10 % of the
messages again, as SQS at-least-once delivery does) are counted separately.

Beside it, computed from the same items: a single conditional PutItem per response, and an
unconditional BatchWriteItem (25 per call), the cheapest ways DynamoDB can take the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/store_cost.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.figures import CannotRun, Figure, Run, main
from bench.synthetic import responses

RESPONSES = 1000
BATCH = 10
REDELIVERED = 0.10
BLOCK = 100
"""Responses per table. moto deep-copies a whole table for every transaction, so one table of
1,000 responses makes the run quadratic (minutes); blocks of 100 in fresh tables cost the same
requests and units, since every put and every redelivery is priced on its own."""


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one DynamoDB attribute value (the rules in the developer guide's item size page)."""
    kind, data = next(iter(value.items()))
    if kind == "S":
        return len(str(data).encode())
    if kind == "N":
        digits = str(data).lstrip("-").replace(".", "").strip("0")
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in data.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in data)
    return len(json.dumps(data))


def item_size(item: dict[str, dict[str, Any]]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


class Meter:
    """Counts DynamoDB calls and the write units their items cost."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.write_units = 0.0
        self.item_sizes: list[int] = []

    def count(self, params: dict[str, Any], model: Any) -> None:
        self.calls[model.name] += 1
        if model.name == "TransactWriteItems":
            for action in params.get("TransactItems", []):
                for body in action.values():
                    if "Item" in body:
                        size = item_size(body["Item"])
                        self.item_sizes.append(size)
                        self.write_units += 2 * math.ceil(size / 1024)
        elif model.name == "PutItem":
            size = item_size(params["Item"])
            self.item_sizes.append(size)
            self.write_units += math.ceil(size / 1024)


class Phases:
    """One `Meter` per phase (first delivery, redelivery, reading back); `phase` says which one counts."""

    def __init__(self) -> None:
        self.meters = {"setup": Meter(), "first": Meter(), "again": Meter(), "read": Meter()}
        self.phase = "setup"

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.meters[self.phase].count(params, model)


def sqs_event(bodies: list[str], start: int) -> dict[str, Any]:
    return {"Records": [{
        "messageId": f"00000000-0000-4000-8000-{start + i:012d}", "receiptHandle": "bench", "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1796290212345"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": "eu-north-1",
        "eventSourceARN": "arn:aws:sqs:eu-north-1:123456789012:palaute-responses",
    } for i, body in enumerate(bodies)]}  # fmt: skip


def _drain(store: Any, bodies: list[str]) -> int:
    """Feed the bodies to the worker in SQS batches; returns how many records it reported failed."""
    from functions.collect.worker import handle_batch

    failed = 0
    for start in range(0, len(bodies), BATCH):
        result = handle_batch(sqs_event(bodies[start : start + BATCH], start), None, store)
        failed += len(result.get("batchItemFailures", []))
    return failed


def measure(run: Run, args: argparse.Namespace) -> None:
    for name, value in (("AWS_DEFAULT_REGION", "eu-north-1"), ("AWS_ACCESS_KEY_ID", "bench"),
                        ("AWS_SECRET_ACCESS_KEY", "bench"), ("POWERTOOLS_LOG_LEVEL", "WARNING")):  # fmt: skip
        os.environ.setdefault(name, value)
    try:
        import boto3
        from moto import mock_aws

        from functions.dynamodb_store import SHARDS, TABLE_KEYS, DynamoDBStore
    except ImportError as err:
        raise CannotRun(f"needs moto and functions.dynamodb_store: {err}") from err
    bodies = [json.dumps(r, ensure_ascii=False) for r in responses(RESPONSES, seed=11)]
    survey = json.loads(bodies[0])["survey"]
    phases, failed, stored = Phases(), 0, 0
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-north-1")
        client.meta.events.register("provide-client-params.dynamodb", phases)
        for start in range(0, RESPONSES, BLOCK):
            block = bodies[start : start + BLOCK]
            table = f"palaute-responses-{start // BLOCK}"
            phases.phase = "setup"
            client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
            store = DynamoDBStore(client, table)
            phases.phase = "first"
            failed += _drain(store, block)
            phases.phase = "again"
            failed += _drain(store, block[: int(len(block) * REDELIVERED)])
            phases.phase = "read"
            stored += sum(1 for _ in store.responses(survey))
    if failed or stored != RESPONSES:
        run.note(f"the worker reported {failed} failed records and {stored} stored responses of {RESPONSES}")
    meters = phases.meters
    _figures(run, meters["first"], meters["again"], int(RESPONSES * REDELIVERED))
    run.add(
        Figure(
            f"  reading a block of {BLOCK} back for a report: requests",
            meters["read"].calls["Query"] / (RESPONSES // BLOCK),
            "",
            note=f"one Query per shard ({SHARDS} shards), paginated by 1 MB",
        )
    )


def _figures(run: Run, first: Meter, repeat: Meter, redelivered: int) -> None:
    per = RESPONSES / 1000
    sizes = first.item_sizes
    responses_only = sizes[1::2]  # each transaction puts the guard, then the response
    run.add(
        Figure(
            "DynamoDB requests per 1,000 responses",
            sum(first.calls.values()) / per,
            "",
            note=", ".join(f"{name} {count}" for name, count in first.calls.items()),
        )
    )
    run.add(
        Figure(
            "write request units per 1,000 responses (computed)",
            first.write_units / per,
            "WRU",
            note=f"guard item ~{sizes[0]} B, response item ~{sum(responses_only) // len(responses_only)} B; "
            "2 items × 2 units (transactional, ≤ 1 KB each)",
        )
    )
    single = sum(math.ceil(s / 1024) for s in responses_only)
    run.add(Figure("  same bytes as one conditional PutItem each (computed)", single / per, "WRU"))
    run.add(
        Figure(
            "  same bytes as BatchWriteItem, 25 per call, no conditions (computed)",
            single / per,
            "WRU",
            note=f"{math.ceil(len(responses_only) / 25) / per:.0f} requests per 1,000",
        )
    )
    run.add(
        Figure(
            f"redelivered duplicates: requests per {redelivered}",
            sum(repeat.calls.values()),
            "",
            note="each a cancelled transaction; its units are not modelled here",
        )
    )


if __name__ == "__main__":
    main("store cost (DynamoDB)", measure)
