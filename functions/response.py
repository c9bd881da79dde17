"""A stored response: what the collect function makes durable and the report function reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from msgspec import Struct, field

from functions.decode_errors import where_and_problem

UNKNOWN_TOUCHPOINT = "unknown"
"""`tp` of a response whose link named a touchpoint the survey does not have."""


class StoredResponse(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One respondent's validated answers, enriched by the server.

    `tp` is the touchpoint id, `"unknown"` when the link named a touchpoint the survey does
    not have, and None when the respondent came without one. No IP address is ever kept.

    The fields' order is the stored JSON's key order, which the report's fast path checks
    (`functions/report/documents.py`): add a field at the end, never in between.
    """

    response_id: str
    survey: str
    received_at: datetime
    """RFC 3339; UTC is written as `Z`. Rows written with an offset (or none) still read back."""
    manifest_version: str
    lang: str
    tp: str | None = None
    hidden: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any]
    outcome: str | None = None
    score: float | None = None

    def to_json(self) -> str:
        """The stored form: the queue message body, the store's document and an export line."""
        return _ENCODER.encode(self).decode("utf-8")


class ResponseInvalid(ValueError):
    """Stored or queued JSON that is not a response; `where` is the first wrong field ("" for the whole)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where or 'response'}: {problem}")
        self.where = where
        self.problem = problem


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(StoredResponse)


def parse_response(data: bytes | str) -> StoredResponse:
    """The response in `data` (one stored document, queue message or export line).

    Raises `ResponseInvalid` naming the first wrong field, as `where: problem`.
    """
    try:
        return _DECODER.decode(data)
    except msgspec.ValidationError as err:
        raise ResponseInvalid(*where_and_problem(str(err))) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as err:
        raise ResponseInvalid("", f"Invalid JSON: {err}") from None
