"""`palaute token` and `palaute report` over a local data folder (real SQLite, built manifest)."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from pathlib import Path

import pytest
from report_data import manifest, nps_responses, response
from typer.testing import CliRunner

from functions.sqlite_store import SQLiteStore
from functions.tokens import SQLiteTokens, token_matches
from site_builder.cli import app

SURVEY = "lahikauppa-palaute"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / ".palaute"
    site = folder / "site" / SURVEY
    site.mkdir(parents=True)
    (site / "form.json").write_text(manifest().to_json(), encoding="utf-8")
    store = SQLiteStore(folder / "palaute.sqlite3")
    for item in [*nps_responses([10, 10, 9, 6, 0]), response(50, {"recommend": 8}, tp="myymala-vaasa")]:
        store.put(item)
    store.close()
    return folder


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_token_prints_a_new_token_as_the_last_word_and_stores_its_hash(data: Path) -> None:
    code, out, err = run("token", SURVEY, "--data", data)
    assert code == 0
    token = out.split()[-1]
    assert token_matches(SQLiteTokens.in_data_dir(data), SURVEY, token)
    assert "Bearer" in err


def test_report_writes_the_csv_named_by_out(data: Path, tmp_path: Path) -> None:
    code, _, err = run("report", SURVEY, "--format", "csv", "--out", tmp_path / "r.csv", "--data", data)
    assert code == 0, err
    lines = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 6 and lines[0].startswith("response_id,")
    assert not list(tmp_path.glob("*.partial"))


def test_report_filters_by_touchpoint_and_writes_json_to_stdout(data: Path) -> None:
    code, out, _ = run(
        "report", SURVEY, "--format", "json", "--out", "-", "--touchpoint", "myymala-vaasa", "--data", data
    )
    assert code == 0
    document = json.loads(out)
    assert document["responses"] == 1 and document["filters"]["touchpoint"] == "myymala-vaasa"


def test_report_without_out_names_the_file_after_survey_and_day(
    data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("report", SURVEY, "--data", data)
    assert code == 0
    [written] = tmp_path.glob(f"{SURVEY}-report-*.html")
    assert f"wrote {written.name}" in err and "Miten onnistuimme?" in written.read_text(encoding="utf-8")


def test_report_reads_the_manifest_from_site_when_given(data: Path, tmp_path: Path) -> None:
    site = tmp_path / "dist"
    (site / SURVEY).mkdir(parents=True)
    (site / SURVEY / "form.json").write_text(manifest(title={"fi": "Toinen otsikko", "sv": "Annan"}).to_json())
    code, _, _ = run("report", SURVEY, "--site", site, "--out", tmp_path / "r.html", "--data", data)
    assert code == 0 and "Toinen otsikko" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_unknown_survey_is_a_user_error_naming_where_it_looked(data: Path) -> None:
    code, _, err = run("report", "ei-ole", "--data", data)
    assert code == 1 and "ei-ole/form.json" in err and "Traceback" not in err


def test_bad_dates_and_formats_are_usage_errors(data: Path) -> None:
    code, _, err = run("report", SURVEY, "--from", "30.11.2026", "--data", data)
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run("report", SURVEY, "--format", "pdf", "--data", data)
    assert code == 2 and "html, csv, xlsx, json" in err


def test_report_without_data_says_which_folder_is_missing(tmp_path: Path) -> None:
    code, _, err = run("report", SURVEY, "--data", tmp_path / "tyhja")
    assert code == 1 and "palaute.sqlite3" in err


def test_token_and_report_with_aws_use_the_deployed_tables_and_bucket(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, aws_credentials: str
) -> None:
    import boto3
    from moto import mock_aws

    from functions.dynamodb_store import TABLE_KEYS, DynamoDBStore
    from functions.tokens import TABLE_KEYS as TOKEN_KEYS
    from functions.tokens import DynamoDBTokens

    for name, value in {"RESPONSES_TABLE": "palaute-responses", "TOKENS_TABLE": "palaute-tokens",
                        "MANIFEST_BUCKET": "palaute-site"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    with mock_aws():
        dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
        dynamodb.create_table(TableName="palaute-responses", BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
        dynamodb.create_table(TableName="palaute-tokens", BillingMode="PAY_PER_REQUEST", **TOKEN_KEYS)
        s3.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
        s3.put_object(Bucket="palaute-site", Key=f"{SURVEY}/form.json", Body=manifest().to_json().encode())
        for item in nps_responses([10, 9, 6]):
            DynamoDBStore(dynamodb, "palaute-responses").put(item)
        code, out, _ = run("token", SURVEY, "--aws")
        assert code == 0 and token_matches(DynamoDBTokens(dynamodb, "palaute-tokens"), SURVEY, out.split()[-1])
        code, out, _ = run("report", SURVEY, "--aws", "--format", "json", "--out", "-")
        assert code == 0 and json.loads(out)["questions"]["recommend"]["score"] == pytest.approx(100 / 3, abs=0.01)


def test_aws_without_the_environment_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOKENS_TABLE", raising=False)
    code, _, err = run("token", SURVEY, "--aws")
    assert code == 1 and "TOKENS_TABLE" in err


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Frozen:
        return cls(2026, 12, 7, 8, 0, tzinfo=tz)


@pytest.mark.parametrize("format", ["json", "csv"])
def test_report_from_an_export_file_equals_the_report_from_the_store(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format: str
) -> None:
    monkeypatch.setattr("functions.report.datetime", _Frozen)  # one generated_at for both reports
    export = tmp_path / "vienti.ndjson"
    assert run("export", export, "--data", data, "--survey", SURVEY)[0] == 0
    code, _, err = run("report", SURVEY, "--format", format, "--out", tmp_path / f"kanta.{format}", "--data", data)
    assert code == 0, err
    code, _, err = run(
        "report", SURVEY, "--format", format, "--out", tmp_path / f"tiedosto.{format}",
        "--responses", export, "--site", data / "site",
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / f"tiedosto.{format}").read_bytes() == (tmp_path / f"kanta.{format}").read_bytes()
    if format == "json":
        assert json.loads((tmp_path / "tiedosto.json").read_bytes())["responses"] == 6


@pytest.mark.parametrize("format", ["json", "csv"])
def test_exports_concatenated_count_each_response_once_and_say_so(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format: str
) -> None:
    monkeypatch.setattr("functions.report.datetime", _Frozen)
    export, twice = tmp_path / "vienti.ndjson", tmp_path / "kahdesti.ndjson"
    assert run("export", export, "--data", data, "--survey", SURVEY)[0] == 0
    twice.write_bytes(export.read_bytes() * 2)
    reports = {}
    for name, file in (("once", export), ("twice", twice)):
        code, _, err = run(
            "report", SURVEY, "--format", format, "--out", tmp_path / f"{name}.{format}",
            "--responses", file, "--site", data / "site",
        )  # fmt: skip
        assert code == 0, err
        reports[name] = (tmp_path / f"{name}.{format}").read_bytes()
    assert reports["twice"] == reports["once"]
    assert f"note: 6 line(s) of {twice} repeat a response" in " ".join(err.split())


def test_report_from_a_file_applies_the_filters(data: Path, tmp_path: Path) -> None:
    export = tmp_path / "vienti.ndjson"
    run("export", export, "--data", data)
    code, out, _ = run(
        "report", SURVEY, "--format", "json", "--out", "-", "--touchpoint", "myymala-vaasa",
        "--responses", export, "--data", data,
    )  # fmt: skip
    assert code == 0 and json.loads(out)["responses"] == 1


@pytest.mark.parametrize("format", ["json", "html", "csv", "xlsx"])
def test_a_bad_line_in_the_file_is_named_by_file_and_line(data: Path, tmp_path: Path, format: str) -> None:
    export = tmp_path / "vienti.ndjson"
    run("export", export, "--data", data)
    lines = export.read_text(encoding="utf-8").splitlines()
    lines.insert(3, '{"survey": "lahikauppa-palaute", "answers": {"recommend": 7}')  # cut short
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / f"r.{format}"
    code, _, err = run("report", SURVEY, "--format", format, "--out", target, "--responses", export, "--data", data)
    assert code == 1 and f"{export}:4: " in err and "Traceback" not in err
    assert not target.exists() and not list(tmp_path.glob("*.partial"))


def test_a_missing_responses_file_is_a_user_error(data: Path, tmp_path: Path) -> None:
    code, _, err = run("report", SURVEY, "--responses", tmp_path / "ei-ole.ndjson", "--data", data)
    assert code == 1 and "ei-ole.ndjson" in err and "Traceback" not in err


def test_a_corrupt_stored_row_is_a_user_error_naming_it(data: Path, tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(data / "palaute.sqlite3") as conn:
        conn.execute("UPDATE responses SET document = '{\"lang\": 1}' WHERE response_id LIKE '%000000000003'")
    code, _, err = run("report", SURVEY, "--format", "json", "--out", tmp_path / "r.json", "--data", data)
    assert code == 1 and "stored response 00000000-0000-4000-8000-000000000003" in err and "Traceback" not in err
