"""The fast report path: raw counts per cell, NDJSON read with orjson, slices merged across processes.

Every figure must equal a plain computation written here, and the merged report of any split of
the responses must equal the one-pass report.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_data import T0, manifest, response, synthetic

from functions.manifest import Manifest, ReportSettings
from functions.report.aggregate import VALUES_PER_BREAKDOWN, Aggregator, aggregate
from functions.report.filters import NO_TOUCHPOINT, Filters
from functions.report.model import ChoiceSummary, CsatSummary, NpsSummary, as_json
from functions.report.ndjson import NdjsonError, aggregate_file, aggregate_ndjson, byte_ranges
from functions.response import StoredResponse

MOMENT = datetime(2026, 12, 7, tzinfo=UTC)
HELSINKI = ZoneInfo("Europe/Helsinki")


def _write(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bench_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Manifest, Path, list[dict[str, Any]]]:
    documents = [json.loads(r.to_json()) for r in synthetic(3000)]
    for i, document in enumerate(documents):  # three weeks and a bit, some minutes either side of a week's end
        moment = (
            T0 + timedelta(minutes=10 * i)
            if i >= 40
            else datetime(2026, 11, 29, 21, 40, tzinfo=UTC) + timedelta(minutes=i)
        )
        document["received_at"] = moment.isoformat().replace("+00:00", "Z")
    path = _write(tmp_path_factory.mktemp("ndjson") / "responses.ndjson", documents)
    return manifest(), path, documents


def _iso_week(stamp: str) -> str:
    year, week, _ = datetime.fromisoformat(stamp).astimezone(HELSINKI).isocalendar()
    return f"{year}-W{week:02d}"


def _nps(scores: list[int]) -> float:
    n = len(scores)
    promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    return 100.0 * (promoters / n - detractors / n)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_nps_per_touchpoint_per_week_matches_a_plain_computation(
    bench_file: tuple[Manifest, Path, list[dict[str, Any]]], workers: int
) -> None:
    m, path, documents = bench_file
    expected: dict[tuple[str, str], list[int]] = defaultdict(list)
    for d in documents:
        expected[(d["tp"] or NO_TOUCHPOINT, _iso_week(d["received_at"]))].append(d["answers"]["recommend"])
    got: dict[tuple[str, str], float] = {}
    for tp in ["myymala-helsinki", "myymala-vaasa", "verkkokauppa", NO_TOUCHPOINT]:
        report = aggregate_file(m, path, Filters(touchpoint=tp), MOMENT, workers=workers)
        for week in report.trend:
            if week.responses:
                got[(tp, week.week)] = week.questions["recommend"].value  # type: ignore[assignment]
    assert got == {key: _nps(scores) for key, scores in expected.items()}
    assert {"2026-W48", "2026-W49", "2026-W50"} <= {week for _tp, week in got}


def test_csat_means_and_choice_counts_match_a_plain_computation(
    bench_file: tuple[Manifest, Path, list[dict[str, Any]]],
) -> None:
    m, path, documents = bench_file
    report = aggregate_file(m, path, generated_at=MOMENT, workers=2)
    for tp, group in report.breakdowns.touchpoint.items():
        scores = [d["answers"]["satisfaction"] for d in documents if (d["tp"] or NO_TOUCHPOINT) == tp]
        csat = group.questions["satisfaction"]
        assert isinstance(csat, CsatSummary)
        assert csat.mean == sum(scores) / len(scores)
        assert csat.satisfied_pct == 100.0 * sum(s >= 4 for s in scores) / len(scores)
    visit = report.questions["visit"]
    topics = report.questions["topics"]
    assert isinstance(visit, ChoiceSummary) and isinstance(topics, ChoiceSummary)
    assert visit.counts == {"groceries": 0, "pharmacy": 0, "parcel": 0, "other": 0} | Counter(
        d["answers"]["visit"] for d in documents
    )
    assert topics.counts == {"price": 0, "service": 0, "selection": 0} | Counter(
        t for d in documents for t in d["answers"]["topics"]
    )
    assert topics.n == sum(1 for d in documents if d["answers"]["topics"])
    nps = report.questions["recommend"]
    assert isinstance(nps, NpsSummary) and nps.score == _nps([d["answers"]["recommend"] for d in documents])
    assert report.questions["improve"].n == sum(1 for d in documents if "improve" in d["answers"])


def test_ndjson_report_equals_the_report_of_validated_responses(
    bench_file: tuple[Manifest, Path, list[dict[str, Any]]],
) -> None:
    m, path, documents = bench_file
    validated = [msgspec.convert(d, StoredResponse) for d in documents]
    assert as_json(aggregate_file(m, path, generated_at=MOMENT, workers=2)) == as_json(
        aggregate(m, validated, generated_at=MOMENT)
    )


@pytest.mark.parametrize("workers", [2, 3, 7])
def test_byte_ranges_cover_the_file_on_line_boundaries(
    bench_file: tuple[Manifest, Path, list[dict[str, Any]]], workers: int
) -> None:
    _m, path, _documents = bench_file
    data = path.read_bytes()
    ranges = byte_ranges(path, workers)
    assert len(ranges) == workers
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(end == start for (_s, end), (start, _e) in itertools.pairwise(ranges))
    assert all(data[start - 1 : start] == b"\n" for start, _end in ranges[1:])


def _odd(draw: st.DrawFn, i: int) -> StoredResponse:
    """A response with some answers that fit and some that do not (old versions, bad clients)."""
    answers: dict[str, Any] = {
        "recommend": draw(st.sampled_from([0, 6, 7, 9, 10, 10.0, 11, True, "9", None])),
        "satisfaction": draw(st.sampled_from([1, 4, 5, 4.5, False])),
        "visit": draw(st.sampled_from(["groceries", "other", "unknown-option", 3, ["parcel"]])),
        "topics": draw(st.sampled_from([["price"], ["service", "price", "service"], [], "price", [{"a": 1}, "price"]])),
        "wellbeing": draw(st.sampled_from([{"clean": 5, "staff": 1}, {"clean": True}, {"clean": 2.0}, [], None])),
        "visits_per_month": draw(st.sampled_from([0, 3, 2.5, 1e9, -1, True, float("nan")])),
    }
    if draw(st.booleans()):
        answers["improve"] = draw(st.sampled_from(["Hyvä", "  ", "Jono", True, 5]))
    if answers["visit"] == "other":
        answers["visit.other"] = draw(st.sampled_from(["Kukkia", "", 7]))
    return response(
        i,
        answers,
        at=T0 + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20))),  # equal times happen: order decides
        tp=draw(st.sampled_from(["myymala-helsinki", "myymala-vaasa", None])),
        lang=draw(st.sampled_from(["fi", "sv"])),
        hidden=draw(st.sampled_from([{}, {"campaign": "joulu"}, {"campaign": "kevat"}])),
    )


@st.composite
def split_responses(draw: st.DrawFn) -> tuple[list[StoredResponse], list[int]]:
    count = draw(st.integers(0, 60))
    items = [_odd(draw, i) for i in range(count)]
    cuts = sorted(draw(st.lists(st.integers(0, count), max_size=4)))
    return items, cuts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(split_responses())
def test_merged_slices_equal_one_pass_for_any_split(case: tuple[list[StoredResponse], list[int]]) -> None:
    items, cuts = case
    m = manifest()
    one_pass = as_json(Aggregator(m, comments_kept=3).add_all(items).report(generated_at=MOMENT))
    bounds = [0, *cuts, len(items)]
    slices = [
        Aggregator(m, comments_kept=3, order=start).add_all(items[start:end])
        for start, end in itertools.pairwise(bounds)
    ]
    merged = slices[0]
    for later in slices[1:]:
        merged.merge(later)
    assert merged.exact_merge()
    assert as_json(merged.report(generated_at=MOMENT)) == one_pass


def test_many_hidden_values_fall_back_to_one_pass(tmp_path: Path) -> None:
    """Which values pool as '(other)' depends on arrival order, so the parallel path re-reads in one pass."""
    m = manifest()
    items = [
        response(i, {"recommend": i % 11}, hidden={"campaign": f"kampanja-{i % (VALUES_PER_BREAKDOWN + 20)}"})
        for i in range(400)
    ]
    path = _write(tmp_path / "r.ndjson", [json.loads(r.to_json()) for r in items])
    assert not aggregate_ndjson(m, path, workers=1).exact_merge()
    parallel = aggregate_file(m, path, generated_at=MOMENT, workers=2)
    assert as_json(parallel) == as_json(aggregate(m, items, generated_at=MOMENT))
    assert "(other)" in parallel.breakdowns.hidden["campaign"]


def test_other_surveys_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    m = manifest()
    mine = json.loads(response(1, {"recommend": 10}).to_json())
    theirs = mine | {"survey": "muu-kysely", "response_id": "x"}
    path = tmp_path / "r.ndjson"
    path.write_text(json.dumps(mine) + "\n\n" + json.dumps(theirs) + "\n   \n", encoding="utf-8")
    report = aggregate_file(m, path, generated_at=MOMENT, workers=2)
    assert report.responses == 1


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ('{"survey": "lahikauppa-palaute", "lang": "fi"', "not JSON"),
        ('{"survey": "lahikauppa-palaute"}', "not a response: no 'received_at'"),
        ("1, 2", "not JSON"),
    ],
)
def test_a_bad_line_is_named_with_its_file_and_number(tmp_path: Path, workers: int, bad: str, problem: str) -> None:
    good = response(1, {"recommend": 10}).to_json()
    lines = [good] * 30 + [bad] + [good] * 5
    path = tmp_path / "r.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(NdjsonError) as caught:
        aggregate_file(manifest(), path, workers=workers)
    assert f"{path}:31: {problem}" in str(caught.value)


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Asia/Kathmandu", datetime(2026, 11, 29, 17, 0, tzinfo=UTC)),  # +5:45: the week ends at 18:15 UTC
        ("Europe/Helsinki", datetime(2026, 10, 24, 20, 0, tzinfo=UTC)),  # summer time ends on the Sunday
        ("America/St_Johns", datetime(2026, 11, 30, 1, 0, tzinfo=UTC)),  # -3:30
    ],
)
def test_weeks_are_exact_in_any_zone_even_within_an_hour(tmp_path: Path, zone: str, start: datetime) -> None:
    m = manifest(report=ReportSettings(timezone=zone))
    moments = [start + timedelta(minutes=7 * i, seconds=i % 60) for i in range(600)]
    documents = [
        json.loads(response(i, {"recommend": i % 11}, at=moment).to_json()) for i, moment in enumerate(moments)
    ]
    path = _write(tmp_path / "r.ndjson", documents)
    report = aggregate_file(m, path, generated_at=MOMENT, workers=1)
    expected = Counter("{}-W{:02d}".format(*moment.astimezone(ZoneInfo(zone)).isocalendar()[:2]) for moment in moments)
    assert {week.week: week.responses for week in report.trend if week.responses} == expected


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_response_listed_again_is_counted_once_wherever_the_repeat_lies(
    bench_file: tuple[Manifest, Path, list[dict[str, Any]]], tmp_path: Path, workers: int
) -> None:
    """Two exports concatenated, or lines copied: the report is that of each response once (the first
    line of it counts), whether the repeat is in the same block, in another byte range or odd-shaped."""
    m, _path, documents = bench_file
    once = aggregate_file(m, _write(tmp_path / "once.ndjson", documents), generated_at=MOMENT, workers=1)
    retried = dict(documents[5], received_at="2026-12-31T23:00:00Z")  # a retry, later: the first one counts
    odd = dict(documents[7], hidden={"campaign": 5})  # not the fast path's shape: read the general way
    listed = [*documents[:1500], documents[1499], documents[3], retried, *documents[1500:], odd, *documents[:40]]
    aggregator = aggregate_ndjson(m, _write(tmp_path / "twice.ndjson", listed), workers=workers)
    assert as_json(aggregator.report(generated_at=MOMENT)) == as_json(once)
    assert aggregator.repeated == 44


def test_lines_without_a_response_id_are_each_counted(tmp_path: Path) -> None:
    documents = [json.loads(r.to_json()) for r in synthetic(20)]
    for document in documents[:3]:
        del document["response_id"]
    aggregator = aggregate_ndjson(manifest(), _write(tmp_path / "ids.ndjson", [*documents, *documents[:3]]), workers=1)
    assert (aggregator.added, aggregator.repeated) == (23, 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_export_listed_twice_reads_as_once_even_split_between_the_copies(
    bench_file: tuple[Manifest, Path, list[dict[str, Any]]], tmp_path: Path, workers: int
) -> None:
    m, path, documents = bench_file
    twice = tmp_path / "twice.ndjson"
    twice.write_bytes(path.read_bytes() * 2)
    assert byte_ranges(twice, 2)[0][1] == path.stat().st_size, "two workers get a copy each"
    aggregator = aggregate_ndjson(m, twice, workers=workers)
    assert aggregator.repeated == len(documents)
    assert as_json(aggregator.report(generated_at=MOMENT)) == as_json(aggregate_file(m, path, generated_at=MOMENT))
