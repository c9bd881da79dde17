"""Timestamps that sort as text, so stores can order responses by a plain string key."""

from __future__ import annotations

from datetime import UTC, datetime


def sortable_utc(moment: datetime) -> str:
    """`2026-12-01T08:30:00.000000Z`: fixed width, UTC, so string order is time order.

    A naive datetime is taken to be UTC already (the collect function only makes aware ones;
    this keeps an imported file from an older tool from failing for want of a zone).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
