"""The HTML report: one self-contained page in the client's brand, readable on screen and printed to PDF.

Autoescaping is on for the whole template and nothing passed to it is marked safe, so a
respondent's `<script>` stays text. Brand values are producer input from the theme; they still
pass a strict pattern before they reach the `<style>` block, so a stray value cannot break out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from functions.manifest import Manifest
from functions.report import charts
from functions.report.labels import Words
from functions.report.model import CsatSummary, Group, NpsSummary, QuestionSummary, Report, ScaleSummary
from functions.report.stats import MIN_RESPONSES
from functions.report.views import QuestionView, QuestionViews, Table

TEMPLATES = Path(__file__).parent / "templates"
BRAND_DEFAULTS = {
    "primary": "#0B5FFF",
    "on_primary": "#FFFFFF",
    "text": "#1A1A1A",
    "background": "#FFFFFF",
    "error": "#B00020",
    "focus": "#FFB000",
}
SAFE_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|hsl)a?\([0-9.,%\s/]+\))$")
SAFE_FONT = re.compile(r"^[\w\s,'\"-]{1,200}$")
SAFE_LENGTH = re.compile(r"^\d{1,3}(\.\d+)?(px|rem|em|%)$")


@dataclass(frozen=True)
class Trend:
    table: Table
    columns: list[charts.Column]
    line: charts.Line | None
    line_title: str


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def brand_css(manifest: Manifest) -> dict[str, str]:
    """The theme's tokens as CSS custom properties (name → value), unsafe values replaced by defaults.

    Every value matches a pattern without `<`, `>`, `;`, `{` or `}`, so the declarations can go
    into the `<style>` block as they are (HTML escaping would turn a font's quotes into entities,
    which CSS does not decode).
    """
    colors = {**BRAND_DEFAULTS, **{k: v for k, v in manifest.brand.colors.items() if SAFE_COLOR.match(v)}}
    props = {f"--{name.replace('_', '-')}": value for name, value in colors.items() if re.match(r"^\w+$", name)}
    font = manifest.brand.font_family
    props["--font-family"] = font if SAFE_FONT.match(font) else "system-ui, sans-serif"
    props["--radius"] = manifest.brand.radius if SAFE_LENGTH.match(manifest.brand.radius) else "8px"
    return props


def _headline(words: Words, summary: QuestionSummary | None) -> str:
    """One figure for a breakdown cell: NPS, CSAT % satisfied or mean; 'too few (n)' below 30 answers."""
    if summary is None or summary.n == 0:
        return "–"
    if summary.too_few:
        return f"{words('too_few_short')} ({summary.n})"
    if isinstance(summary, NpsSummary):
        return words.number(summary.score, 0)
    if isinstance(summary, CsatSummary):
        return words.percent(summary.satisfied_pct)
    return words.number(summary.mean if isinstance(summary, ScaleSummary) else None, 2)


def breakdown_table(
    manifest: Manifest, words: Words, caption: str, first: str, groups: dict[str, tuple[str, Group]]
) -> Table:
    """Rows of groups (label, group), columns of the survey's headline questions."""
    headline = [q for q in manifest.questions if q.type in ("nps", "csat", "ces", "rating")]
    head = [first, words("responses"), *[words.text(q.text) for q in headline]]
    rows = [
        [label, str(g.responses), *[_headline(words, g.questions.get(q.id)) for q in headline]]
        for label, g in groups.values()
    ]
    return Table(caption, head, rows)


def _breakdowns(manifest: Manifest, report: Report, views: QuestionViews) -> list[Table]:
    w, b = views.w, report.breakdowns
    tables = [
        breakdown_table(
            manifest,
            w,
            w("by_touchpoint"),
            w("touchpoint"),
            {k: (views.touchpoint(k), g) for k, g in b.touchpoint.items()},
        ),
        breakdown_table(manifest, w, w("by_language"), w("language"), {k: (k, g) for k, g in b.language.items()}),
    ]
    for name, values in b.hidden.items():
        if values:
            tables.append(
                breakdown_table(manifest, w, w("by_hidden", name=name), name, {k: (k, g) for k, g in values.items()})
            )
    return [t for t in tables if t.rows]


def _trend(manifest: Manifest, report: Report, words: Words) -> Trend | None:
    if not report.trend:
        return None
    headline = [q for q in manifest.questions if q.type in ("nps", "csat", "ces", "rating")]
    head = [words("week"), words("responses"), *[words.text(q.text) for q in headline]]
    rows = []
    for week in report.trend:
        cells = []
        for q in headline:
            h = week.questions.get(q.id)
            cells.append(
                "–"
                if h is None or h.value is None
                else words.percent(h.value)
                if h.measure == "satisfied_pct"
                else words.number(h.value, 0 if h.measure == "score" else 2)
            )
        rows.append([week.week, str(week.responses), *cells])
    nps = next((q for q in headline if q.type == "nps"), None)
    line = None
    if nps is not None:
        line = charts.line([w.questions[nps.id].value if nps.id in w.questions else None for w in report.trend])
    return Trend(
        Table(words("trend"), head, rows),
        charts.columns([(w.week, float(w.responses)) for w in report.trend]),
        line,
        words("nps_week"),
    )


def render_html(manifest: Manifest, report: Report) -> bytes:
    words = Words(report.lang)
    views = QuestionViews(manifest, words)
    questions: list[QuestionView] = []
    for question in manifest.questions:
        summary = report.questions.get(question.id)
        if summary is not None:
            questions.append(views.view(question, summary))
    outcomes = None
    if report.overall.outcomes is not None and manifest.quiz is not None:
        titles = {o.id: words.text(o.title) for o in manifest.quiz.outcomes}
        o = report.overall.outcomes
        rows = [(titles.get(k, k), c, o.pct[k]) for k, c in o.counts.items()]
        too_few = o.n < MIN_RESPONSES
        outcomes = (views.bars(rows, too_few), views.counted(words("outcomes"), rows, too_few))
    filters = report.filters
    template = _environment().get_template("report.html")
    return template.render(
        manifest=manifest,
        report=report,
        w=words,
        brand_style=Markup(" ".join(f"{name}: {value};" for name, value in brand_css(manifest).items())),
        title=words.text(manifest.title),
        questions=questions,
        outcomes=outcomes,
        breakdowns=_breakdowns(manifest, report, views) if report.responses else [],
        trend=_trend(manifest, report, words),
        filter_touchpoint=views.touchpoint(filters.touchpoint) if filters.touchpoint else None,
    ).encode("utf-8")
