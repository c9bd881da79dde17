"""One streaming pass from responses to a `Report`: the pure core every report format shares.

Memory is bounded by questions × (groups + CELLS), never by the number of responses. Groups
are the whole survey, each touchpoint, language, hidden value and ISO week. The aggregator sees
each response once, counts it into the cell (`Route`) of responses that share its touchpoint,
language, week and hidden values, and forgets it. A cell counts raw answer values: one dict
increment per answer, no call and no check per answer. Cells are folded into their groups at the
end (or whenever there are CELLS of them, or RAW_VALUES distinct values in all): each distinct
value is then checked once (`accept`) and its count added to every group the cell belongs to.
`number` answers can take many values, so a cell hands them on every NUMBER_VALUES_PER_CELL
distinct values; the newest comments go straight to the whole survey's list.

Aggregators of consecutive slices of the responses `merge` (for `functions/report/ndjson.py`, which
reads one file in several processes); `exact_merge` says when that equals the one-pass report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from functions.manifest import Manifest, Question
from functions.report import stats
from functions.report.filters import NO_TOUCHPOINT, Filters, ResponseRecord, report_zone
from functions.report.model import Breakdowns, Group, Headline, OutcomeSummary, QuestionSummary, Report, Week
from functions.report.tallies import (
    ChoiceTally,
    Comments,
    LikertTally,
    NumberTally,
    ScaleTally,
    Tally,
    TextTally,
    tally_for,
)

COMMENTS_KEPT = 200
"""Newest free-text answers kept per question; the report also says how many there were in all."""
VALUES_PER_BREAKDOWN = 50
"""Distinct touchpoints, languages or values of one hidden field broken down at most; the rest pool as OVERFLOW."""
OVERFLOW = "(other)"
CELLS = 2000
"""Distinct (touchpoint, language, week, hidden values) cells counted at once before folding into groups."""
NUMBER_VALUES_PER_CELL = 100
"""Distinct `number` answers one cell holds before adding them to its groups."""
RAW_VALUES = 50_000
"""Distinct raw answer values held in all cells at once (odd answers) before they are folded."""
CHECK_EVERY = 4096
"""Responses between two looks at RAW_VALUES."""
ALL = Filters()
HOUR = timedelta(hours=1) - timedelta(microseconds=1)
"""From the start of an hour to its last moment."""
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


RawCounts = defaultdict[Any, int]
"""How often each raw answer value came in, in one cell (see `Route`)."""
EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Plan:
    """Per kind of question, what the hot loop needs: answer key, then the whole survey's text keepers."""

    scales: list[str]
    choices: list[tuple[str, str, Comments | None]]
    multis: list[str]
    likerts: list[tuple[str, dict[str, int]]]
    numbers: list[str]
    texts: list[tuple[str, Comments | None]]


class Route:
    """One cell: responses that share touchpoint, language, week and hidden values. Per question it
    counts raw answer values (one dict increment per answer); `fold` checks each distinct value once
    and adds its count to every group the cell belongs to."""

    __slots__ = ("choices", "groups", "likerts", "multis", "numbers", "outcomes", "responses", "scales", "texts")

    def __init__(self, groups: list[GroupTally], plan: Plan) -> None:
        self.groups = groups
        self.responses = 0
        self.outcomes: RawCounts = defaultdict(int)
        self.scales = [(qid, _counts()) for qid in plan.scales]
        self.choices = [(qid, _counts(), other, texts) for qid, other, texts in plan.choices]
        self.multis = [(qid, _counts()) for qid in plan.multis]
        self.likerts = [(qid, _counts(), rows) for qid, rows in plan.likerts]
        self.numbers = [(qid, _counts()) for qid in plan.numbers]
        self.texts = [(qid, _counts(), texts) for qid, texts in plan.texts]

    def counts(self) -> Iterator[tuple[str, RawCounts]]:
        for kind in (self.scales, self.choices, self.multis, self.likerts, self.numbers, self.texts):
            for entry in kind:
                yield entry[0], entry[1]

    def size(self) -> int:
        return sum(len(counts) for _qid, counts in self.counts())

    def fold(self) -> None:
        for group in self.groups:
            group.responses += self.responses
            for outcome, times in self.outcomes.items():
                group.add_outcome(outcome, times)
        for qid, counts in self.counts():
            self.fold_question(qid, counts)

    def fold_question(self, qid: str, counts: RawCounts) -> None:
        if counts:
            for group in self.groups:
                tally = group.tallies.get(qid)
                if tally is not None:
                    tally.add_counts(counts)
            counts.clear()


