"""One running tally per question type: each takes answers one at a time and keeps only counts.

A tally's memory depends on the question (its scale, options, rows), never on how many
responses it has seen; free text keeps the newest `keep` answers in a heap plus a count.
Answers that do not fit the current manifest (an older survey version, a changed scale) are
skipped rather than trusted.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from functions.manifest import Question
from functions.report import stats
from functions.report.filters import ResponseRecord
from functions.report.model import (
    ChoiceSummary,
    Comment,
    CsatSummary,
    LikertSummary,
    NpsSummary,
    NumberSummary,
    QuestionSummary,
    RowSummary,
    ScaleSummary,
    TextSummary,
)

SCALE_DEFAULTS = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5)}
EXTRA_KEYS_CAP = 100
"""Answer values outside the manifest's options kept at most (old survey versions), so memory stays bounded."""


class Tally(Protocol):
    """`accept` checks and normalises an answer once per response (None: skip it); `hit` counts the
    accepted value. The aggregator calls `accept` once and `hit` on every group the response is in."""

    def accept(self, answer: object) -> Any: ...

    def hit(self, value: Any, response: ResponseRecord) -> None: ...

    def merge(self, other: Any) -> None:
        """Add the counts of another tally of the same question (of another slice of responses)."""
        ...

    def summary(self) -> QuestionSummary: ...


def add(tally: Tally, answer: object, response: ResponseRecord) -> None:
    """Count one answer (accept, then hit): for a tally on its own."""
    value = tally.accept(answer)
    if value is not None:
        tally.hit(value, response)


def scale_bounds(question: Question) -> tuple[int, int]:
    low, high = SCALE_DEFAULTS.get(question.type, (1, 5))
    return (
        int(question.min) if question.min is not None else low,
        int(question.max) if question.max is not None else high,
    )


class Comments:
    """The newest `keep` free-text answers (a min-heap on arrival time) and how many there were."""

    def __init__(self, keep: int, zone: ZoneInfo) -> None:
        self.keep, self.zone = keep, zone
        self.heap: list[tuple[datetime, int, Comment]] = []
        self.order = itertools.count()

    def add(self, text: str, response: ResponseRecord) -> None:
        moment = response.received_at
        if len(self.heap) >= self.keep:
            if self.keep == 0 or moment < self.heap[0][0]:
                return
            heapq.heappop(self.heap)
        comment = Comment(text, moment.astimezone(self.zone), response.tp, response.lang)
        heapq.heappush(self.heap, (moment, next(self.order), comment))

    def newest_first(self) -> list[Comment]:
        return [entry[2] for entry in sorted(self.heap, reverse=True)]


class ScaleTally:
    """nps, csat, ces, rating, and each likert row: counts per integer on the scale."""

    __slots__ = ("counts", "high", "low", "type")

    def __init__(self, type_: str, low: int, high: int) -> None:
        self.type, self.low, self.high = type_, low, high
        self.counts = [0] * (high - low + 1)

    def accept(self, answer: object) -> int | None:
        """The answer's index on the scale."""
        if answer.__class__ is not int:
            if not isinstance(answer, float) or not answer.is_integer():
                return None
            answer = int(answer)
        assert isinstance(answer, int)
        return answer - self.low if self.low <= answer <= self.high else None

    def hit(self, index: int, response: ResponseRecord | None = None) -> None:
        self.counts[index] += 1

    def merge(self, other: ScaleTally) -> None:
        counts = self.counts  # in place: `counter` closures hold this very list
        for index, count in enumerate(other.counts):
            counts[index] += count

    def counter(self) -> Callable[[object, ResponseRecord], None]:
        """accept + hit in one call with everything in local variables: the hot path for scales."""
        counts, low, high, accept = self.counts, self.low, self.high, self.accept

        def count(answer: object, response: ResponseRecord) -> None:
            if answer.__class__ is int:
                if low <= answer <= high:
                    counts[answer - low] += 1
            else:
                index = accept(answer)
                if index is not None:
                    counts[index] += 1

        return count

    def by_value(self) -> dict[int, int]:
        return {self.low + i: c for i, c in enumerate(self.counts)}

    def distribution(self) -> dict[str, int]:
        return {str(self.low + i): c for i, c in enumerate(self.counts)}

    def summary(self) -> QuestionSummary:
        counts, n = self.by_value(), sum(self.counts)
        too_few = n < stats.MIN_RESPONSES
        if self.type == "nps":
            f = stats.nps(counts)
            if f is None:
                return NpsSummary(self.type, n, too_few, None, None, None, None, None, self.distribution())
            return NpsSummary(
                self.type,
                n,
                too_few,
                f.score,
                f.promoters,
                f.passives,
                f.detractors,
                f.margin_of_error,
                self.distribution(),
            )
        common = (self.type, n, too_few, stats.mean(counts), stats.median(counts), self.distribution())
        if self.type == "csat":
            return CsatSummary(*common, satisfied_pct=stats.satisfied_pct(counts))
        return ScaleSummary(*common)

    def row(self) -> RowSummary:
        counts = self.by_value()
        return RowSummary(sum(self.counts), stats.mean(counts), stats.median(counts), self.distribution())


