"""NDJSON lines decoded into Structs and counted per cell give exactly the report of the general path.

The reader decodes whole blocks of lines with msgspec (`functions/report/shape.py`) and counts each
response once, into its cell; a line the Structs do not fit goes through orjson and
`Aggregator.add_document`. Whatever mix of odd answers a file holds, the report must be the one
the general path makes of the same responses one by one.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec.structs import astuple
from report_data import QUESTIONS, T0, manifest, response

from functions.manifest import Manifest, Page, Question
from functions.report.aggregate import Aggregator
from functions.report.model import as_json
from functions.report.ndjson import NdjsonError, aggregate_file, aggregate_ndjson
from functions.report.shape import LineShape

MOMENT = datetime(2026, 12, 7, tzinfo=UTC)
CONSENT = Question(
    id="contact_ok",
    type="consent",
    page=0,
    text={"fi": "Saatte ottaa minuun yhteyttä.", "sv": "Ni får kontakta mig."},
)


def _survey() -> Manifest:
    questions = [*QUESTIONS, CONSENT]
    return manifest(questions=questions, pages=[Page(questions=[q.id for q in questions])])


def _one_by_one(m: Manifest, lines: list[str]) -> dict[str, Any]:
    """The general path: each line parsed by orjson and added as a document."""
    aggregator = Aggregator(m)
    for line in lines:
        document = orjson.loads(line)
        if document["survey"] == m.id:
            aggregator.add_document(document)
    return as_json(aggregator.report(generated_at=MOMENT))


STAMPS = st.sampled_from(["Z", "+00:00", "+03:00", "naive", "fraction"])


@st.composite
def odd_lines(draw: st.DrawFn) -> list[str]:
    """Responses whose answers fit the Structs, and some that do not (old versions, bad clients)."""
    lines = []
    for i in range(draw(st.integers(1, 40))):
        answers: dict[str, Any] = {
            "recommend": draw(st.sampled_from([0, 6, 9, 10, 10.0, 11, 9.5, True, "9", None, [9]])),
            "satisfaction": draw(st.sampled_from([1, 4, 5, 4.5, False])),
            "visit": draw(st.sampled_from(["groceries", "other", "unknown-option", 3, ["parcel"], None])),
            "topics": draw(st.sampled_from([["price"], ["service", "price"], [], "price", [1, "price"], [{"a": 1}]])),
            "wellbeing": draw(
                st.sampled_from([{"clean": 5, "staff": 1}, {"clean": True}, {"clean": 2.0, "old": 3}, [], "5", None])
            ),
            "visits_per_month": draw(st.sampled_from([0, 3, 2.5, 1e9, -1, True, "3", 2**70, None])),
            "contact_ok": draw(st.sampled_from([True, False, "kyllä", 1, None])),
        }
        if draw(st.booleans()):
            answers["improve"] = draw(st.sampled_from(["Kassajono oli pitkä", "  ", "Jono", True, 5, ["a"]]))
        if draw(st.booleans()):
            answers["contact"] = draw(st.sampled_from(["asiakas@example.fi", "", False]))
        if answers["visit"] == "other":
            answers["visit.other"] = draw(st.sampled_from(["Kukkia", "", 7]))
        at = T0 + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)), microseconds=draw(st.sampled_from([0, 5])))
        document = json.loads(
            response(
                i,
                answers,
                at=at,
                tp=draw(st.sampled_from(["myymala-helsinki", "verkkokauppa", "unknown", "vanha-myymala", None])),
                lang=draw(st.sampled_from(["fi", "sv", "en"])),
                hidden=draw(st.sampled_from([{}, {"campaign": "joulu"}, {"campaign": "kevät", "other": "x"}])),
            ).to_json()
        )
        stamp = draw(STAMPS)
        if stamp == "+00:00":
            document["received_at"] = at.isoformat()
        elif stamp == "+03:00":
            document["received_at"] = at.astimezone(timezone(timedelta(hours=3))).isoformat()
        elif stamp == "naive":
            document["received_at"] = at.replace(tzinfo=None).isoformat()
        if draw(st.integers(0, 9)) == 0:
            document["survey"] = "muu-kysely"
            document["answers"] = {"recommend": {"another": "shape"}}
        lines.append(json.dumps(document, ensure_ascii=False))
    return lines


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_lines())
def test_decoded_lines_give_the_report_of_documents_added_one_by_one(lines: list[str]) -> None:
    m = _survey()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.ndjson"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert as_json(aggregate_file(m, path, generated_at=MOMENT, workers=1)) == _one_by_one(m, lines)


def test_known_values_come_as_one_string_object_each_and_others_from_the_general_decoder() -> None:
    m = _survey()
    shape = LineShape(m)
    assert shape.known is not None and shape.decoder is not None
    usual = response(1, {"visit": "groceries", "topics": ["price"]}, tp="verkkokauppa", lang="sv").to_json()
    first, again = shape.known.decode(usual), shape.known.decode(usual)
    visit = shape.layout.counted.index("visit")
    assert (first.tp, first.lang, astuple(first.answers)[visit]) == ("verkkokauppa", "sv", "groceries")
    assert first.tp is again.tp and first.lang is again.lang  # not a new string per line
    assert astuple(first.answers)[visit] is astuple(again.answers)[visit]
    general = shape.decoder.decode(usual)
    assert general.tp == first.tp and general.tp is not shape.decoder.decode(usual).tp
    for odd in [{"tp": "vanha-myymala"}, {"lang": "en"}, {"answers": {"visit": "kukkakauppa"}}]:
        text = json.dumps(json.loads(usual) | odd)
        with pytest.raises(ValueError):
            shape.known.decode(text)
        assert shape.decoder.decode(text).survey == m.id


def test_answers_of_the_usual_shape_decode_and_odd_ones_do_not() -> None:
    decoder = LineShape(_survey()).decoder
    assert decoder is not None
    usual = response(1, {"recommend": 9, "topics": ["price"], "wellbeing": {"clean": 4}, "contact_ok": True})
    assert astuple(decoder.decode(usual.to_json()).answers)[0] == 9  # answers counted by value come first
    for odd in [{"recommend": True}, {"topics": [{"a": 1}]}, {"wellbeing": {"clean": False}}, {"contact_ok": 1}]:
        with pytest.raises(ValueError):  # msgspec.ValidationError: the line goes the general path
            decoder.decode(response(2, odd).to_json())


def test_a_line_holding_two_responses_is_named_with_its_number_even_beside_a_blank_line(tmp_path: Path) -> None:
    good = response(1, {"recommend": 10}).to_json()
    path = tmp_path / "r.ndjson"
    path.write_text("\n".join([good] * 12 + [good + good, ""] + [good] * 3) + "\n", encoding="utf-8")
    with pytest.raises(NdjsonError) as caught:
        aggregate_file(manifest(), path, workers=1)
    assert f"{path}:13: not JSON" in str(caught.value)


def test_blank_lines_and_windows_line_ends_change_nothing(tmp_path: Path) -> None:
    m = manifest()
    lines = [response(i, {"recommend": i % 11, "topics": ["price"]}).to_json() for i in range(50)]
    plain, odd = tmp_path / "plain.ndjson", tmp_path / "odd.ndjson"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    odd.write_bytes(("\r\n".join(lines[:20]) + "\r\n\r\n  \n" + "\n".join(lines[20:])).encode())
    assert as_json(aggregate_file(m, odd, generated_at=MOMENT, workers=1)) == as_json(
        aggregate_file(m, plain, generated_at=MOMENT, workers=1)
    )


def test_a_time_that_is_no_time_is_named_with_its_line(tmp_path: Path) -> None:
    lines = [json.loads(response(i, {"recommend": 9}).to_json()) for i in range(20)]
    lines[7]["received_at"] = "2026-11-23T25:00:00Z"
    path = tmp_path / "r.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(NdjsonError) as caught:
        aggregate_file(manifest(), path, workers=1)
    assert f"{path}:8: not a response" in str(caught.value)


def test_the_aggregator_of_a_file_still_pickles_for_the_parent_process(tmp_path: Path) -> None:
    """Children send their aggregators through a pipe: no Struct type made per process may stay in one."""
    import pickle

    path = tmp_path / "r.ndjson"
    path.write_text(
        "".join(response(i, {"recommend": 9, "wellbeing": {"clean": 3}}).to_json() + "\n" for i in range(30)),
        encoding="utf-8",
    )
    aggregator = aggregate_ndjson(manifest(), path, workers=1)
    again = pickle.loads(pickle.dumps(aggregator))
    assert as_json(again.report(generated_at=MOMENT)) == as_json(aggregator.report(generated_at=MOMENT))
