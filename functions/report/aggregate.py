"""One streaming pass from responses to a `Report`: the pure core every report format shares.

Memory is bounded by questions × (groups + CELLS), never by the number of responses. Groups
are the whole survey, each touchpoint, language, hidden value and ISO week. The aggregator sees
each response once, counts it into the cell of responses that share its touchpoint, language,
week and hidden values, and forgets it; cells are folded into their groups at the end (or
whenever there are CELLS of them), which costs one count per answer instead of one per group.
`number` questions stay out of cells (their distinct values would make cells heavy) and are
counted straight into each group; the newest comments go straight to the whole survey's list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from functions.manifest import Manifest, Question
from functions.report import stats
from functions.report.filters import NO_TOUCHPOINT, Filters, ResponseRecord, report_zone
from functions.report.model import Breakdowns, Group, Headline, OutcomeSummary, QuestionSummary, Report, Week
from functions.report.tallies import ScaleTally, Tally, tally_for

COMMENTS_KEPT = 200
"""Newest free-text answers kept per question; the report also says how many there were in all."""
VALUES_PER_BREAKDOWN = 50
"""Distinct touchpoints, languages or values of one hidden field broken down at most; the rest pool as OVERFLOW."""
OVERFLOW = "(other)"
CELLS = 2000
"""Distinct (touchpoint, language, week, hidden values) cells counted at once before folding into groups."""
ALL = Filters()
HEADLINE_TYPES = {"nps": "score", "csat": "satisfied_pct", "ces": "mean", "rating": "mean"}


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
                if outcome in self.outcomes or len(self.outcomes) < VALUES_PER_BREAKDOWN:
                    self.outcomes[outcome] = self.outcomes.get(outcome, 0) + count

    def add_outcome(self, outcome: str | None) -> None:
        if self.outcomes is None or outcome is None:
            return
        if outcome in self.outcomes or len(self.outcomes) < VALUES_PER_BREAKDOWN:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

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


Keep = Callable[[Any, ResponseRecord], None]
"""Counts (or keeps) one answer of a response."""


@dataclass
class Route:
    """Where a response with given traits goes: its `cell`, the `groups` the cell folds into, and
    per question the one function that counts an answer (see `_adder`)."""

    cell: GroupTally
    groups: list[GroupTally]
    questions: dict[str, Keep]


class Aggregator:
    """Feed it responses with `add` (or `add_all`), then ask for the `report`."""

    def __init__(self, manifest: Manifest, *, comments_kept: int = COMMENTS_KEPT) -> None:
        self.manifest, self.zone = manifest, report_zone(manifest)
        self.comments_kept = comments_kept
        self.questions: list[Question] = [q for q in manifest.questions if q.answers]
        self.headline = [q for q in self.questions if q.type in HEADLINE_TYPES]
        self.overall = self._group(keep_comments=True)
        self.by_touchpoint: dict[str, GroupTally] = {}
        self.by_language: dict[str, GroupTally] = {}
        self.by_hidden: dict[str, dict[str, GroupTally]] = {name: {} for name in manifest.hidden}
        self.by_week: dict[tuple[int, int], GroupTally] = {}
        self.added = 0
        self._weeks: dict[int, tuple[int, int]] = {}
        self._routes: dict[tuple[str | None, str, tuple[int, int], tuple[str | None, ...]], Route] = {}
        self.first: datetime | None = None
        self.last: datetime | None = None

    def _group(self, keep_comments: bool = False, headline_only: bool = False, cell: bool = False) -> GroupTally:
        """A group's tallies; a cell leaves out `number` questions, whose counts of distinct values
        would make thousands of cells heavy."""
        questions = self.headline if headline_only else self.questions
        if cell:
            questions = [q for q in questions if q.type != "number"]
        tallies: dict[str, Tally] = {}
        for question in questions:
            tally = tally_for(question, self.zone, self.comments_kept if keep_comments else None)
            if tally is not None:
                tallies[question.id] = tally
        return GroupTally(tallies, self.manifest.quiz is not None and not headline_only)

    def _member(self, groups: dict[str, GroupTally], key: str) -> GroupTally:
        group = groups.get(key)
        if group is None:
            if len(groups) >= VALUES_PER_BREAKDOWN:
                key = OVERFLOW
                group = groups.get(key)
            if group is None:
                group = groups[key] = self._group()
        return group

    def _week(self, moment: datetime) -> tuple[int, int]:
        """The ISO (year, week) of a moment in the report timezone, cached per quarter hour."""
        slot = int(moment.timestamp()) // 900
        week = self._weeks.get(slot)
        if week is None:
            if len(self._weeks) > 10_000:
                self._weeks.clear()
            year, number, _ = moment.astimezone(self.zone).isocalendar()
            week = self._weeks[slot] = (year, number)
        return week

    def _route(self, key: tuple[str | None, str, tuple[int, int], tuple[str | None, ...]]) -> Route:
        """The groups a response with these traits belongs to, and per question the tallies to hit."""
        tp, lang, week, hidden = key
        groups = [
            self.overall,
            self._member(self.by_touchpoint, tp or NO_TOUCHPOINT),
            self._member(self.by_language, lang),
        ]
        for (_name, values), value in zip(self.by_hidden.items(), hidden, strict=True):
            if value:
                groups.append(self._member(values, value))
        if week not in self.by_week:
            self.by_week[week] = self._group(headline_only=True)
        groups.append(self.by_week[week])
        cell = self._group(cell=True)
        questions: dict[str, Keep] = {}
        for qid, tally in self.overall.tallies.items():
            if qid in cell.tallies:
                hits: tuple[Keep, ...] = (cell.tallies[qid].hit,)
            else:  # kept out of cells (see _group): counted straight into every group
                hits = tuple(group.tallies[qid].hit for group in groups if qid in group.tallies)
            keep = getattr(tally, "keep", None) if len(hits) == 1 else None
            cell_tally = cell.tallies.get(qid)
            if isinstance(cell_tally, ScaleTally):
                questions[qid] = cell_tally.counter()
            else:
                questions[qid] = _adder(tally.accept, hits, keep)
        route = self._routes[key] = Route(cell, groups, questions)
        return route

    def _fold(self) -> None:
        """Add every cell into its groups and start over: at the end, or when there are too many cells."""
        for route in self._routes.values():
            for group in route.groups:
                group.merge(route.cell)
        self._routes.clear()

    def add(self, response: ResponseRecord) -> None:
        self.added += 1
        moment = response.received_at
        if moment.tzinfo is None:  # stored naive: the stores write UTC
            moment = moment.replace(tzinfo=UTC)
        if self.first is None or moment < self.first:
            self.first = moment
        if self.last is None or moment > self.last:
            self.last = moment
        hidden = response.hidden
        key = (response.tp, response.lang, self._week(moment), tuple(hidden.get(name) for name in self.by_hidden))
        route = self._routes.get(key)
        if route is None:
            if len(self._routes) >= CELLS:
                self._fold()
            route = self._route(key)
        cell = route.cell
        cell.responses += 1
        if response.outcome is not None:
            cell.add_outcome(response.outcome)
        adders = route.questions
        for qid, answer in response.answers.items():
            add = adders.get(qid)
            if add is not None:
                add(answer, response)

    def add_all(self, responses: Iterable[ResponseRecord]) -> Aggregator:
        add = self.add
        for response in responses:
            add(response)
        return self

    def report(self, filters: Filters = ALL, generated_at: datetime | None = None) -> Report:
        moment = (generated_at or datetime.now(UTC)).astimezone(self.zone)
        self._fold()
        overall = self.overall.result(self.manifest)
        return Report(
            survey=self.manifest.id,
            lang=self.manifest.default_language,
            timezone=self.manifest.report.timezone,
            generated_at=moment,
            filters=filters,
            responses=overall.responses,
            first_response=self.first.astimezone(self.zone) if self.first else None,
            last_response=self.last.astimezone(self.zone) if self.last else None,
            overall=overall,
            breakdowns=Breakdowns(
                touchpoint=self._results(self.by_touchpoint, [tp.id for tp in self.manifest.touchpoints]),
                language=self._results(self.by_language, self.manifest.languages),
                hidden={name: self._results(values) for name, values in self.by_hidden.items()},
            ),
            trend=self._trend(),
        )

    def _results(self, groups: dict[str, GroupTally], order: list[str] | None = None) -> dict[str, Group]:
        """Results in the manifest's order where it has one, then alphabetically, the overflow last."""
        rank = {key: i for i, key in enumerate(order or [])}

        def position(key: str) -> tuple[bool, int, str]:
            return (key == OVERFLOW, rank.get(key, len(rank)), key)

        return {key: groups[key].result(self.manifest) for key in sorted(groups, key=position)}

    def _trend(self) -> list[Week]:
        """Every ISO week from the first response to the last, empty weeks included, so charts keep time."""
        if not self.by_week:
            return []
        monday = date.fromisocalendar(*min(self.by_week), 1)
        last = date.fromisocalendar(*max(self.by_week), 1)
        weeks: list[Week] = []
        while monday <= last:
            year, week, _ = monday.isocalendar()
            group = self.by_week.get((year, week))
            weeks.append(
                Week(
                    f"{year}-W{week:02d}",
                    monday,
                    group.responses if group else 0,
                    _headlines(group.result(self.manifest).questions) if group else {},
                )
            )
            monday += timedelta(days=7)
        return weeks


def _adder(accept: Callable[[object], Any], hits: tuple[Keep, ...], keep: Keep | None) -> Keep:
    """One call per answer: check it once, count it in every tally in `hits`, keep its text."""

    def add(answer: object, response: ResponseRecord) -> None:
        value = accept(answer)
        if value is not None:
            for hit in hits:
                hit(value, response)
            if keep is not None:
                keep(value, response)

    return add


def _headlines(questions: dict[str, QuestionSummary]) -> dict[str, Headline]:
    headlines: dict[str, Headline] = {}
    for qid, summary in questions.items():
        measure = HEADLINE_TYPES[summary.type]
        headlines[qid] = Headline(measure, summary.n, getattr(summary, measure))
    return headlines


def aggregate(
    manifest: Manifest,
    responses: Iterable[ResponseRecord],
    filters: Filters = ALL,
    generated_at: datetime | None = None,
) -> Report:
    """The report of `responses` (already filtered), in one pass."""
    return Aggregator(manifest).add_all(responses).report(filters, generated_at)
