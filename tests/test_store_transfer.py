"""Export and import: a kiosk that ran offline uploads to AWS later, as often as needed, without duplicates."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from collect_data import NOW, stored
from moto import mock_aws
from typer.testing import CliRunner

from functions.dynamodb_store import TABLE_KEYS, DynamoDBStore
from functions.sqlite_store import SQLiteStore
from functions.transfer import export_responses, import_responses
from site_builder.cli import app

REGION = "eu-north-1"


@pytest.fixture
def aws(aws_credentials: str) -> Iterator[DynamoDBStore]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
        yield DynamoDBStore(client, "palaute-responses")


def kiosk(tmp_path: Path, count: int = 5) -> SQLiteStore:
    store = SQLiteStore.in_data_dir(tmp_path / "kiosk")
    for minute in range(count):
        store.put(stored(str(uuid.uuid4()), NOW + timedelta(minutes=minute), tp="kassa"))
    store.put(stored(str(uuid.uuid4()), NOW, survey="tyotyyli"))
    return store


def test_an_export_is_one_stored_response_per_line(tmp_path: Path) -> None:
    out = io.StringIO()
    assert export_responses(kiosk(tmp_path), out, "sumppi-kaynti") == 5
    lines = out.getvalue().splitlines()
    assert len(lines) == 5 and all(json.loads(line)["survey"] == "sumppi-kaynti" for line in lines)


def test_importing_the_same_file_twice_stores_each_response_once(tmp_path: Path, aws: DynamoDBStore) -> None:
    out = io.StringIO()
    export_responses(kiosk(tmp_path), out)
    first = import_responses(aws, out.getvalue().splitlines())
    again = import_responses(aws, out.getvalue().splitlines())
    assert (first.new, first.duplicates) == (6, 0)
    assert (again.new, again.duplicates) == (0, 6)
    assert len(list(aws.responses("sumppi-kaynti"))) == 5


def test_a_broken_line_is_reported_by_number_and_the_rest_still_go_in(tmp_path: Path) -> None:
    good = stored(str(uuid.uuid4())).to_json()
    summary = import_responses(SQLiteStore.in_data_dir(tmp_path), [good, "", '{"survey": "sumppi-kaynti"}', "{rikki"])
    assert summary.new == 1
    assert [p.split(":")[0] for p in summary.problems] == ["line 3", "line 4"]


def test_the_cli_moves_a_kiosks_responses_to_aws_without_duplicates(tmp_path: Path, aws: DynamoDBStore) -> None:
    kiosk(tmp_path)
    runner = CliRunner()
    exported = runner.invoke(app, ["export", "--data", str(tmp_path / "kiosk"), str(tmp_path / "kassa.ndjson")])
    assert exported.exit_code == 0, exported.output
    for _ in range(2):
        upload = ["import", "--aws", "--table", "palaute-responses", str(tmp_path / "kassa.ndjson")]
        imported = runner.invoke(app, upload)
        assert imported.exit_code == 0, imported.output
    assert "imported 0 new, skipped 6 already stored" in imported.output
    assert len(list(aws.all_responses())) == 6
    back = runner.invoke(app, ["export", "--aws", "--table", "palaute-responses", "--survey", "tyotyyli", "-"])
    assert back.exit_code == 0 and back.output.count('"survey":"tyotyyli"') == 1


def test_import_of_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "--data", str(tmp_path), str(tmp_path / "ei-ole.ndjson")])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_aws_without_a_table_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESPONSES_TABLE", raising=False)
    result = CliRunner().invoke(app, ["export", "--aws", str(tmp_path / "x.ndjson")])
    assert result.exit_code == 1 and "RESPONSES_TABLE" in result.output
