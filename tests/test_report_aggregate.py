"""The streaming aggregator: figures per question type, breakdowns, weekly trend, filters, memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from report_data import T0, manifest, nps_responses, response

from functions.manifest import Outcome, Quiz
from functions.report.aggregate import VALUES_PER_BREAKDOWN, Aggregator, aggregate
from functions.report.filters import NO_TOUCHPOINT, FilterError, Filters, matching, parse_filters, report_zone
from functions.report.model import (
    ChoiceSummary,
    CsatSummary,
    LikertSummary,
    NpsSummary,
    NumberSummary,
    ScaleSummary,
    TextSummary,
    as_json,
)

SCORES = [10, 9, 9, 8, 7, 6, 5, 3, 0, 10]


def test_nps_question_reports_score_shares_and_margin() -> None:
    report = aggregate(manifest(), nps_responses(SCORES))
    nps = report.questions["recommend"]
    assert isinstance(nps, NpsSummary)
    assert (nps.n, nps.score, nps.promoters, nps.passives, nps.detractors) == (10, 0.0, 40.0, 20.0, 40.0)
    assert nps.margin_of_error == pytest.approx(55.44, abs=0.01)
    assert (
        nps.distribution["10"] == 2
        and nps.distribution["1"] == 0
        and list(nps.distribution) == [str(v) for v in range(11)]
    )
    assert nps.too_few


def test_empty_survey_reports_zero_responses_without_failing() -> None:
    report = aggregate(manifest(), iter([]))
    document = as_json(report)
    assert document["responses"] == 0
    assert document["questions"]["recommend"]["score"] is None
    assert document["questions"]["satisfaction"]["satisfied_pct"] is None
    assert document["questions"]["visit"]["pct"]["groceries"] is None
    assert document["trend"] == [] and document["breakdowns"]["touchpoint"] == {}


def test_one_response_gives_its_own_answers_back() -> None:
    answers = {
        "recommend": 7,
        "satisfaction": 4,
        "effort": 2,
        "visit": "parcel",
        "topics": ["price", "service"],
        "wellbeing": {"clean": 5, "staff": 3},
        "visits_per_month": 4,
        "improve": "Lisää kassoja",
        "contact": "maija.meikalainen@example.fi",
    }
    report = aggregate(manifest(), [response(1, answers)])
    q = report.questions
    assert isinstance(q["recommend"], NpsSummary) and q["recommend"].score == 0.0
    assert isinstance(q["satisfaction"], CsatSummary) and q["satisfaction"].satisfied_pct == 100.0
    assert isinstance(q["effort"], ScaleSummary) and (q["effort"].mean, q["effort"].median) == (2.0, 2.0)
    assert isinstance(q["visit"], ChoiceSummary) and q["visit"].counts["parcel"] == 1
    assert isinstance(q["topics"], ChoiceSummary) and q["topics"].pct == {
        "price": 100.0,
        "service": 100.0,
        "selection": 0.0,
    }
    assert isinstance(q["wellbeing"], LikertSummary) and q["wellbeing"].rows["clean"].distribution["5"] == 1
    assert isinstance(q["visits_per_month"], NumberSummary) and q["visits_per_month"].max == 4
    assert isinstance(q["improve"], TextSummary) and q["improve"].comments[0].text == "Lisää kassoja"
    assert q["contact"].n == 1
    assert "maija" not in str(as_json(report)), "email addresses never appear in a report"


def test_multi_choice_shares_are_of_respondents_not_of_choices() -> None:
    rows = [["price", "service"], ["price"], ["selection"], ["price", "service", "selection"]]
    report = aggregate(manifest(), [response(i, {"topics": r}) for i, r in enumerate(rows)])
    topics = report.questions["topics"]
    assert isinstance(topics, ChoiceSummary)
    assert topics.n == 4
    assert topics.counts == {"price": 3, "service": 2, "selection": 2}
    assert topics.pct["price"] == 75.0


def test_single_choice_keeps_the_other_texts() -> None:
    answers = [{"visit": "other", "visit.other": "Postimerkkejä"}, {"visit": "groceries"}]
    report = aggregate(manifest(), [response(i, a) for i, a in enumerate(answers)])
    visit = report.questions["visit"]
    assert isinstance(visit, ChoiceSummary)
    assert visit.counts["other"] == 1 and visit.other_count == 1
    assert [c.text for c in visit.other] == ["Postimerkkejä"]


def test_likert_and_number_questions_report_per_row_and_spread() -> None:
    answers = [({"clean": 5, "staff": 4}, 2), ({"clean": 3, "staff": 4}, 10), ({"clean": 4}, 3.5)]
    report = aggregate(
        manifest(), [response(i, {"wellbeing": w, "visits_per_month": v}) for i, (w, v) in enumerate(answers)]
    )
    likert = report.questions["wellbeing"]
    assert isinstance(likert, LikertSummary)
    assert likert.rows["clean"].mean == 4.0 and likert.rows["staff"].n == 2
    number = report.questions["visits_per_month"]
    assert isinstance(number, NumberSummary)
    assert (number.mean, number.median, number.min, number.max) == (pytest.approx(15.5 / 3), 3.5, 2, 10)


def test_comments_keep_the_newest_first_with_touchpoint_and_count_them_all() -> None:
    responses = [
        response(i, {"improve": f"Palaute numero {i}"}, tp="myymala-vaasa" if i % 2 else None) for i in range(12)
    ]
    aggregator = Aggregator(manifest(), comments_kept=5)
    report = aggregator.add_all(responses).report()
    improve = report.questions["improve"]
    assert isinstance(improve, TextSummary)
    assert improve.n == 12
    assert [c.text for c in improve.comments] == [f"Palaute numero {i}" for i in (11, 10, 9, 8, 7)]
    assert improve.comments[0].touchpoint == "myymala-vaasa" and improve.comments[1].touchpoint is None
    assert improve.comments[0].received_at.utcoffset() == timedelta(hours=2)  # shown in Helsinki time


def test_answers_that_do_not_fit_the_manifest_are_skipped() -> None:
    bad = [
        {"recommend": 11},
        {"recommend": "9"},
        {"recommend": True},
        {"satisfaction": 4.5},
        {"visit": 3},
        {"topics": "price"},
        {"visits_per_month": float("nan")},
        {"removed_question": 5},
    ]
    report = aggregate(manifest(), [response(i, a) for i, a in enumerate(bad)])
    assert report.responses == len(bad)
    assert all(report.questions[q].n == 0 for q in ("recommend", "satisfaction", "visit", "topics", "visits_per_month"))


def test_too_few_flag_turns_off_at_thirty_answers() -> None:
    assert aggregate(manifest(), nps_responses([9] * 29)).questions["recommend"].too_few
    report = aggregate(manifest(), nps_responses([9] * 30))
    assert not report.questions["recommend"].too_few and not report.too_few


def test_breakdowns_by_touchpoint_language_and_hidden_value() -> None:
    responses = [
        response(1, {"recommend": 10}, tp="myymala-helsinki", lang="fi", hidden={"campaign": "joulu"}),
        response(2, {"recommend": 0}, tp="myymala-vaasa", lang="sv", hidden={"campaign": "joulu"}),
        response(3, {"recommend": 9}, tp="myymala-vaasa", lang="sv"),
        response(4, {"recommend": 8}, tp=None, lang="fi", hidden={"campaign": "kevat"}),
    ]
    document = as_json(aggregate(manifest(), responses))
    tps = document["breakdowns"]["touchpoint"]
    assert list(tps) == ["myymala-helsinki", "myymala-vaasa", NO_TOUCHPOINT]
    assert tps["myymala-vaasa"]["responses"] == 2 and tps["myymala-vaasa"]["questions"]["recommend"]["score"] == 0
    assert document["breakdowns"]["language"]["sv"]["questions"]["recommend"]["n"] == 2
    hidden = document["breakdowns"]["hidden"]["campaign"]
    assert hidden["joulu"]["responses"] == 2 and hidden["kevat"]["responses"] == 1
    assert hidden["joulu"]["questions"]["recommend"]["score"] == 0.0


def test_hidden_values_beyond_the_cap_pool_together() -> None:
    count = VALUES_PER_BREAKDOWN + 25
    responses = [response(i, {"recommend": 9}, hidden={"campaign": f"kampanja-{i:03d}"}) for i in range(count)]
    campaigns = aggregate(manifest(), responses).breakdowns.hidden["campaign"]
    assert len(campaigns) == VALUES_PER_BREAKDOWN + 1
    assert campaigns["(other)"].responses == 25
    assert list(campaigns)[-1] == "(other)"


def test_quiz_outcomes_are_distributed() -> None:
    quiz = Quiz(
        outcomes=[
            Outcome(id="tutkija", max=4.0, title={"fi": "Tutkija", "sv": "Forskare"}, body_html={}),
            Outcome(id="rakentaja", min=5.0, title={"fi": "Rakentaja", "sv": "Byggare"}, body_html={}),
        ]
    )
    outcomes = ["tutkija", "rakentaja", "rakentaja", None]
    report = aggregate(manifest(quiz=quiz), [response(i, {"recommend": 9}, outcome=o) for i, o in enumerate(outcomes)])
    result = report.overall.outcomes
    assert result is not None
    assert result.n == 3 and result.counts == {"tutkija": 1, "rakentaja": 2}
    assert result.pct["rakentaja"] == pytest.approx(200 / 3)


def week_of(moment: datetime) -> str:
    return aggregate(manifest(), [response(1, {"recommend": 9}, at=moment)]).trend[0].week


def test_iso_weeks_cross_the_year_end_in_the_report_timezone() -> None:
    # 2026 has 53 ISO weeks; Sunday 3 Jan 2027 22:30 UTC is already Monday 00:30 in Helsinki (UTC+2)
    assert week_of(datetime(2026, 12, 31, 12, 0, tzinfo=UTC)) == "2026-W53"
    assert week_of(datetime(2027, 1, 3, 21, 30, tzinfo=UTC)) == "2026-W53"
    assert week_of(datetime(2027, 1, 3, 22, 30, tzinfo=UTC)) == "2027-W01"


def test_iso_weeks_follow_the_clock_change() -> None:
    # Summer time ends Sunday 25 Oct 2026 in Helsinki: Monday 00:00 is then 22:00 UTC, not 21:00
    assert week_of(datetime(2026, 10, 25, 21, 30, tzinfo=UTC)) == "2026-W43"
    assert week_of(datetime(2026, 10, 25, 22, 30, tzinfo=UTC)) == "2026-W44"
    # Summer time starts Sunday 29 Mar 2026: Monday 00:00 is 21:00 UTC
    assert week_of(datetime(2026, 3, 29, 20, 30, tzinfo=UTC)) == "2026-W13"
    assert week_of(datetime(2026, 3, 29, 21, 30, tzinfo=UTC)) == "2026-W14"


def test_trend_lists_every_week_including_empty_ones() -> None:
    responses = [
        response(1, {"recommend": 10}, at=datetime(2026, 12, 22, 10, tzinfo=UTC)),
        response(2, {"recommend": 0}, at=datetime(2026, 12, 23, 10, tzinfo=UTC)),
        response(3, {"recommend": 9}, at=datetime(2027, 1, 12, 10, tzinfo=UTC)),
    ]
    trend = as_json(aggregate(manifest(), responses))["trend"]
    assert [w["week"] for w in trend] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert [w["responses"] for w in trend] == [2, 0, 0, 1]
    assert trend[0]["nps"] == 0.0 and trend[0]["start"] == "2026-12-21"
    assert trend[1]["nps"] is None
    assert trend[3]["questions"]["recommend"] == {"n": 1, "score": 100.0}


def test_date_filters_are_whole_days_in_the_report_timezone() -> None:
    m = manifest()
    filters = parse_filters(m, "2026-12-01", "2026-12-01", None, None)
    moments = [
        datetime(2026, 11, 30, 21, 59, tzinfo=UTC),  # 23:59 on 30 Nov in Helsinki
        datetime(2026, 11, 30, 22, 0, tzinfo=UTC),  # 00:00 on 1 Dec
        datetime(2026, 12, 1, 21, 59, tzinfo=UTC),  # 23:59 on 1 Dec
        datetime(2026, 12, 1, 22, 0, tzinfo=UTC),
    ]  # 00:00 on 2 Dec
    kept = list(matching([response(i, {}, at=t) for i, t in enumerate(moments)], filters, report_zone(m)))
    assert [r.received_at for r in kept] == moments[1:3]


def test_touchpoint_and_language_filters_narrow_the_responses() -> None:
    m = manifest()
    responses = [
        response(1, {}, tp="myymala-vaasa", lang="sv"),
        response(2, {}, tp="myymala-vaasa", lang="fi"),
        response(3, {}, tp=None, lang="sv"),
    ]
    assert len(list(matching(responses, Filters(touchpoint="myymala-vaasa", lang="sv"), report_zone(m)))) == 1
    assert len(list(matching(responses, Filters(touchpoint=NO_TOUCHPOINT), report_zone(m)))) == 1


@pytest.mark.parametrize(
    ("args", "parameter", "hint"),
    [
        (("1.12.2026", None, None, None), "from", "YYYY-MM-DD"),
        (("2026-12-02", "2026-12-01", None, None), "from", "from ≤ to"),
        ((None, None, "myymala-turku", None), "touchpoint", "myymala-vaasa"),
        ((None, None, None, "en"), "lang", "fi, sv"),
    ],
)
def test_bad_filters_name_the_parameter_and_what_is_right(
    args: tuple[str | None, ...], parameter: str, hint: str
) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filters(manifest(), *args)
    assert caught.value.parameter == parameter and hint in str(caught.value)


def test_aggregator_streams_200000_responses_in_bounded_memory() -> None:
    """The responses come from a generator, are pulled one at a time and never collected: over the
    last 10,000 of 200,000 responses the aggregator's memory does not grow (tracemalloc watches only
    that stretch, to keep the test quick)."""
    m = manifest()
    aggregator = Aggregator(m)
    ahead = 0

    class Light:
        __slots__ = ("answers", "hidden", "lang", "outcome", "received_at", "response_id", "score", "tp")

    def stream(count: int) -> Iterator[Light]:
        nonlocal ahead
        for i in range(count):
            ahead = max(ahead, i - aggregator.added)  # pulled but not yet counted
            if i == count - 10_000:
                tracemalloc.start()
            record = Light()
            record.response_id, record.lang, record.outcome, record.score = str(i), "fi" if i % 3 else "sv", None, None
            record.received_at = T0 + timedelta(seconds=30 * i)
            record.tp = ["myymala-helsinki", "myymala-vaasa", None][i % 3]
            record.hidden = {"campaign": f"kampanja-{i % 7}"}
            record.answers = {
                "recommend": i % 11,
                "satisfaction": 1 + i % 5,
                "visits_per_month": (i * 7919) % 100_003,
                "improve": f"Kommentti {i}" * (i % 10 == 0),
            }
            yield record

    try:
        aggregator.add_all(stream(200_000))
        grown, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    report = aggregator.report()
    assert ahead == 0, "each response is counted before the next one is pulled"
    assert report.responses == 200_000
    assert report.questions["improve"].n == 20_000
    # a new week adds its cells (touchpoint × language × campaign); keeping responses would add megabytes
    assert grown < 1024 * 1024, f"memory grew by {grown / 1e3:.0f} kB over 10,000 responses"
    assert peak < 2 * 1024 * 1024, f"peak {peak / 1e3:.0f} kB"
    assert report.trend[0].start == date(2026, 11, 23)


def test_folding_cells_early_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """When touchpoint × language × week × hidden combinations exceed the cell limit, cells are folded
    into their groups early; the figures must not change."""
    from report_data import synthetic

    from functions.report import aggregate as aggregate_module

    moment = datetime(2026, 12, 7, tzinfo=UTC)
    roomy = as_json(aggregate(manifest(), synthetic(3000), generated_at=moment))
    monkeypatch.setattr(aggregate_module, "CELLS", 3)
    tight = as_json(aggregate(manifest(), synthetic(3000), generated_at=moment))
    assert tight == roomy
    assert roomy["breakdowns"]["hidden"]["campaign"]["joulu"]["responses"] == 1500