def _counts() -> RawCounts:
    return defaultdict(int)


class Aggregator:
    """Feed it responses with `add` (or `add_all`, or parsed NDJSON documents with `add_document`),
    then ask for the `report`. Two aggregators of consecutive slices of responses `merge` exactly
    (see `exact_merge`); `order` numbers this slice's kept comments (see `Comments`)."""

    def __init__(self, manifest: Manifest, *, comments_kept: int = COMMENTS_KEPT, order: int = 0) -> None:
        self.manifest, self.zone = manifest, report_zone(manifest)
        self.comments_kept, self.order = comments_kept, order
        self.questions: list[Question] = [q for q in manifest.questions if q.answers]
        self.headline = [q for q in self.questions if q.type in HEADLINE_TYPES]
        self.overall = self._group(keep_comments=True)
        self.by_touchpoint: dict[str, GroupTally] = {}
        self.by_language: dict[str, GroupTally] = {}
        self.by_hidden: dict[str, dict[str, GroupTally]] = {name: {} for name in manifest.hidden}
        self.by_week: dict[tuple[int, int], GroupTally] = {}
        self.added = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.overflowed = False
        """A breakdown pooled values as OVERFLOW: which ones did depends on arrival order."""
        self._weeks: dict[int, tuple[int, int]] = {}
        self._hours: dict[str, tuple[int, int]] = {}
        self._routes: dict[tuple[str | None, str, tuple[int, int], tuple[str | None, ...]], Route] = {}
        self._hidden_names = list(manifest.hidden)
        self._plan = self._planned()

    def _planned(self) -> Plan:
        plan = Plan([], [], [], [], [], [])
        for qid, tally in self.overall.tallies.items():
            if isinstance(tally, ScaleTally):
                plan.scales.append(qid)
            elif isinstance(tally, ChoiceTally) and tally.multi:
                plan.multis.append(qid)
            elif isinstance(tally, ChoiceTally):
                plan.choices.append((qid, tally.other_key, tally.other))
            elif isinstance(tally, LikertTally):
                plan.likerts.append((qid, {row: row_tally.high for row, row_tally in tally.rows.items()}))
            elif isinstance(tally, NumberTally):
                plan.numbers.append(qid)
            elif isinstance(tally, TextTally):
                plan.texts.append((qid, tally.comments))
            else:  # pragma: no cover - tally_for makes no other kind
                raise TypeError(f"no hot path for {type(tally).__name__}")
        return plan

    def _group(self, keep_comments: bool = False, headline_only: bool = False) -> GroupTally:
        questions = self.headline if headline_only else self.questions
        tallies: dict[str, Tally] = {}
        for question in questions:
            tally = tally_for(question, self.zone, self.comments_kept if keep_comments else None, self.order)
            if tally is not None:
                tallies[question.id] = tally
        return GroupTally(tallies, self.manifest.quiz is not None and not headline_only)

    def _member(self, groups: dict[str, GroupTally], key: str) -> GroupTally:
        group = groups.get(key)
        if group is None:
            if len(groups) >= VALUES_PER_BREAKDOWN:
                self.overflowed = True
                key = OVERFLOW
                group = groups.get(key)
            if group is None:
                group = groups[key] = self._group()
        return group

    def _week(self, moment: datetime) -> tuple[int, int]:
        """The ISO (year, week) of a moment in the report timezone, cached per quarter hour (every
        zone's offset since 1972, Nepal's +5:45 too, is a whole number of quarter hours)."""
        slot = int(moment.timestamp()) // 900
        week = self._weeks.get(slot)
        if week is None:
            if len(self._weeks) > 10_000:
                self._weeks.clear()
            year, number, _ = moment.astimezone(self.zone).isocalendar()
            week = self._weeks[slot] = (year, number)
        return week

    def _hour_week(self, stamp: str, moment: datetime) -> tuple[int, int]:
        """The week of `moment`; remembered for its whole UTC hour when the stamp is UTC and the report
        timezone keeps one offset and one week for all of that hour (so not across a week's end)."""
        week = self._week(moment)
        if stamp[-1:] == "Z":
            start = moment.replace(minute=0, second=0, microsecond=0)
            first, last = start.astimezone(self.zone), (start + HOUR).astimezone(self.zone)
            if first.utcoffset() == last.utcoffset() and first.isocalendar()[:2] == last.isocalendar()[:2] == week:
                if len(self._hours) > 10_000:
                    self._hours.clear()
                self._hours[stamp[:13]] = week
        return week

    def _route(self, key: tuple[str | None, str, tuple[int, int], tuple[str | None, ...]]) -> Route:
        """The groups a response with these traits belongs to, counted through one new cell."""
        if len(self._routes) >= CELLS:
            self.fold()
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
        route = self._routes[key] = Route(groups, self._plan)
        return route

    def fold(self) -> None:
        """Add every cell into its groups and start over: at the end, or when cells grow too many."""
        for route in self._routes.values():
            route.fold()
        self._routes.clear()

    def add(self, response: ResponseRecord) -> None:
        moment = response.received_at
        if moment.tzinfo is None:  # stored naive: the stores write UTC
            moment = moment.replace(tzinfo=UTC)
        self._add(
            moment, self._week(moment), response.tp, response.lang, response.hidden, response.answers, response.outcome
        )

    def add_document(self, document: Mapping[str, Any]) -> None:
        """One response as parsed JSON (`StoredResponse` JSON, as `palaute export` writes), unvalidated."""
        stamp = document["received_at"]
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:  # naive: the stores write UTC
            moment = moment.replace(tzinfo=UTC)
        week = self._hours.get(stamp[:13]) if stamp[-1:] == "Z" else None  # UTC: 13 characters name the hour
        if week is None:
            week = self._hour_week(stamp, moment)
        self._add(
            moment,
            week,
            document.get("tp"),
            document["lang"],
            document.get("hidden") or EMPTY,
            document.get("answers") or EMPTY,
            document.get("outcome"),
        )

    def _add(
        self,
        moment: datetime,
        week: tuple[int, int],
        tp: str | None,
        lang: str,
        hidden: Mapping[str, str],
        answers: Mapping[str, Any],
        outcome: str | None,
    ) -> None:
        """The hot path: one dict increment per answer into the response's cell, no call per answer."""
        self.added += 1
        if self.first is None or moment < self.first:
            self.first = moment
        if self.last is None or moment > self.last:
            self.last = moment
        names = self._hidden_names
        key = (tp, lang, week, (hidden.get(names[0]),) if len(names) == 1 else tuple(map(hidden.get, names)))
        route = self._routes.get(key)
        if route is None:
            route = self._route(key)
        route.responses += 1
        if outcome is not None:
            route.outcomes[outcome] += 1
        get = answers.get
        for qid, counts in route.scales:
            value = get(qid)
            if value.__class__ is int:
                counts[value] += 1  # out-of-scale values are dropped by the fold
            elif isinstance(value, float) and value.is_integer():
                counts[int(value)] += 1
        for qid, counts, other_key, others in route.choices:
            value = get(qid)
            if isinstance(value, str):
                counts[value] += 1
                if value == "other" and others is not None:
                    text = get(other_key)
                    if isinstance(text, str) and text.strip():
                        others.add_text(text, moment, tp, lang)
        for qid, counts in route.multis:
            value = get(qid)
            if isinstance(value, list):
                try:
                    counts[tuple(value)] += 1
                except TypeError:  # unhashable items: only option ids (str) count anyway
                    counts[tuple(item for item in value if isinstance(item, str))] += 1
        for qid, counts, rows in route.likerts:
            value = get(qid)
            if isinstance(value, dict):
                found = False
                for row, level in value.items():
                    high = rows.get(row)
                    if high is None:
                        continue
                    if level.__class__ is not int:
                        if not isinstance(level, float) or not level.is_integer():
                            continue
                        level = int(level)
                    if 1 <= level <= high:
                        counts[(row, level - 1)] += 1
                        found = True
                if found:
                    counts[None] += 1
        for qid, counts in route.numbers:
            value = get(qid)
            if value.__class__ is int or value.__class__ is float:  # bool is neither; NaN is dropped by the fold
                counts[value] += 1
                if len(counts) > NUMBER_VALUES_PER_CELL:
                    route.fold_question(qid, counts)
        for qid, counts, texts in route.texts:
            value = get(qid)
            if value is True:
                counts[True] += 1
            elif isinstance(value, str) and value.strip():
                counts[True] += 1
                if texts is not None:
                    texts.add_text(value, moment, tp, lang)
        if not self.added % CHECK_EVERY and sum(route.size() for route in self._routes.values()) > RAW_VALUES:
            self.fold()

    def add_all(self, responses: Iterable[ResponseRecord]) -> Aggregator:
        add = self.add
        for response in responses:
            add(response)
        return self

    def merge(self, other: Aggregator) -> Aggregator:
        """Add the counts of an aggregator of the responses right after this one's (same manifest)."""
        self.fold()
        other.fold()
        self.added += other.added
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first = other.first
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last
        self.overflowed = self.overflowed or other.overflowed
        self.overall.merge(other.overall)
        for qid, tally in self.overall.tallies.items():
            if isinstance(tally, ChoiceTally | TextTally):
                tally.merge_texts(other.overall.tallies[qid])  # type: ignore[arg-type]
        _merge_groups(self.by_touchpoint, other.by_touchpoint)
        _merge_groups(self.by_language, other.by_language)
        for name, values in self.by_hidden.items():
            _merge_groups(values, other.by_hidden[name])
        _merge_groups(self.by_week, other.by_week)
        return self

    def exact_merge(self) -> bool:
        """Whether a merge of slices gives exactly the one-pass report: true unless a cap that depends
        on arrival order came into play (over VALUES_PER_BREAKDOWN values in a breakdown, over
        EXTRA_KEYS_CAP unknown options, a `number` question with too many distinct values)."""
        if self.overflowed:
            return False
        breakdowns = [self.by_touchpoint, self.by_language, *self.by_hidden.values()]
        if any(len(groups) >= VALUES_PER_BREAKDOWN for groups in breakdowns):
            return False
        for group in [self.overall, *(g for groups in breakdowns for g in groups.values())]:
            if group.outcomes is not None and len(group.outcomes) >= VALUES_PER_BREAKDOWN:
                return False
            for tally in group.tallies.values():
                if isinstance(tally, ChoiceTally) and len(tally.counts) >= tally.limit:
                    return False
                if isinstance(tally, NumberTally) and tally.values.approximate:
                    return False
        return True

    def report(self, filters: Filters = ALL, generated_at: datetime | None = None) -> Report:
        moment = (generated_at or datetime.now(UTC)).astimezone(self.zone)
        self.fold()
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


def _merge_groups(mine: dict[Any, GroupTally], theirs: dict[Any, GroupTally]) -> None:
    for key, group in theirs.items():
        if key in mine:
            mine[key].merge(group)
        else:
            mine[key] = group


def parse_moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # naive: the stores write UTC


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
