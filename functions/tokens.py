"""Report tokens: the secret a client puts in `Authorization: Bearer …` to read a survey's report.

One token per survey. Issuing a new one rotates it: the old token stops working at once. Only
the SHA-256 of a token is stored, so a copy of the database or table cannot be used to read
reports, and a presented token is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from functions.sqlite_store import DATABASE_NAME

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE_KEYS: dict[str, Any] = {
    "AttributeDefinitions": [{"AttributeName": "survey", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "survey", "KeyType": "HASH"}],
}
"""The key schema of the DynamoDB tokens table (infra and tests create it from this)."""


class TokenStore(Protocol):
    def save(self, survey: str, token_hash: str, issued_at: datetime) -> None:
        """Make `token_hash` the survey's only valid token hash (replacing any earlier one)."""
        ...

    def token_hash(self, survey: str) -> str | None:
        """The stored hash, or None when no token was ever issued for the survey."""
        ...


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store: TokenStore, survey: str, now: datetime | None = None) -> str:
    """A new random token for the survey, returned once and never stored; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    store.save(survey, hash_token(token), now or datetime.now(UTC))
    return token


def token_matches(store: TokenStore, survey: str, presented: str) -> bool:
    stored = store.token_hash(survey)
    if stored is None:
        hmac.compare_digest("0" * 64, hash_token(presented))  # same work either way: no timing hint
        return False
    return hmac.compare_digest(stored, hash_token(presented))


class SQLiteTokens:
    """Tokens in the `report_tokens` table of the local data file, beside the responses."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_data_dir(cls, data: Path) -> SQLiteTokens:
        return cls(data / DATABASE_NAME)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10)) as connection, connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS report_tokens ("
                " survey TEXT PRIMARY KEY, token_hash TEXT NOT NULL, issued_at TEXT NOT NULL)"
            )
            yield connection

    def save(self, survey: str, token_hash: str, issued_at: datetime) -> None:
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO report_tokens (survey, token_hash, issued_at) VALUES (?, ?, ?)"
                " ON CONFLICT (survey) DO UPDATE SET token_hash = excluded.token_hash, issued_at = excluded.issued_at",
                (survey, token_hash, issued_at.isoformat()),
            )

    def token_hash(self, survey: str) -> str | None:
        with self._connection() as connection:
            row = connection.execute("SELECT token_hash FROM report_tokens WHERE survey = ?", (survey,)).fetchone()
        return str(row[0]) if row else None


class DynamoDBTokens:
    """Tokens in a DynamoDB table keyed by `survey` (string partition key, no sort key)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self.client = client
        self.table = table

    def save(self, survey: str, token_hash: str, issued_at: datetime) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={"survey": {"S": survey}, "token_hash": {"S": token_hash}, "issued_at": {"S": issued_at.isoformat()}},
        )

    def token_hash(self, survey: str) -> str | None:
        got = self.client.get_item(TableName=self.table, Key={"survey": {"S": survey}}, ConsistentRead=True)
        value = got.get("Item", {}).get("token_hash", {}).get("S")
        return value if isinstance(value, str) else None
