"""Groups and cells: where the aggregator's counts live between responses and the report.

A group is what the report shows a figure for: the whole survey, a touchpoint, a language, a
hidden value, an ISO week. A cell holds the responses that share all of those at once
(touchpoint, language, week and hidden values), so each response is counted once, into its
cell, and never into its five or so groups. A cell counts raw answers, answer → how often, per
question: one dict increment per answer (`functions/report/counting.py` for decoded lines). `fold` checks each
distinct answer once (the tally's `accept`) and adds its count to every group the cell belongs
to; there are few cells, so the roll-up is cheap.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from msgspec import Struct
from msgspec.structs import astuple

from functions.manifest import Manifest
from functions.report import stats
from functions.report.model import Group, OutcomeSummary
from functions.report.tallies import Tally

VALUES_PER_BREAKDOWN = 50
"""Distinct touchpoints, languages or values of one hidden field broken down at most; the rest pool as OVERFLOW."""


class GroupTally:
    """The running tallies of one group of responses."""

    __slots__ = ("outcomes", "responses", "tallies")

    def __init__(self, tallies: dict[str, Tally], with_outcomes: bool) -> None:
        self.responses = 0
        self.tallies = tallies
        self.outcomes: dict[str, int] | None = {} if with_outcomes else None

    def merge(self, other: GroupTally) -> None:
        """Add another group's counts (its tallies are a superset of this group's)."""
        self.responses += other.responses
        for qid, tally in self.tallies.items():
            if qid in other.tallies:
                tally.merge(other.tallies[qid])
        if self.outcomes is not None and other.outcomes:
            for outcome, count in other.outcomes.items():
                self.add_outcome(outcome, count)

    def add_outcome(self, outcome: str | None, times: int = 1) -> None:
        if self.outcomes is None or outcome is None:
            return
        if outcome in self.outcomes or len(self.outcomes) < VALUES_PER_BREAKDOWN:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + times

    def result(self, manifest: Manifest) -> Group:
        questions = {qid: tally.summary() for qid, tally in self.tallies.items()}
        return Group(self.responses, self.responses < stats.MIN_RESPONSES, questions, self._outcomes(manifest))

    def _outcomes(self, manifest: Manifest) -> OutcomeSummary | None:
        if self.outcomes is None or manifest.quiz is None:
            return None
        counts = {outcome.id: self.outcomes.get(outcome.id, 0) for outcome in manifest.quiz.outcomes}
        counts.update(self.outcomes)
        n = sum(counts.values())
        return OutcomeSummary(n, counts, {key: stats.pct(c, n) for key, c in counts.items()})


class Cell:
    """Responses that share touchpoint, language, week and hidden values: raw counts per answer.

    `columns` holds one {raw answer: how often} per question, in the order of the line layout
    (`functions/report/shape.py`: counted by value, then `number`, then free text, whose column
    counts True for each non-blank answer); `counted` is the first part, counted straight from a
    decoded line (everything but free text)."""

    __slots__ = ("columns", "counted", "groups", "outcomes", "questions", "responses")

    def __init__(self, groups: list[GroupTally], questions: tuple[str, ...], counted: int) -> None:
        self.groups = groups
        self.questions = questions
        self.responses = 0
        self.outcomes: defaultdict[str, int] = defaultdict(int)
        self.columns: list[defaultdict[Any, int]] = [defaultdict(int) for _qid in questions]
        self.counted = self.columns[:counted]

    def size(self) -> int:
        return sum(map(len, self.columns))

    def fold(self, likerts: frozenset[str]) -> None:
        """Add everything into the cell's groups (`likerts`: the likert questions' ids)."""
        for group in self.groups:
            group.responses += self.responses
            for outcome, times in self.outcomes.items():
                group.add_outcome(outcome, times)
        self.responses = 0
        self.outcomes.clear()
        for index, qid in enumerate(self.questions):
            self.fold_column(index, qid in likerts)

    def fold_column(self, index: int, likert: bool = False) -> None:
        raw = self.columns[index]
        if not raw:
            return
        counts: dict[Any, int] = raw
        if likert:  # a decoded likert answer is a Struct: its row levels in row order
            counts = {}
            for answer, times in raw.items():
                key = astuple(answer) if isinstance(answer, Struct) else answer
                counts[key] = counts.get(key, 0) + times
        qid = self.questions[index]
        for group in self.groups:
            tally = group.tallies.get(qid)
            if tally is not None:
                tally.add_counts(counts)
        raw.clear()