class ChoiceTally:
    """single_choice (an option id, or "other" with its text) and multi_choice (a list of ids)."""

    __slots__ = ("counts", "limit", "multi", "n", "other", "other_key", "qtype")

    def __init__(self, question: Question, other: Comments | None) -> None:
        self.qtype, self.multi = question.type, question.type == "multi_choice"
        self.counts = {option.id: 0 for option in question.options}
        if question.other:
            self.counts["other"] = 0
        self.n, self.other, self.other_key = 0, other, question.id + ".other"
        self.limit = len(self.counts) + EXTRA_KEYS_CAP

    def _count(self, option: str, times: int = 1) -> None:
        if option in self.counts or len(self.counts) < self.limit:
            self.counts[option] = self.counts.get(option, 0) + times

    def merge(self, other: ChoiceTally) -> None:
        self.n += other.n
        for option, count in other.counts.items():
            if count:
                self._count(option, count)

    def keep(self, value: str | frozenset[str], response: ResponseRecord) -> None:
        """Keep the "other" text (only the whole-survey tally keeps texts; counting is separate)."""
        if value == "other" and self.other is not None:
            text = response.answers.get(self.other_key)
            if isinstance(text, str) and text.strip():
                self.other.add(text, response)

    def accept(self, answer: object) -> str | frozenset[str] | None:
        if self.multi:
            chosen = frozenset(a for a in answer if isinstance(a, str)) if isinstance(answer, list) else None
            return chosen or None
        return answer if isinstance(answer, str) else None

    def hit(self, value: str | frozenset[str], response: ResponseRecord) -> None:
        self.n += 1
        if isinstance(value, str):
            self._count(value)
            if self.other is not None:
                self.keep(value, response)
            return
        for option in value:
            self._count(option)

    def summary(self) -> QuestionSummary:
        pct = {option: stats.pct(count, self.n) for option, count in self.counts.items()}
        other = self.other.newest_first() if self.other else []
        return ChoiceSummary(
            self.qtype, self.n, self.n < stats.MIN_RESPONSES, dict(self.counts), pct, other, self.counts.get("other", 0)
        )


class LikertTally:
    __slots__ = ("n", "rows")

    def __init__(self, question: Question) -> None:
        high = int(question.max) if question.max is not None else 5
        self.rows = {row.id: ScaleTally("likert", 1, high) for row in question.rows}
        self.n = 0

    def accept(self, answer: object) -> list[tuple[str, int]] | None:
        if not isinstance(answer, dict):
            return None
        found = []
        for row_id, value in answer.items():
            tally = self.rows.get(row_id)
            index = tally.accept(value) if tally is not None else None
            if index is not None:
                found.append((row_id, index))
        return found or None

    def hit(self, value: list[tuple[str, int]], response: ResponseRecord) -> None:
        rows = self.rows
        for row_id, index in value:
            rows[row_id].counts[index] += 1
        self.n += 1

    def merge(self, other: LikertTally) -> None:
        self.n += other.n
        for row_id, tally in self.rows.items():
            tally.merge(other.rows[row_id])

    def summary(self) -> QuestionSummary:
        rows = {row_id: tally.row() for row_id, tally in self.rows.items()}
        return LikertSummary("likert", self.n, self.n < stats.MIN_RESPONSES, rows)


