"""One running tally per question type: each takes answers one at a time and keeps only counts.

A tally's memory depends on the question (its scale, options, rows), never on how many
responses it has seen; free text keeps the newest `keep` answers in a heap plus a count.
Answers that do not fit the current manifest (an older survey version, a changed scale) are
skipped rather than trusted.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
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
    """The aggregator counts raw answers per cell and hands each tally {raw answer: how often}:
    `add_counts` checks each distinct answer once (`accept`: None means skip it) and counts it."""

    def accept(self, answer: object) -> Any: ...

    def add_counts(self, counts: Counts) -> None:
        """Count raw answers given as {answer: how often} (each checked once, with `accept`)."""
        ...

    def merge(self, other: Any) -> None:
        """Add the counts of another tally of the same question (of another slice of responses)."""
        ...

    def summary(self) -> QuestionSummary: ...


Counts = Mapping[Any, int]
"""How often each raw answer value came in (the aggregator counts raw values per cell, then folds)."""


def scale_bounds(question: Question) -> tuple[int, int]:
    low, high = SCALE_DEFAULTS.get(question.type, (1, 5))
    return (
        int(question.min) if question.min is not None else low,
        int(question.max) if question.max is not None else high,
    )


class Comments:
    """The newest `keep` free-text answers (a min-heap on arrival time, then arrival order).

    The heap always holds the `keep` largest (arrival time, order) pairs seen, so two `Comments`
    of consecutive slices of responses merge exactly when the later slice's `order` starts above
    every order of the earlier one (the aggregator passes the slice's byte offset).
    """

    def __init__(self, keep: int, zone: ZoneInfo, order: int = 0) -> None:
        self.keep, self.zone, self.order = keep, zone, order
        self.heap: list[tuple[datetime, int, str, str | None, str]] = []
        """(arrival time, order, text, touchpoint, language): the `Comment` is made when asked for."""

    def add(self, text: str, response: ResponseRecord) -> None:
        self.add_text(text, response.received_at, response.tp, response.lang)

    def add_text(self, text: str, moment: datetime, tp: str | None, lang: str) -> None:
        self.order += 1
        heap = self.heap
        if len(heap) >= self.keep:
            if self.keep == 0 or moment < heap[0][0]:
                return
            heapq.heapreplace(heap, (moment, self.order, text, tp, lang))
        else:
            heapq.heappush(heap, (moment, self.order, text, tp, lang))

    def merge(self, other: Comments) -> None:
        """Keep the newest of both (`other` holds a later slice of responses, see the class)."""
        self.heap = heapq.nlargest(self.keep, self.heap + other.heap)
        heapq.heapify(self.heap)
        self.order = max(self.order, other.order)

    def newest_first(self) -> list[Comment]:
        newest = sorted(self.heap, reverse=True)
        return [Comment(text, moment.astimezone(self.zone), tp, lang) for moment, _order, text, tp, lang in newest]


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

    def merge(self, other: ScaleTally) -> None:
        counts = self.counts
        for index, count in enumerate(other.counts):
            counts[index] += count

    def add_counts(self, counts: Counts) -> None:
        """Fold raw answer counts: each distinct value is checked once, however often it came."""
        tally = self.counts
        for answer, times in counts.items():
            index = self.accept(answer)
            if index is not None:
                tally[index] += times

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

    def merge_texts(self, other: ChoiceTally) -> None:
        if self.other is not None and other.other is not None:
            self.other.merge(other.other)

    def add_counts(self, counts: Counts) -> None:
        """Fold raw answer counts: an option id (single) or a tuple of ids (multi) per key."""
        for answer, times in counts.items():
            value = self.accept(list(answer) if self.multi and isinstance(answer, tuple) else answer)
            if value is None:
                continue
            self.n += times
            if isinstance(value, str):
                self._count(value, times)
            else:
                for option in value:
                    self._count(option, times)

    def accept(self, answer: object) -> str | frozenset[str] | None:
        if self.multi:
            chosen = frozenset(a for a in answer if isinstance(a, str)) if isinstance(answer, list) else None
            return chosen or None
        return answer if isinstance(answer, str) else None

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

    def add_counts(self, counts: Counts) -> None:
        """Fold raw counts keyed by a tuple of the answer's levels in row order (None: row not
        answered); any other key is no likert answer. An answer counts when any of its rows does."""
        rows = list(self.rows.values())
        for levels, times in counts.items():
            if levels.__class__ is not tuple or len(levels) != len(rows):
                continue
            found = False
            for tally, level in zip(rows, levels, strict=True):
                index = tally.accept(level)
                if index is not None:
                    tally.counts[index] += times
                    found = True
            if found:
                self.n += times

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
        self.n = 0
        self.total: int | Fraction = 0
        """Exact, so the mean does not depend on the order answers (or slices) arrive in."""
        self.low: float | None = None
        self.high: float | None = None
        self.values = stats.BoundedCounts()

    def accept(self, answer: object) -> float | None:
        if isinstance(answer, bool) or not isinstance(answer, int | float) or answer != answer:  # NaN
            return None
        return answer

    def add_counts(self, counts: Counts) -> None:
        """Fold raw counts: each distinct number once, with how often it came."""
        values = self.values
        for answer, times in counts.items():
            value = self.accept(answer)
            if value is None:
                continue
            self.n += times
            self.total += value * times if value.__class__ is int else Fraction(value) * times
            if self.low is None or value < self.low:
                self.low = value
            if self.high is None or value > self.high:
                self.high = value
            values.add(value, times)

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
        mean = float(self.total / self.n) if self.n else None
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

    def add_counts(self, counts: Counts) -> None:
        """Free text comes counted under the key True (its texts are kept as they come, see
        `Comments`); consent comes as raw answers, of which only True (or a text) counts."""
        self.n += sum(times for answer, times in counts.items() if self.accept(answer) is not None)

    def merge(self, other: TextTally) -> None:
        self.n += other.n

    def merge_texts(self, other: TextTally) -> None:
        if self.comments is not None and other.comments is not None:
            self.comments.merge(other.comments)

    def summary(self) -> QuestionSummary:
        too_few = self.n < stats.MIN_RESPONSES
        if self.qtype == "text":
            return TextSummary("text", self.n, too_few, self.comments.newest_first() if self.comments else [])
        return QuestionSummary(self.qtype, self.n, too_few)


def tally_for(question: Question, zone: ZoneInfo, keep_comments: int | None, order: int = 0) -> Tally | None:
    """A fresh tally; `keep_comments` None means count free text without keeping it (breakdowns);
    `order` numbers the kept texts from there (see `Comments`)."""

    def keeper() -> Comments | None:
        return Comments(keep_comments, zone, order) if keep_comments is not None else None

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
