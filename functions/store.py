"""The response store port. `SQLiteStore` (local) and `DynamoDBStore` (AWS) implement it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from functions.response import StoredResponse


class ResponseStore(Protocol):
    def put(self, response: StoredResponse) -> bool:
        """Store once by `response_id`: True when new, False when it was already stored."""
        ...

    def responses(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[StoredResponse]:
        """One survey's responses in `received_at` order, streamed (never all in memory)."""
        ...
