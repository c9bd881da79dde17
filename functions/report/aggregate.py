"""One streaming pass from responses to a `Report`: the pure core every report format shares.

Memory is bounded by questions × (groups + CELLS), never by the number of responses. Groups
are the whole survey, each touchpoint, language, hidden value and ISO week. Each response is
counted once, into the cell (`functions/report/cells.py`) of the responses that share its
touchpoint, language, week and hidden values; cells are folded into their groups at the end (or
whenever there are CELLS of them, or RAW_VALUES distinct answers in all).

Two ways in. `add_lines` takes a block of NDJSON lines decoded into Structs
(`functions/report/shape.py`): the block's times are parsed and its weeks looked up in C, and a
response's answers are counted by a loop written out for the line layout
(`functions/report/counting.py`): one increment per answer, no inner loop. `add` (records) and `add_document` (parsed
JSON of any shape) check each answer in Python and count into the same cells.

Aggregators of consecutive slices of the responses `merge` (for `functions/report/ndjson.py`, which
reads one file in several processes); `exact_merge` says when that equals the one-pass report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any

from msgspec.structs import astuple

from functions.manifest import Manifest, Question
from functions.report.cells import VALUES_PER_BREAKDOWN, Cell, GroupTally
from functions.report.counting import line_counter
from functions.report.filters import NO_TOUCHPOINT, Filters, ResponseRecord, report_zone
from functions.report.model import Breakdowns, Group, Headline, QuestionSummary, Report, Week
from functions.report.shape import layout
from functions.report.tallies import (
    ChoiceTally,
    LikertTally,
    NumberTally,
    ScaleTally,
    Tally,
    TextTally,
    tally_for,
)

__all__ = ["VALUES_PER_BREAKDOWN", "Aggregator", "aggregate", "parse_moment"]

COMMENTS_KEPT = 200
"""Newest free-text answers kept per question; the report also says how many there were in all."""
OVERFLOW = "(other)"
CELLS = 2000
"""Distinct (touchpoint, language, week, hidden values) cells counted at once before folding into groups."""
NUMBER_VALUES_PER_CELL = 100
"""Distinct `number` answers one cell holds (one response at a time) before adding them to its groups."""
RAW_VALUES = 50_000
"""Distinct raw answers held in all cells at once (odd answers, numbers) before they are folded."""
CHECK_EVERY = 4096
"""Responses (one at a time) between two looks at RAW_VALUES; blocks of lines are looked at each."""
ALL = Filters()
HOUR = timedelta(hours=1) - timedelta(microseconds=1)
"""From the start of an hour to its last moment."""
HEADLINE_TYPES = {"nps": "score", "csat": "satisfied_pct", "ces": "mean", "rating": "mean"}
EMPTY: Mapping[str, str] = MappingProxyType({})
RECEIVED_AT, TZINFO = attrgetter("received_at"), attrgetter("tzinfo")
UTC_HOUR = itemgetter(slice(0, 13))
"""The first 13 characters of a UTC time name its hour in every form `fromisoformat` reads."""
LEVEL_TYPES = frozenset({int, float, str, type(None)})
"""A likert level counted as it came (the fold checks it): no boolean, nothing without a hash."""
Admission = Callable[[datetime, str | None, str], bool]
CellKey = tuple[str | None, str, tuple[int, int], Any]
"""(touchpoint, language, ISO week, hidden values: a tuple, a decoded Struct or None)."""


class Aggregator:
    """Feed it responses with `add` (or `add_all`), parsed NDJSON documents with `add_document`, or
    blocks of decoded lines with `add_lines`, then ask for the `report`. Two aggregators of
    consecutive slices of responses `merge` exactly (see `exact_merge`); `order` numbers this
    slice's kept comments (see `Comments`)."""

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
        self.repeated = 0
        """Lines of an export skipped as a response already counted (`functions/report/ndjson.py` sees to it)."""
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.overflowed = False
        """A breakdown pooled values as OVERFLOW: which ones did depends on arrival order."""
        self._weeks: dict[int, tuple[int, int]] = {}
        self._hours: dict[str, tuple[int, int]] = {}
        self._cells: dict[CellKey, Cell] = {}
        self._hidden_names = list(manifest.hidden)
        self._plan()

    def _plan(self) -> None:
        """Per kind of question, what the counting needs: for records and documents by kind, for
        decoded lines by position in the line's layout (`functions/report/shape.py`)."""
        self._layout = lines = layout(self.manifest)
        self._columns = lines.counted + lines.numbers + lines.texts
        column = {qid: index for index, qid in enumerate(self._columns)}
        tallies = self.overall.tallies
        self._scales = [(qid, column[qid]) for qid, t in tallies.items() if isinstance(t, ScaleTally)]
        self._choices = [
            (qid, column[qid], t.other_key, t.other)
            for qid, t in tallies.items()
            if isinstance(t, ChoiceTally) and not t.multi
        ]
        self._multis = [(qid, column[qid]) for qid, t in tallies.items() if isinstance(t, ChoiceTally) and t.multi]
        self._likerts = [(qid, column[qid], list(t.rows)) for qid, t in tallies.items() if isinstance(t, LikertTally)]
        self._likert_ids = frozenset(qid for qid, _index, _rows in self._likerts)
        self._numbers = [(qid, column[qid]) for qid, t in tallies.items() if isinstance(t, NumberTally)]
        self._texts = [(qid, column[qid], t.comments) for qid, t in tallies.items() if isinstance(t, TextTally)]
        numbers_end = len(lines.counted) + len(lines.numbers)
        keepers = {qid: comments for qid, _index, comments in self._texts}
        self._line_texts = [(numbers_end + i, keepers.get(qid)) for i, qid in enumerate(lines.texts)]
        others = {qid: other for qid, _index, _key, other in self._choices}
        texts_end = numbers_end + len(lines.texts)
        self._line_others = [
            (lines.counted.index(qid), texts_end + i, others.get(qid)) for i, qid in enumerate(lines.others)
        ]
        self._line_tail = numbers_end if lines.texts or lines.others else None
        self._line_plan = (lines.width, numbers_end, self._line_tail)
        """The counting loop's layout: the loop itself is made per process (a made function does not pickle)."""

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

    def _hour_week(self, stamp: str, moment: datetime, utc: bool) -> tuple[int, int]:
        """The week of `moment`; remembered for its whole UTC hour when the stamp is UTC and the report
        timezone keeps one offset and one week for all of that hour (so not across a week's end)."""
        week = self._week(moment)
        if utc:
            start = moment.replace(minute=0, second=0, microsecond=0)
            first, last = start.astimezone(self.zone), (start + HOUR).astimezone(self.zone)
            if first.utcoffset() == last.utcoffset() and first.isocalendar()[:2] == last.isocalendar()[:2] == week:
                if len(self._hours) > 10_000:
                    self._hours.clear()
                self._hours[stamp[:13]] = week
        return week

    def _cell(self, key: CellKey) -> Cell:
        """The cell of responses with these traits, new, with the groups it folds into."""
        if len(self._cells) >= CELLS:
            self.fold()
        tp, lang, week, hidden = key
        if hidden is None:
            hidden = (None,) * len(self._hidden_names)
        elif hidden.__class__ is not tuple:
            hidden = astuple(hidden)
        groups = [
            self.overall,
            self._member(self.by_touchpoint, tp or NO_TOUCHPOINT),
            self._member(self.by_language, lang),
        ]
        for values, value in zip(self.by_hidden.values(), hidden, strict=True):
            if value:
                groups.append(self._member(values, value))
        if week not in self.by_week:
            self.by_week[week] = self._group(headline_only=True)
        groups.append(self.by_week[week])
        counted = len(self._layout.counted) + len(self._layout.numbers)
        cell = self._cells[key] = Cell(groups, self._columns, counted)
        return cell

    def fold(self) -> None:
        """Add every cell into its groups and start over: at the end, or when cells grow too many."""
        for cell in self._cells.values():
            cell.fold(self._likert_ids)
        self._cells.clear()

    def _span(self, first: datetime, last: datetime) -> None:
        if self.first is None or first < self.first:
            self.first = first
        if self.last is None or last > self.last:
            self.last = last

    def add_lines(self, lines: list[Any], admits: Admission | None = None) -> None:
        """Decoded lines (`shape.LineShape`) of this survey's responses, counted but for those `admits`
        refuses. The readers leave other surveys' lines out, as they must before they record ids.

        Every time is parsed before anything is counted, so a ValueError (a `received_at` that is no
        time) leaves the aggregator as it was: the reader then finds the line."""
        stamps = list(map(RECEIVED_AT, lines))
        moments = list(map(datetime.fromisoformat, stamps))
        utc = set(map(TZINFO, moments)) == {UTC}
        if not utc:  # naive: the stores write UTC
            moments = [moment if moment.tzinfo else moment.replace(tzinfo=UTC) for moment in moments]
        if admits is not None:
            kept = [
                i
                for i, (line, moment) in enumerate(zip(lines, moments, strict=True))
                if admits(moment, line.tp, line.lang)
            ]
            lines, stamps, moments = [lines[i] for i in kept], [stamps[i] for i in kept], [moments[i] for i in kept]
        if not lines:
            return
        if utc:
            hours = self._hours
            weeks: list[Any] = list(map(hours.get, map(UTC_HOUR, stamps)))
            if None in weeks:  # a new hour: the first of its lines fills the cache for the rest
                for i, week in enumerate(weeks):
                    if week is None:
                        weeks[i] = hours.get(stamps[i][:13]) or self._hour_week(stamps[i], moments[i], True)
        else:
            weeks = list(map(self._week, moments))
        self._span(min(moments), max(moments))
        self._count_lines(lines, weeks, moments)
        self.added += len(lines)
        if sum(cell.size() for cell in self._cells.values()) > RAW_VALUES:
            self.fold()

    def _count_lines(self, lines: list[Any], weeks: list[tuple[int, int]], moments: list[datetime]) -> None:
        """The hot path: per response a cell lookup and one increment per counted answer, in a loop
        written for this layout (`functions/report/counting.py`)."""
        line_counter(*self._line_plan)(
            lines, weeks, moments, self._cells.get, self._cell, self._keep_texts, self.manifest.quiz is not None
        )

    def _keep_texts(self, cell: Cell, answers: tuple[Any, ...], moment: datetime, tp: str | None, lang: str) -> None:
        for position, keeper in self._line_texts:
            value = answers[position]
            if value is True:
                cell.columns[position][True] += 1
            elif isinstance(value, str) and value.strip():
                cell.columns[position][True] += 1
                if keeper is not None:
                    keeper.add_text(value, moment, tp, lang)
        for choice, position, keeper in self._line_others:
            text = answers[position]
            if answers[choice] == "other" and keeper is not None and isinstance(text, str) and text.strip():
                keeper.add_text(text, moment, tp, lang)

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
        moment = parse_moment(stamp)
        week = self._hours.get(stamp[:13]) if stamp[-1:] == "Z" else None  # UTC: 13 characters name the hour
        if week is None:
            week = self._hour_week(stamp, moment, stamp[-1:] == "Z")
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
        """One response of any shape: each answer checked here, counted into the response's cell."""
        self.added += 1
        self._span(moment, moment)
        names = self._hidden_names
        key = (tp, lang, week, (hidden.get(names[0]),) if len(names) == 1 else tuple(map(hidden.get, names)))
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cell(key)
        cell.responses += 1
        if outcome is not None:
            cell.outcomes[outcome] += 1
        columns, get = cell.columns, answers.get
        for qid, index in self._scales:
            value = get(qid)
            if value.__class__ is int:
                columns[index][value] += 1  # out-of-scale values are dropped by the fold
            elif isinstance(value, float) and value.is_integer():
                columns[index][int(value)] += 1
        for qid, index, other_key, others in self._choices:
            value = get(qid)
            if isinstance(value, str):
                columns[index][value] += 1
                if value == "other" and others is not None:
                    text = get(other_key)
                    if isinstance(text, str) and text.strip():
                        others.add_text(text, moment, tp, lang)
        for qid, index in self._multis:
            value = get(qid)
            if isinstance(value, list):
                try:
                    columns[index][tuple(value)] += 1
                except TypeError:  # unhashable items: only option ids (str) count anyway
                    columns[index][tuple(item for item in value if isinstance(item, str))] += 1
        for qid, index, rows in self._likerts:
            value = get(qid)
            if isinstance(value, dict):
                levels = tuple(map(value.get, rows))  # in row order, as a decoded line's
                if not LEVEL_TYPES.issuperset(map(type, levels)):  # True would count as 1; a list has no hash
                    levels = tuple(level if level.__class__ in LEVEL_TYPES else None for level in levels)
                columns[index][levels] += 1
        for qid, index in self._numbers:
            value = get(qid)
            if value.__class__ is int or value.__class__ is float:  # bool is neither; NaN is dropped by the fold
                column = columns[index]
                column[value] += 1
                if len(column) > NUMBER_VALUES_PER_CELL:
                    cell.fold_column(index)
        for qid, index, texts in self._texts:
            value = get(qid)
            if value is True:
                columns[index][True] += 1
            elif isinstance(value, str) and value.strip():
                columns[index][True] += 1
                if texts is not None:
                    texts.add_text(value, moment, tp, lang)
        if not self.added % CHECK_EVERY and sum(cell.size() for cell in self._cells.values()) > RAW_VALUES:
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
        self.repeated += other.repeated
        if other.first is not None and other.last is not None:
            self._span(other.first, other.last)
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
