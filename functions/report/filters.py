"""Which responses a report covers: a date range in the survey's report timezone, a touchpoint, a language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from functions.manifest import Manifest
from functions.response import UNKNOWN_TOUCHPOINT
from functions.store import ResponseStore

NO_TOUCHPOINT = "(none)"
"""Touchpoint key for respondents who came without a touchpoint link (ids never hold parentheses)."""


class ResponseRecord(Protocol):
    """What the report reads from a response: `StoredResponse` fits, and so does any light object.

    The aggregator only needs these attributes, so bulk readers (NDJSON, the benchmark) can skip
    decoding a `StoredResponse` per line and hand over a plain slotted object instead.
    """

    @property
    def response_id(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def lang(self) -> str: ...
    @property
    def tp(self) -> str | None: ...
    @property
    def hidden(self) -> Mapping[str, str]: ...
    @property
    def answers(self) -> Mapping[str, object]: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def score(self) -> float | None: ...


class FilterError(ValueError):
    """A filter the survey cannot have; the message names the parameter and what would be right."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Filters:
    """`start`/`end` are inclusive calendar dates in the report timezone."""

    start: date | None = None
    end: date | None = None
    touchpoint: str | None = None
    lang: str | None = None

    def window(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """[since, until) as aware datetimes: from `start` 00:00 to the midnight after `end`."""
        since = datetime.combine(self.start, time.min, zone) if self.start else None
        until = datetime.combine(self.end + timedelta(days=1), time.min, zone) if self.end else None
        return since, until

    def admission(self, zone: ZoneInfo) -> Callable[[datetime, str | None, str], bool]:
        """The test every report path makes of a response, from when it came (aware), its touchpoint
        and its language: records (`matching`) and parsed rows (`ndjson.document_filter`) alike."""
        since, until = self.window(zone)
        touchpoint, lang = self.touchpoint, self.lang

        def admits(moment: datetime, tp: str | None, response_lang: str) -> bool:
            if (since is not None and moment < since) or (until is not None and moment >= until):
                return False
            if touchpoint is not None and (tp or NO_TOUCHPOINT) != touchpoint:
                return False
            return lang is None or response_lang == lang

        return admits

    def as_json(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "touchpoint": self.touchpoint,
            "lang": self.lang,
        }


def parse_filters(
    manifest: Manifest, start: str | None, end: str | None, touchpoint: str | None, lang: str | None
) -> Filters:
    """Filters from request or command-line text, refusing values this survey cannot match."""
    first, last = _date("from", start), _date("to", end)
    if first and last and first > last:
        raise FilterError("from", f"{first} is after to={last}; give from ≤ to")
    known = [tp.id for tp in manifest.touchpoints] + [UNKNOWN_TOUCHPOINT, NO_TOUCHPOINT]
    if touchpoint and touchpoint not in known:
        raise FilterError(
            "touchpoint", f"{touchpoint!r} is not a touchpoint of {manifest.id}; one of: " + ", ".join(known)
        )
    if lang and lang not in manifest.languages:
        raise FilterError(
            "lang", f"{lang!r} is not a language of {manifest.id}; one of: " + ", ".join(manifest.languages)
        )
    return Filters(first, last, touchpoint or None, lang or None)


def _date(parameter: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(parameter, f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01") from None


def report_zone(manifest: Manifest) -> ZoneInfo:
    return ZoneInfo(manifest.report.timezone)


def matching(responses: Iterable[ResponseRecord], filters: Filters, zone: ZoneInfo) -> Iterator[ResponseRecord]:
    """Responses that pass the filters, lazily (the store may already have applied the dates)."""
    admits = filters.admission(zone)
    for response in responses:
        moment = response.received_at
        if moment.tzinfo is None:  # stored naive: the stores write UTC
            moment = moment.replace(tzinfo=UTC)
        if admits(moment, response.tp, response.lang):
            yield response


def stored_responses(store: ResponseStore, manifest: Manifest, filters: Filters) -> Iterator[ResponseRecord]:
    """The survey's responses from the store, narrowed by date in the store and by the rest here."""
    zone = report_zone(manifest)
    since, until = filters.window(zone)
    return matching(store.responses(manifest.id, since, until), filters, zone)
