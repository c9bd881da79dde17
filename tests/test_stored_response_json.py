"""A stored response's JSON: what the queue carries, the stores keep and an export holds.

It reads back as the same response, writes every field in one fixed order (the report's fast
path relies on it), writes UTC as `Z`, still reads rows written with an offset or without one,
and a document that is not a response is refused naming its first wrong field.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from collect_data import stored

from functions.report.documents import FIELDS, canonical
from functions.response import ResponseInvalid, StoredResponse, parse_response

RESPONSE_ID = "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f"


def test_a_response_reads_back_as_itself() -> None:
    response = stored(RESPONSE_ID, outcome="tutkija", score=7.5, answers={"recommend": 9, "topics": ["service"]})
    assert parse_response(response.to_json()) == response
    assert parse_response(response.to_json().encode()) == response


def test_every_field_is_written_in_field_order_defaults_too() -> None:
    document = json.loads(stored(RESPONSE_ID, tp=None, hidden={}).to_json())
    assert tuple(document) == FIELDS == StoredResponse.__struct_fields__
    assert document["tp"] is None and document["hidden"] == {} and document["score"] is None
    assert canonical(document)


def test_utc_is_written_as_z_with_microseconds_only_when_there_are_some() -> None:
    at = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    assert json.loads(stored(RESPONSE_ID, at).to_json())["received_at"] == "2026-12-03T09:30:00Z"
    later = at + timedelta(microseconds=250)
    assert json.loads(stored(RESPONSE_ID, later).to_json())["received_at"] == "2026-12-03T09:30:00.000250Z"


@pytest.mark.parametrize(
    ("stamp", "moment"),
    [
        ("2026-12-03T11:30:00+02:00", datetime(2026, 12, 3, 9, 30, tzinfo=UTC)),
        ("2026-12-03T09:30:00.5Z", datetime(2026, 12, 3, 9, 30, 0, 500000, tzinfo=UTC)),
    ],
)
def test_rows_written_with_an_offset_still_read_as_the_same_moment(stamp: str, moment: datetime) -> None:
    document = json.loads(stored(RESPONSE_ID).to_json()) | {"received_at": stamp}
    read = parse_response(json.dumps(document)).received_at
    assert read == moment and read.utcoffset() is not None


def test_a_row_written_without_an_offset_still_reads() -> None:
    document = json.loads(stored(RESPONSE_ID).to_json()) | {"received_at": "2026-12-03T09:30:00"}
    assert parse_response(json.dumps(document)).received_at == datetime(2026, 12, 3, 9, 30)


def test_an_offset_is_kept_when_written_again() -> None:
    helsinki = datetime(2026, 12, 3, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert '"received_at":"2026-12-03T11:30:00+02:00"' in stored(RESPONSE_ID, helsinki).to_json()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"answers": None}, "answers: Expected `object`, got `null`"),
        ({"received_at": "3.12.2026 klo 9.30"}, "received_at: Invalid RFC3339 encoded datetime"),
        ({"received_at": 1796290212}, "received_at: Expected `datetime`, got `int`"),
        ({"hidden": {"campaign": 2026}}, "hidden: Expected `str`, got `int`"),
        ({"ip": "198.51.100.23"}, "ip: unknown field"),
    ],
)
def test_a_document_that_is_not_a_response_names_its_first_wrong_field(change: dict[str, object], problem: str) -> None:
    document = json.loads(stored(RESPONSE_ID).to_json()) | change
    with pytest.raises(ResponseInvalid) as caught:
        parse_response(json.dumps(document))
    assert str(caught.value) == problem


def test_a_missing_field_and_broken_json_are_named_too() -> None:
    document = json.loads(stored(RESPONSE_ID).to_json())
    del document["lang"]
    with pytest.raises(ResponseInvalid, match=r"^lang: Field required$"):
        parse_response(json.dumps(document))
    with pytest.raises(ResponseInvalid, match=r"^response: Invalid JSON") as caught:
        parse_response('{"response_id": ')
    assert caught.value.where == ""
    with pytest.raises(ResponseInvalid, match=r"^response: Invalid JSON"):
        parse_response(b'{"response_id": "\xff"}')
