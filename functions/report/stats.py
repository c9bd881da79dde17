"""The statistics a report shows, computed from counts so they never need the responses themselves.

Scale answers are small integers, so a question's whole distribution is a handful of counts:
mean, median and NPS all come from it exactly. `number` answers are unbounded, so they go into
`BoundedCounts`, which stays exact until it holds too many distinct values and then rounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

MIN_RESPONSES = 30
"""Below this many answers percentages swing too much to act on; reports say so instead."""

Z_95 = 1.96
Value = TypeVar("Value", int, float)


@dataclass(frozen=True)
class NpsFigures:
    score: float
    promoters: float
    passives: float
    detractors: float
    margin_of_error: float


def pct(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`; None (not a division by zero) when nobody answered."""
    return None if whole == 0 else 100.0 * part / whole


def nps(counts: Mapping[int, int]) -> NpsFigures | None:
    """Net Promoter Score from counts of 0–10 answers, with its 95 % margin of error in NPS points.

    Each respondent scores +1 (9–10), 0 (7–8) or −1 (0–6); NPS is 100 × the mean. The variance of
    that variable is p_pro + p_det − (p_pro − p_det)², hence the margin 1.96·√var/√n·100.
    """
    n = sum(counts.values())
    if n == 0:
        return None
    promoters = sum(c for v, c in counts.items() if v >= 9)
    detractors = sum(c for v, c in counts.items() if v <= 6)
    p_pro, p_det = promoters / n, detractors / n
    variance = max(0.0, p_pro + p_det - (p_pro - p_det) ** 2)
    return NpsFigures(
        score=100.0 * (p_pro - p_det),
        promoters=100.0 * p_pro,
        passives=100.0 * (n - promoters - detractors) / n,
        detractors=100.0 * p_det,
        margin_of_error=Z_95 * math.sqrt(variance) / math.sqrt(n) * 100.0,
    )


def mean(counts: Mapping[Value, int]) -> float | None:
    n = sum(counts.values())
    return None if n == 0 else sum(v * c for v, c in counts.items()) / n


def median(counts: Mapping[Value, int]) -> float | None:
    """The median of the values the counts stand for; the mean of the two middle ones when n is even."""
    n = sum(counts.values())
    if n == 0:
        return None
    low_rank, high_rank = (n - 1) // 2, n // 2
    low: Value | None = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            assert low is not None
            return (low + value) / 2
    raise AssertionError("unreachable: counts sum to n")


def satisfied_pct(counts: Mapping[int, int]) -> float | None:
    """CSAT: the share answering 4 or 5 on the 1–5 scale."""
    return pct(sum(c for v, c in counts.items() if v >= 4), sum(counts.values()))


class BoundedCounts:
    """Counts per distinct value that never hold more than `cap` keys.

    Exact while there are at most `cap` distinct values. Past that, values are rounded to fewer
    significant digits (6, then 5, …) and merged, so the median becomes approximate (to that many
    significant digits) while memory stays bounded; `approximate` tells the report to say so.
    Mean, minimum and maximum are kept exactly beside it.
    """

    def __init__(self, cap: int = 4096) -> None:
        self.cap = cap
        self.digits: int | None = None
        self.counts: dict[float, int] = {}

    @property
    def approximate(self) -> bool:
        return self.digits is not None

    def add(self, value: float, times: int = 1) -> None:
        key = value if self.digits is None else _round_significant(value, self.digits)
        self.counts[key] = self.counts.get(key, 0) + times
        while len(self.counts) > self.cap:
            self._coarsen()

    def _coarsen(self) -> None:
        self.digits = 6 if self.digits is None else max(1, self.digits - 1)
        merged: dict[float, int] = {}
        for value, count in self.counts.items():
            key = _round_significant(value, self.digits)
            merged[key] = merged.get(key, 0) + count
        if len(merged) == len(self.counts) and self.digits == 1:
            self.cap = len(merged)  # nothing left to merge: accept the (already tiny) excess
        self.counts = merged


def _round_significant(value: float, digits: int) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))
