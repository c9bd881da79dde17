"""Report tokens: shown once, stored only as a hash, rotated by issuing a new one."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from functions.tokens import TABLE_KEYS, DynamoDBTokens, SQLiteTokens, TokenStore, issue_token, token_matches


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path, aws_credentials: str) -> Iterator[TokenStore]:
    if request.param == "sqlite":
        yield SQLiteTokens.in_data_dir(tmp_path / ".palaute")
        return
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(TableName="palaute-tokens", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
        yield DynamoDBTokens(client, "palaute-tokens")


def test_an_issued_token_opens_its_own_survey_only(store: TokenStore) -> None:
    token = issue_token(store, "lahikauppa-palaute")
    assert len(token) >= 43
    assert token_matches(store, "lahikauppa-palaute", token)
    assert not token_matches(store, "kahvila-palaute", token)
    assert not token_matches(store, "lahikauppa-palaute", token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not token_matches(store, "lahikauppa-palaute", "")


def test_issuing_again_rotates_the_token(store: TokenStore) -> None:
    old = issue_token(store, "lahikauppa-palaute")
    new = issue_token(store, "lahikauppa-palaute")
    assert old != new
    assert token_matches(store, "lahikauppa-palaute", new)
    assert not token_matches(store, "lahikauppa-palaute", old)


def test_only_the_sha256_of_the_token_is_stored(store: TokenStore) -> None:
    token = issue_token(store, "lahikauppa-palaute")
    assert store.token_hash("lahikauppa-palaute") == hashlib.sha256(token.encode()).hexdigest()


def test_a_survey_without_a_token_opens_to_no_one(store: TokenStore) -> None:
    assert store.token_hash("lahikauppa-palaute") is None
    assert not token_matches(store, "lahikauppa-palaute", "arvaus")


def test_sqlite_tokens_live_in_the_report_tokens_table_of_the_data_file(tmp_path: Path) -> None:
    token = issue_token(SQLiteTokens.in_data_dir(tmp_path), "lahikauppa-palaute")
    with sqlite3.connect(tmp_path / "palaute.sqlite3") as connection:
        rows = connection.execute("SELECT survey, token_hash FROM report_tokens").fetchall()
    assert rows == [("lahikauppa-palaute", hashlib.sha256(token.encode()).hexdigest())]
    assert token not in (tmp_path / "palaute.sqlite3").read_bytes().decode("latin-1")
