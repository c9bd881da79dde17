"""A stored response: what the collect function makes durable and the report function reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class StoredResponse(BaseModel):
    """One respondent's validated answers, enriched by the server.

    `tp` is the touchpoint id, `"unknown"` when the link named a touchpoint the survey does
    not have, and None when the respondent came without one. No IP address is ever kept.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: str
    survey: str
    received_at: datetime
    manifest_version: str
    lang: str
    tp: str | None = None
    hidden: dict[str, str] = {}
    answers: dict[str, Any]
    outcome: str | None = None
    score: float | None = None

    def to_json(self) -> str:
        """The stored form: the queue message body, the store's document and an export line."""
        return self.model_dump_json()
