"""What the HTML report shows for each question, as plain text and numbers in the report's language.

The template only lays these out. Every string here is plain text (respondents' answers
included); the template's autoescaping makes them inert, and nothing here is marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from functions.manifest import Manifest, Question
from functions.report import charts
from functions.report.labels import Words
from functions.report.model import (
    ChoiceSummary,
    Comment,
    CsatSummary,
    LikertSummary,
    NpsSummary,
    NumberSummary,
    QuestionSummary,
    ScaleSummary,
    TextSummary,
)


@dataclass(frozen=True)
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Segment:
    label: str
    x: float
    width: float
    tone: str  # css class: detractors, passives, promoters


@dataclass(frozen=True)
class CommentView:
    text: str
    lang: str
    meta: str


@dataclass
class QuestionView:
    id: str
    title: str
    answered: str
    too_few: str | None = None
    headline: str | None = None
    subline: str | None = None
    stack: list[Segment] = field(default_factory=list)
    bars: list[charts.Bar] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comments_title: str | None = None
    comments: list[CommentView] = field(default_factory=list)


class QuestionViews:
    def __init__(self, manifest: Manifest, words: Words) -> None:
        self.manifest, self.w = manifest, words

    def touchpoint(self, key: str | None) -> str:
        tp = self.manifest.touchpoint(key) if key else None
        if tp is not None:
            return self.w.text(tp.label)
        return self.w("no_touchpoint") if key in (None, "(none)") else key or ""

    def comment(self, comment: Comment) -> CommentView:
        meta = f"{self.touchpoint(comment.touchpoint)} · {self.w.moment(comment.received_at)}"
        return CommentView(comment.text, comment.lang, meta)

    def view(self, question: Question, summary: QuestionSummary) -> QuestionView:
        w = self.w
        view = QuestionView(question.id, w.text(question.text), w("answered", n=summary.n))
        if summary.too_few and summary.n and summary.type not in ("text", "email", "consent"):
            view.too_few = w("too_few", n=summary.n)
        if isinstance(summary, NpsSummary):
            self._nps(view, summary)
        elif isinstance(summary, ScaleSummary):
            self._scale(view, summary)
        elif isinstance(summary, ChoiceSummary):
            self._choices(view, question, summary)
        elif isinstance(summary, LikertSummary):
            self._likert(view, question, summary)
        elif isinstance(summary, NumberSummary):
            self._number(view, summary)
        elif isinstance(summary, TextSummary):
            view.comments_title = w("comments", shown=len(summary.comments), n=summary.n)
            view.comments = [self.comment(c) for c in summary.comments]
        elif summary.type in ("email", "consent"):
            view.notes.append(w(summary.type, n=summary.n))
        return view

    def counted(self, caption: str, rows: list[tuple[str, int, float | None]], too_few: bool) -> Table:
        """A table of counts, with shares unless there are too few answers for them to mean much."""
        w = self.w
        if too_few:
            return Table(caption, [w("answer"), w("count")], [[label, str(c)] for label, c, _ in rows])
        return Table(
            caption, [w("answer"), w("count"), w("share")], [[label, str(c), w.percent(p)] for label, c, p in rows]
        )

    def bars(self, rows: list[tuple[str, int, float | None]], too_few: bool) -> list[charts.Bar]:
        if too_few:
            return charts.bars([(label, float(c), str(c)) for label, c, _ in rows])
        return charts.bars([(label, p or 0.0, self.w.percent(p)) for label, _, p in rows], scale_to=100.0)

    def _nps(self, view: QuestionView, s: NpsSummary) -> None:
        w, counts = self.w, {int(k): v for k, v in s.distribution.items()}
        groups = [
            ("detractors", range(0, 7), s.detractors),
            ("passives", range(7, 9), s.passives),
            ("promoters", range(9, 11), s.promoters),
        ]
        rows = [(w(name), sum(counts.get(v, 0) for v in values), share) for name, values, share in groups]
        if s.n and not s.too_few:
            view.headline = f"NPS {w.number(s.score, 0)}"
            view.subline = w("margin", moe=w.number(s.margin_of_error))
            x = 0.0
            for (name, _, share), (label, _, _) in zip(groups, rows, strict=True):
                view.stack.append(Segment(label, x, 4 * (share or 0.0), name))
                x += 4 * (share or 0.0)
        view.tables.append(self.counted(w("nps"), rows, s.too_few))
        view.tables.append(self._distribution(s.distribution))

    def _distribution(self, distribution: dict[str, int]) -> Table:
        return Table(
            self.w("distribution"),
            [self.w("answer"), self.w("count")],
            [[value, str(count)] for value, count in distribution.items()],
        )

    def _scale(self, view: QuestionView, s: ScaleSummary) -> None:
        w, n = self.w, s.n
        if isinstance(s, CsatSummary) and n and not s.too_few:
            view.headline = f"{w('satisfied')}: {w.percent(s.satisfied_pct)}"
        if n:
            view.subline = f"{w('mean')} {w.number(s.mean, 2)} · {w('median')} {w.number(s.median)}"
        rows = [(value, count, 100.0 * count / n if n else None) for value, count in s.distribution.items()]
        view.bars = self.bars(rows, s.too_few)
        view.tables.append(self.counted(w("distribution"), rows, s.too_few))

    def _choices(self, view: QuestionView, question: Question, s: ChoiceSummary) -> None:
        labels = {option.id: self.w.text(option.label) for option in question.options}
        labels["other"] = self.w("other")
        rows = [(labels.get(key, key), count, s.pct[key]) for key, count in s.counts.items()]
        view.bars = self.bars(rows, s.too_few)
        view.tables.append(self.counted(view.title, rows, s.too_few))
        if s.type == "multi_choice":
            view.notes.append(self.w("several"))
        if s.other:
            view.comments_title = self.w("other_answers")
            view.comments = [self.comment(c) for c in s.other]

    def _likert(self, view: QuestionView, question: Question, s: LikertSummary) -> None:
        w = self.w
        labels = {row.id: w.text(row.label) for row in question.rows}
        scale = next(iter(s.rows.values())).distribution if s.rows else {}
        head = [w("statement"), *scale.keys(), w("mean")]
        table_rows = [
            [labels.get(rid, rid), *map(str, r.distribution.values()), w.number(r.mean, 2)] for rid, r in s.rows.items()
        ]
        view.tables.append(Table(view.title, head, table_rows))
        top = float(len(scale)) if scale else None
        view.bars = charts.bars(
            [(labels.get(rid, rid), r.mean or 0.0, w.number(r.mean, 2)) for rid, r in s.rows.items()], scale_to=top
        )

    def _number(self, view: QuestionView, s: NumberSummary) -> None:
        w = self.w
        median = w.number(s.median, 2) + (f" ({w('approximate')})" if s.median_approximate else "")
        view.tables.append(
            Table(
                view.title,
                [w("answer"), w("value")],
                [
                    [w("mean"), w.number(s.mean, 2)],
                    [w("median"), median],
                    [w("min"), w.number(s.min, 2)],
                    [w("max"), w.number(s.max, 2)],
                ],
            )
        )
