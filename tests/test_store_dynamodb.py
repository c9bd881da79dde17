"""The AWS response store under moto: sharded keys, exactly-once puts, one survey read in order."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest
from collect_data import NOW, stored
from moto import mock_aws

from functions.dynamodb_store import SHARDS, TABLE_KEYS, DynamoDBStore, response_key, shard_of

REGION = "eu-north-1"


@pytest.fixture
def store(aws_credentials: str) -> Iterator[DynamoDBStore]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
        yield DynamoDBStore(client, "palaute-responses")


def test_one_surveys_responses_spread_over_every_shard() -> None:
    shards = Counter(shard_of(str(uuid.uuid4())) for _ in range(4000))
    assert set(shards) == set(range(SHARDS))
    assert max(shards.values()) < 2 * 4000 / SHARDS  # no shard takes twice its share of a burst


def test_the_item_key_is_survey_and_shard_then_time_and_id() -> None:
    response = stored("5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f")
    pk, sk = response_key(response)
    assert pk == f"sumppi-kaynti#{shard_of(response.response_id):02d}"
    assert sk == "2026-12-03T09:30:00.000000Z#5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"


def test_a_redelivered_response_is_stored_once(store: DynamoDBStore) -> None:
    response = stored("5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f")
    assert store.put(response) is True
    assert store.put(response) is False


def test_a_retry_received_later_is_still_stored_once(store: DynamoDBStore) -> None:
    assert store.put(stored("0b7d4c1e-8f2a-4e6b-9c3d-5a1f7e9b2c4d")) is True
    assert store.put(stored("0b7d4c1e-8f2a-4e6b-9c3d-5a1f7e9b2c4d", NOW + timedelta(seconds=40))) is False
    assert [r.received_at for r in store.responses("sumppi-kaynti")] == [NOW]


def test_responses_from_every_shard_are_merged_in_time_order(store: DynamoDBStore) -> None:
    ids = [str(uuid.uuid4()) for _ in range(120)]
    for minute, response_id in enumerate(reversed(ids)):
        store.put(stored(response_id, NOW + timedelta(minutes=minute)))
    store.put(stored(str(uuid.uuid4()), NOW, survey="tyotyyli"))
    read = list(store.responses("sumppi-kaynti"))
    assert len(read) == 120
    assert [r.received_at for r in read] == sorted(r.received_at for r in read)
    assert len({shard_of(r.response_id) for r in read}) > 1


def test_a_time_window_includes_since_and_excludes_until(store: DynamoDBStore) -> None:
    for minutes in range(6):
        store.put(stored(str(uuid.uuid4()), NOW + timedelta(minutes=minutes)))
    window = store.responses("sumppi-kaynti", since=NOW + timedelta(minutes=2), until=NOW + timedelta(minutes=4))
    assert [r.received_at - NOW for r in window] == [timedelta(minutes=2), timedelta(minutes=3)]


def test_all_responses_skips_the_guard_items(store: DynamoDBStore) -> None:
    store.put(stored(str(uuid.uuid4())))
    store.put(stored(str(uuid.uuid4()), survey="tyotyyli"))
    assert sorted(r.survey for r in store.all_responses()) == ["sumppi-kaynti", "tyotyyli"]
