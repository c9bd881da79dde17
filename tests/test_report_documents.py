"""The report's read path from a store: rows parsed with orjson straight into the tallies.

The report made so must be byte for byte the report of the same rows validated as
`StoredResponse` one by one (the path it replaced), for either store and any filter; a row of
another shape still counts the same, and a corrupt row stops the report, named.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import orjson
import pytest
from moto import mock_aws
from report_data import T0, manifest, response, synthetic

from functions.dynamodb_store import TABLE_KEYS, DynamoDBStore
from functions.report import write_report, write_stored_report
from functions.report.documents import CorruptResponse, aggregate_stored, canonical
from functions.report.filters import Filters, stored_responses
from functions.sqlite_store import SQLiteStore
from functions.store import ResponseStore

MOMENT = datetime(2026, 12, 7, tzinfo=UTC)
SURVEY = "lahikauppa-palaute"
FILTERS = [
    Filters(),
    Filters(start=T0.date() + timedelta(days=1), end=T0.date() + timedelta(days=2)),
    Filters(touchpoint="myymala-vaasa"),
    Filters(touchpoint="(none)", lang="sv"),
]


def _record_report(store: ResponseStore, format: str, filters: Filters) -> bytes:
    """The report as it was made before: every row validated as `StoredResponse`."""
    out = io.BytesIO()
    write_report(manifest(), stored_responses(store, manifest(), filters), format, out, filters, MOMENT)
    return out.getvalue()


def _stored_report(store: ResponseStore, format: str, filters: Filters) -> bytes:
    out = io.BytesIO()
    write_stored_report(manifest(), store, format, out, filters, MOMENT)
    return out.getvalue()


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "palaute.sqlite3")
    yield store
    store.close()


@pytest.fixture
def dynamodb(aws_credentials: str) -> Iterator[DynamoDBStore]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-north-1")
        client.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
        yield DynamoDBStore(client, "palaute-responses")


def _raw_row(store: SQLiteStore, response_id: str, document: str, received_at: str) -> None:
    """A row as an older tool (or a damaged disk) left it: not through `put`."""
    with store._connection() as conn:
        conn.execute(
            "INSERT INTO responses (response_id, survey, received_at, document) VALUES (?, ?, ?, ?)",
            (response_id, SURVEY, received_at, document),
        )


def test_every_stored_response_has_the_shape_the_fast_path_takes() -> None:
    for stored in synthetic(500):
        assert canonical(orjson.loads(stored.to_json()))


@pytest.mark.parametrize("filters", FILTERS, ids=["all", "two-days", "touchpoint", "no-touchpoint-sv"])
@pytest.mark.parametrize("format", ["json", "html"])
def test_the_sqlite_report_equals_the_report_of_validated_records(
    sqlite: SQLiteStore, format: str, filters: Filters
) -> None:
    for stored in synthetic(1500):
        sqlite.put(stored)
    fast = _stored_report(sqlite, format, filters)
    assert fast == _record_report(sqlite, format, filters)
    if format == "json" and filters == Filters():
        assert json.loads(fast)["responses"] == 1500


def test_the_dynamodb_report_equals_the_report_of_validated_records(dynamodb: DynamoDBStore) -> None:
    for stored in synthetic(300):
        dynamodb.put(stored)
    for filters in FILTERS:
        fast = _stored_report(dynamodb, "json", filters)
        assert fast == _record_report(dynamodb, "json", filters)
    assert json.loads(_stored_report(dynamodb, "json", Filters()))["responses"] == 300


def test_rows_of_another_shape_are_validated_and_counted_the_same(sqlite: SQLiteStore) -> None:
    for stored in synthetic(40):
        sqlite.put(stored)
    older = {  # no defaults written, an offset instead of Z, a float score
        "response_id": "00000000-0000-4000-8000-900000000001",
        "survey": SURVEY,
        "received_at": "2026-11-23T12:00:00+02:00",
        "manifest_version": "v0",
        "lang": "sv",
        "answers": {"recommend": 3, "visit": "other", "visit.other": "Kaffe"},
        "score": 2,
    }
    _raw_row(sqlite, older["response_id"], json.dumps(older), "2026-11-23T10:00:00.000000Z")
    assert not canonical(older)
    report = _stored_report(sqlite, "json", Filters())
    assert report == _record_report(sqlite, "json", Filters())
    assert json.loads(report)["responses"] == 41


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ('{"survey": "lahikauppa-palaute", "received_at": "2026-11-23T10:00:00Z"}', "response_id: Field required"),
        ("{not json", "Invalid JSON"),
    ],
)
def test_a_corrupt_row_stops_the_report_naming_the_row(sqlite: SQLiteStore, document: str, problem: str) -> None:
    for stored in synthetic(10):
        sqlite.put(stored)
    _raw_row(sqlite, "00000000-0000-4000-8000-900000000002", document, "2026-11-23T10:00:00.000000Z")
    with pytest.raises(CorruptResponse, match=r"stored response 00000000-0000-4000-8000-900000000002 .*") as err:
        aggregate_stored(manifest(), sqlite)
    assert problem in str(err.value)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"hidden": {"campaign": None}}, "hidden: Expected `str`, got `null`"),
        ({"hidden": {"campaign": "joulu", "source": 5}}, "hidden: Expected `str`, got `int`"),
        ({"score": "high"}, "score"),
        ({"manifest_version": 3}, "manifest_version"),
        ({"ip": "192.0.2.1"}, "ip"),
        ({"received_at": "2026-11-23 10:00"}, "received_at"),
    ],
)
def test_a_row_parse_response_refuses_stops_the_report_even_among_clean_ones(
    sqlite: SQLiteStore, change: dict[str, object], problem: str
) -> None:
    """The counted fields may be fine: a row the stored form does not allow is corrupt all the same."""
    for stored in synthetic(300):
        sqlite.put(stored)
    row = orjson.loads(response(9, {"recommend": 7}).to_json()) | change
    _raw_row(sqlite, "00000000-0000-4000-8000-900000000003", json.dumps(row), "2026-11-23T10:00:00.000000Z")
    with pytest.raises(CorruptResponse, match=r"stored response 00000000-0000-4000-8000-900000000003 .*") as err:
        aggregate_stored(manifest(), sqlite)
    assert problem in str(err.value)


def test_clean_rows_are_counted_in_batches_not_parsed_one_by_one(
    sqlite: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for stored in synthetic(600):
        sqlite.put(stored)
    expected = _record_report(sqlite, "json", Filters())

    def one_by_one(*_args: object) -> None:
        raise AssertionError("a clean row was parsed on its own")

    monkeypatch.setattr("functions.report.aggregate.Aggregator.add_document", one_by_one)
    assert _stored_report(sqlite, "json", Filters()) == expected


def test_a_row_outside_the_filters_is_not_counted_whatever_its_shape(sqlite: SQLiteStore) -> None:
    sqlite.put(response(1, {"recommend": 10}, tp="myymala-vaasa"))
    sqlite.put(response(2, {"recommend": 0}, tp="verkkokauppa"))
    report = aggregate_stored(manifest(), sqlite, Filters(touchpoint="myymala-vaasa")).report()
    assert report.responses == 1 and report.overall.questions["recommend"].n == 1
