"""The report's statistics against values worked out by hand."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from functions.report import stats


def test_nps_of_ten_scores_matches_the_hand_computation() -> None:
    # 10, 9, 9, 10 promoters (4); 8, 7 passives (2); 6, 5, 3, 0 detractors (4) → 40 % − 40 % = 0
    figures = stats.nps(Counter([10, 9, 9, 8, 7, 6, 5, 3, 0, 10]))
    assert figures is not None
    assert figures.score == pytest.approx(0.0)
    assert (figures.promoters, figures.passives, figures.detractors) == pytest.approx((40.0, 20.0, 40.0))
    # var = 0.4 + 0.4 − 0² = 0.8; margin = 1.96 · √0.8 / √10 · 100 = 55.437…
    assert figures.margin_of_error == pytest.approx(55.437, abs=0.001)


def test_nps_of_all_promoters_is_100_with_no_margin() -> None:
    figures = stats.nps({9: 3, 10: 7})
    assert figures is not None
    assert figures.score == 100.0
    assert figures.margin_of_error == 0.0


def test_nps_margin_shrinks_with_the_square_root_of_n() -> None:
    small = stats.nps({10: 5, 0: 5})
    large = stats.nps({10: 500, 0: 500})
    assert small is not None and large is not None
    assert small.margin_of_error / large.margin_of_error == pytest.approx(math.sqrt(100))


def test_no_answers_give_none_not_a_division_by_zero() -> None:
    assert stats.nps({}) is None
    assert stats.nps({v: 0 for v in range(11)}) is None
    assert stats.mean({}) is None
    assert stats.median({1: 0, 2: 0}) is None
    assert stats.pct(0, 0) is None
    assert stats.satisfied_pct({}) is None


def test_median_of_an_odd_count_is_the_middle_answer() -> None:
    assert stats.median(Counter([1, 2, 2, 5, 7])) == 2


def test_median_of_an_even_count_averages_the_two_middle_answers() -> None:
    assert stats.median(Counter([1, 2, 4, 7])) == 3.0
    assert stats.median({3: 2, 6: 2}) == 4.5


def test_csat_counts_fours_and_fives_as_satisfied() -> None:
    counts = Counter([5, 4, 4, 3, 1])
    assert stats.satisfied_pct(counts) == pytest.approx(60.0)
    assert stats.mean(counts) == pytest.approx(17 / 5)


def test_bounded_counts_stay_exact_below_the_cap() -> None:
    counts = stats.BoundedCounts(cap=100)
    for value in [3, 1, 4, 1, 5, 9, 2, 6]:
        counts.add(value)
    assert not counts.approximate
    assert stats.median(counts.counts) == 3.5


def test_bounded_counts_round_values_once_there_are_too_many_distinct_ones() -> None:
    counts = stats.BoundedCounts(cap=50)
    values = [1000 + i * 0.001 for i in range(5000)]
    for value in values:
        counts.add(value)
    assert counts.approximate
    assert len(counts.counts) <= 50
    assert sum(counts.counts.values()) == 5000
    median = stats.median(counts.counts)
    assert median is not None and median == pytest.approx(1002.5, rel=0.01)