class NumberTally:
    __slots__ = ("high", "low", "n", "total", "values")

    def __init__(self) -> None:
        self.n, self.total = 0, 0.0
        self.low: float | None = None
        self.high: float | None = None
        self.values = stats.BoundedCounts()

    def accept(self, answer: object) -> float | None:
        if isinstance(answer, bool) or not isinstance(answer, int | float) or answer != answer:  # NaN
            return None
        return answer

    def hit(self, answer: float, response: ResponseRecord) -> None:
        self.n += 1
        self.total += answer
        if self.low is None or answer < self.low:
            self.low = answer
        if self.high is None or answer > self.high:
            self.high = answer
        values = self.values
        if values.digits is None and answer in values.counts:  # the common case: a value seen before
            values.counts[answer] += 1
        else:
            values.add(answer)

    def merge(self, other: NumberTally) -> None:
        if other.low is None or other.high is None:
            return
        self.n += other.n
        self.total += other.total
        self.low = other.low if self.low is None else min(self.low, other.low)
        self.high = other.high if self.high is None else max(self.high, other.high)
        for value, count in other.values.counts.items():
            self.values.add(value, count)

    def summary(self) -> QuestionSummary:
        mean = self.total / self.n if self.n else None
        return NumberSummary(
            "number",
            self.n,
            self.n < stats.MIN_RESPONSES,
            mean,
            stats.median(self.values.counts),
            self.low,
            self.high,
            self.values.approximate,
        )


class TextTally:
    """text keeps its newest answers (when `comments` is given); email and consent only count."""

    __slots__ = ("comments", "n", "qtype")

    def __init__(self, qtype: str, comments: Comments | None) -> None:
        self.qtype, self.comments, self.n = qtype, comments, 0

    def accept(self, answer: object) -> str | bool | None:
        if isinstance(answer, str):
            return answer if answer.strip() else None
        return True if answer is True else None

    def hit(self, answer: str | bool, response: ResponseRecord) -> None:
        self.n += 1
        if self.comments is not None and isinstance(answer, str):
            self.comments.add(answer, response)

    def keep(self, answer: str | bool, response: ResponseRecord) -> None:
        """Keep the text without counting it (the count arrives by `merge`)."""
        if self.comments is not None and isinstance(answer, str):
            self.comments.add(answer, response)

    def merge(self, other: TextTally) -> None:
        self.n += other.n

    def summary(self) -> QuestionSummary:
        too_few = self.n < stats.MIN_RESPONSES
        if self.qtype == "text":
            return TextSummary("text", self.n, too_few, self.comments.newest_first() if self.comments else [])
        return QuestionSummary(self.qtype, self.n, too_few)


def tally_for(question: Question, zone: ZoneInfo, keep_comments: int | None) -> Tally | None:
    """A fresh tally; `keep_comments` None means count free text without keeping it (breakdowns)."""

    def keeper() -> Comments | None:
        return Comments(keep_comments, zone) if keep_comments is not None else None

    if question.type in SCALE_DEFAULTS:
        return ScaleTally(question.type, *scale_bounds(question))
    if question.type in ("single_choice", "multi_choice"):
        return ChoiceTally(question, keeper() if question.other else None)
    if question.type == "likert":
        return LikertTally(question)
    if question.type == "number":
        return NumberTally()
    if question.type == "text":
        return TextTally("text", keeper())
    if question.type in ("email", "consent"):
        return TextTally(question.type, None)
    return None
