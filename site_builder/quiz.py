"""Scored quizzes: which totals a respondent can reach, and whether the outcomes cover each once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import combinations

from site_builder.load import YamlDocument
from site_builder.problems import Problem
from site_builder.spec import (
    AnyQuestion,
    CesQuestion,
    CsatQuestion,
    MultiChoiceQuestion,
    NpsQuestion,
    OutcomeSpec,
    RatingQuestion,
    SingleChoiceQuestion,
    SurveySpec,
)

Loc = tuple[str | int, ...]
MAX_TOTALS = 200_000
"""Beyond this many distinct totals the check falls back to the span between the extremes."""


def _scale_values(question: AnyQuestion) -> list[float]:
    if isinstance(question, NpsQuestion):
        return [float(v) for v in range(0, 11)]
    if isinstance(question, CsatQuestion):
        return [float(v) for v in range(1, 6)]
    if isinstance(question, CesQuestion):
        return [float(v) for v in range(1, 8)]
    if isinstance(question, RatingQuestion):
        return [float(v) for v in range(1, question.scale + 1)]
    return []


def contributions(question: AnyQuestion) -> set[float] | None:
    """The amounts one question can add to the total, or None when it is not scored."""
    skippable = not getattr(question, "required", False) or question.show_if is not None
    values: set[float]
    if isinstance(question, SingleChoiceQuestion):
        if all(o.score is None for o in question.options):
            return None
        values = {o.score or 0.0 for o in question.options}
        skippable = skippable or question.other
    elif isinstance(question, MultiChoiceQuestion):
        if all(o.score is None for o in question.options):
            return None
        scores = [o.score or 0.0 for o in question.options]
        low, high = question.min or (1 if question.required else 0), question.max or len(scores)
        values = {sum(c) for k in range(low, high + 1) for c in combinations(scores, k)} if len(scores) <= 16 else set()
        if not values:  # too many options to enumerate: the extremes are still exact
            ordered = sorted(scores)
            values = {sum(ordered[:low]), sum(ordered[-high:])}
    elif getattr(question, "scored", False):
        values = set(_scale_values(question))
    else:
        return None
    return values | {0.0} if skippable else values


def reachable_totals(questions: Sequence[AnyQuestion]) -> tuple[set[float], bool]:
    """Every total a respondent can reach, and whether the set is exact (not the span's ends only)."""
    totals = {0.0}
    for question in questions:
        amounts = contributions(question)
        if amounts is None:
            continue
        totals = {round(t + a, 6) for t in totals for a in amounts}
        if len(totals) > MAX_TOTALS:
            return {min(totals), max(totals)}, False
    return totals, True


def _describe(outcome_min: float | None, outcome_max: float | None) -> str:
    low = "…" if outcome_min is None else f"{outcome_min:g}"
    high = "…" if outcome_max is None else f"{outcome_max:g}"
    return f"{low}–{high}"


def check_quiz(spec: SurveySpec, doc: YamlDocument, located: list[tuple[Loc, AnyQuestion]]) -> Iterator[Problem]:
    scored = [(loc, q) for loc, q in located if contributions(q) is not None]
    if spec.quiz is None:
        for loc, _ in scored:
            yield doc.problem(loc, "carries scores but the survey has no `quiz:` with outcomes", "add quiz.outcomes")
        return
    if not scored:
        yield doc.problem(
            ("quiz",), "no question is scored", "give options a `score:` or set `scored: true` on a scale"
        )
        return
    outcomes = spec.quiz.outcomes
    for i, outcome in enumerate(outcomes):
        if outcome.min is not None and outcome.max is not None and outcome.min > outcome.max:
            yield doc.problem(("quiz", "outcomes", i), f"min {outcome.min:g} is more than max {outcome.max:g}")
    for i, j in combinations(range(len(outcomes)), 2):
        a, b = outcomes[i], outcomes[j]
        a_below_b = a.max is not None and b.min is not None and a.max < b.min
        b_below_a = b.max is not None and a.min is not None and b.max < a.min
        if not (a_below_b or b_below_a):
            message = f'range {_describe(b.min, b.max)} of "{b.id}" overlaps {_describe(a.min, a.max)} of "{a.id}"'
            yield doc.problem(("quiz", "outcomes", j), message, "each total must lead to one outcome")
    totals, exact = reachable_totals([q for _, q in scored])
    missing = sorted(t for t in totals if not _covered(t, outcomes))
    if missing:
        shown = ", ".join(f"{t:g}" for t in missing[:8]) + (" …" if len(missing) > 8 else "")
        span = f"{min(totals):g}–{max(totals):g}"
        kind = "reachable totals" if exact else "totals at the ends of the range"
        yield doc.problem(("quiz", "outcomes"), f"{kind} {shown} fall in no outcome (totals run {span})",
                          "widen or add a range so there is no gap")  # fmt: skip


def _covered(total: float, outcomes: Sequence[OutcomeSpec]) -> bool:
    return any((o.min is None or total >= o.min) and (o.max is None or total <= o.max) for o in outcomes)
