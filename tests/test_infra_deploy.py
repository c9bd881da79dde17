"""`palaute deploy` (infra/): packaging the functions, publishing the site, planning and deploying.

S3 and STS run on moto. moto's CloudFormation cannot run the real template (no CloudFront, no
HTTP API) and leaves a change-set stack without outputs, so the full deploy runs against a
botocore Stubber that answers as CloudFormation does; the dry run, which only reads, uses moto.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws
from typer.testing import CliRunner

from infra import artifacts, publish
from infra.deploy import AwsClients, DeployOptions, deploy
from infra.stack import DeployFailed

ROOT = Path(__file__).resolve().parent.parent
REGION: Final = "eu-north-1"
STACK = "palaute-lahde"
SITE_URL = "https://d1n2kasvi4uxi.cloudfront.net"
API_URL = "https://k7xq2m9a1b.execute-api.eu-north-1.amazonaws.com"
SITE_BUCKET = "palaute-lahde-sitebucket-1x2y3z"
STACK_ID = f"arn:aws:cloudformation:{REGION}:123456789012:stack/{STACK}/5eb0e6a9"
CHANGE_SET_ID = f"arn:aws:cloudformation:{REGION}:123456789012:changeSet/palaute-1/9c1d"
NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, aws_credentials: str) -> Iterator[boto3.Session]:
    # moto applies bucket policies but ignores their conditions: the real TLS-only policy would
    # deny the test every request. Its content has its own test below.
    monkeypatch.setattr(artifacts, "tls_only_policy", lambda bucket: '{"Version": "2012-10-17", "Statement": []}')
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def fake_wheels(requirements: list[str], target: Path) -> None:
    """Stands in for pip: one tiny package per requirement, so no test downloads anything."""
    for requirement in requirements:
        name = requirement.split("==")[0].lower().replace("-", "_")
        (target / name).mkdir(parents=True, exist_ok=True)
        (target / name / "__init__.py").write_text(f"# {requirement}\n", encoding="utf-8")
    (target / "bin").mkdir(exist_ok=True)
    (target / "bin" / "pydantic-cli").write_text("#!/bin/sh\n", encoding="utf-8")


def options(tmp_path: Path, **changes: Any) -> DeployOptions:
    values: dict[str, Any] = {"stack": STACK, "specs": ROOT / "survey_specs", "themes": ROOT / "themes",
                              "out": tmp_path / "dist"}  # fmt: skip
    return DeployOptions(**{**values, **changes})


def objects(s3: Any, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


# ---------------------------------------------------------------- dry run (moto)


def test_dry_run_prints_the_plan_and_creates_nothing(aws: boto3.Session, tmp_path: Path) -> None:
    lines: list[str] = []
    result = deploy(options(tmp_path, dry_run=True), AwsClients.from_session(aws), install=fake_wheels,
                    echo=lines.append)  # fmt: skip
    plan = "\n".join(lines)
    assert "dry run: nothing is changed" in plan
    assert "stack: does not exist; it would be created" in plan
    assert f"CodeKey    = {STACK}/code/functions-" in plan
    assert "add     CollectFunction (AWS::Lambda::Function)" in plan
    assert "add     ResponsesTable (AWS::DynamoDB::Table)" in plan
    uploads = {f.key: (f.content_type, f.cache_control) for f in result.site.upload}
    assert uploads["lahde-asiakaskokemus/fi/index.html"] == ("text/html; charset=utf-8", "no-cache")
    listed = [line.split()[1] for line in lines if line.startswith("  upload  ")]
    assert listed == [f.key for f in result.site.upload][: len(listed)]  # assets first, HTML last
    assert uploads[listed[0]][1] == "public, max-age=31536000, immutable"
    assert f"{len(uploads)} to upload, 0 unchanged, 0 to delete" in plan
    assert "msgspec==" in plan and "aws_lambda_powertools==" in plan  # the layer's pins
    assert result.site.upload and not result.stack_changed
    assert aws.client("s3").list_buckets()["Buckets"] == []
    assert aws.client("cloudformation").list_stacks()["StackSummaries"] == []
    assert not (tmp_path / "dist").exists()  # built in a temp dir, the real out dir untouched


STANDIN = """
Parameters:
  CodeBucket: {Type: String}
  CodeKey: {Type: String}
  LayerKey: {Type: String}
  ReleaseId: {Type: String}
  AlarmEmail: {Type: String, Default: ""}
Resources:
  SiteBucket: {Type: AWS::S3::Bucket}
  ResponsesTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
  OldBucket: {Type: AWS::S3::Bucket}
  AlarmTopic:
    Type: AWS::SNS::Topic
    Properties: {DisplayName: Palaute alarms}
Outputs:
  SiteUrl: {Value: "https://d1n2kasvi4uxi.cloudfront.net"}
  ApiUrl: {Value: "https://k7xq2m9a1b.execute-api.eu-north-1.amazonaws.com"}
  SiteBucketName: {Value: !Ref SiteBucket}
"""


def test_dry_run_against_a_deployed_stack_shows_what_would_change(aws: boto3.Session, tmp_path: Path) -> None:
    cfn, s3 = aws.client("cloudformation"), aws.client("s3")
    given = [{"ParameterKey": k, "ParameterValue": "v1"} for k in ("CodeBucket", "CodeKey", "LayerKey", "ReleaseId")]
    cfn.create_stack(StackName=STACK, TemplateBody=STANDIN, Parameters=given)
    bucket = cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"][2]["OutputValue"]
    s3.put_object(Bucket=bucket, Key="vanha-kysely/form.json", Body=b"{}")  # a survey since removed
    lines: list[str] = []
    deploy(options(tmp_path, dry_run=True), AwsClients.from_session(aws), install=fake_wheels, echo=lines.append)
    plan = "\n".join(lines)
    assert "stack: CREATE_COMPLETE" in plan
    assert "add     CollectFunction (AWS::Lambda::Function)" in plan
    assert "modify  ResponsesTable (AWS::DynamoDB::Table): definition changed" in plan
    assert "remove  OldBucket (AWS::S3::Bucket)" in plan
    assert "AlarmTopic" not in plan  # as deployed, and it uses no changed parameter
    assert "(now v1)" in plan
    assert f"site (built for {SITE_URL}) → s3://{bucket}" in plan
    assert "delete  vanha-kysely/form.json" in plan
    assert objects(s3, bucket) == ["vanha-kysely/form.json"]  # still only planned


# ---------------------------------------------------------------- deploy (moto S3 + stubbed CloudFormation)


def stack_description(status: str, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    outputs = {"SiteUrl": SITE_URL, "ApiUrl": API_URL, "SiteBucketName": SITE_BUCKET,
               "ResponsesTableName": "palaute-lahde-ResponsesTable-1AB2",
               "TokensTableName": "palaute-lahde-Tokens-3CD4"}  # fmt: skip
    return {"Stacks": [{
        "StackId": STACK_ID, "StackName": STACK, "CreationTime": datetime(2026, 11, 2, tzinfo=UTC),
        "StackStatus": status, "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
    }]}  # fmt: skip


def absent(stubber: Stubber) -> None:
    stubber.add_client_error("describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist", 400)


def change_set(status: str, reason: str = "") -> dict[str, Any]:
    changes = [{"Type": "Resource", "ResourceChange": {
        "Action": "Add", "LogicalResourceId": "CollectFunction", "ResourceType": "AWS::Lambda::Function"}}]  # fmt: skip
    described = {"ChangeSetName": "palaute-1", "ChangeSetId": CHANGE_SET_ID, "StackName": STACK, "Status": status,
                 "ExecutionStatus": "AVAILABLE", "Changes": changes if status == "CREATE_COMPLETE" else []}  # fmt: skip
    return {**described, "StatusReason": reason} if reason else described


@pytest.fixture
def cloudformation(aws: boto3.Session) -> Iterator[tuple[Any, Stubber, list[dict[str, Any]]]]:
    """A CloudFormation client that answers from a script, recording every change set it is asked for."""
    client = aws.client("cloudformation")
    asked: list[dict[str, Any]] = []
    client.meta.events.register("provide-client-params.cloudformation.CreateChangeSet",
                                lambda params, **_: asked.append(params))  # fmt: skip
    with Stubber(client) as stubber:
        yield client, stubber, asked
        stubber.assert_no_pending_responses()


def test_first_deploy_creates_the_stack_then_publishes_the_site_built_for_its_urls(
    aws: boto3.Session, cloudformation: tuple[Any, Stubber, list[dict[str, Any]]], tmp_path: Path
) -> None:
    cfn, stubber, asked = cloudformation
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})  # as the stack would
    absent(stubber)
    stubber.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stubber.add_response("describe_change_set", change_set("CREATE_COMPLETE"))  # the waiter
    stubber.add_response("describe_change_set", change_set("CREATE_COMPLETE"))
    stubber.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": ANY})
    stubber.add_response("describe_stacks", stack_description("CREATE_COMPLETE"))  # the waiter
    stubber.add_response("describe_stacks", stack_description("CREATE_COMPLETE"))
    lines: list[str] = []
    result = deploy(options(tmp_path), AwsClients(cfn, s3, aws.client("sts")), install=fake_wheels, echo=lines.append)

    params = {p["ParameterKey"]: p["ParameterValue"] for p in asked[0]["Parameters"]}
    assert asked[0]["ChangeSetType"] == "CREATE" and asked[0]["Capabilities"] == ["CAPABILITY_IAM"]
    assert asked[0]["TemplateBody"] == (ROOT / "infra" / "template.yaml").read_text(encoding="utf-8")
    code_bucket = artifacts.artifacts_bucket_name("123456789012", REGION)
    assert params["CodeBucket"] == code_bucket
    assert objects(s3, code_bucket) == sorted([params["CodeKey"], params["LayerKey"]])
    layer = zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket=code_bucket, Key=params["LayerKey"])["Body"].read()))
    assert "python/msgspec/__init__.py" in layer.namelist()
    assert "  add     CollectFunction (AWS::Lambda::Function)" in lines
    assert ("for `palaute token|report|export --aws`: export RESPONSES_TABLE=palaute-lahde-ResponsesTable-1AB2 "
            "TOKENS_TABLE=palaute-lahde-Tokens-3CD4") in lines  # fmt: skip
    page = s3.get_object(Bucket=SITE_BUCKET, Key="lahde-asiakaskokemus/fi/index.html")
    html = page["Body"].read().decode("utf-8")
    assert f'href="{SITE_URL}/lahde-asiakaskokemus/fi/"' in html  # built for the stack's real URLs
    assert f"{API_URL}/v1/surveys/lahde-asiakaskokemus/responses" in html
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    assert ".palaute-build.json" not in objects(s3, SITE_BUCKET)
    assert result.stack_changed and result.outputs["SiteUrl"] == SITE_URL
    assert (tmp_path / "dist" / "lahde-asiakaskokemus" / "form.json").is_file()


def test_redeploying_the_same_code_and_site_changes_nothing(
    aws: boto3.Session, cloudformation: tuple[Any, Stubber, list[dict[str, Any]]], tmp_path: Path
) -> None:
    cfn, stubber, asked = cloudformation
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    site = tmp_path / "published"
    from site_builder.build import build_site

    build_site(ROOT / "survey_specs", ROOT / "themes", site, base_url=SITE_URL, api_url=API_URL)
    publish.publish_site(s3, SITE_BUCKET, publish.plan_site(publish.site_files(site), {}))
    stubber.add_response("describe_stacks", stack_description("UPDATE_COMPLETE", {"AlarmEmail": "palaute@lahde.fi"}))
    stubber.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stubber.add_response("describe_change_set", change_set("FAILED", NO_CHANGES))  # the waiter gives up
    stubber.add_response("describe_change_set", change_set("FAILED", NO_CHANGES))
    stubber.add_response("delete_change_set", {}, {"StackName": STACK, "ChangeSetName": ANY})
    stubber.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    lines: list[str] = []
    result = deploy(options(tmp_path), AwsClients(cfn, s3, aws.client("sts")), install=fake_wheels, echo=lines.append)
    assert f"stack {STACK}: no changes" in lines
    assert {"ParameterKey": "AlarmEmail", "UsePreviousValue": True} in asked[0]["Parameters"]  # kept, not reset
    assert not result.stack_changed
    assert result.site.upload == [] and result.site.delete == [] and result.site.unchanged > 0


def test_a_stack_that_rolled_back_is_reported_with_what_to_do(
    aws: boto3.Session, cloudformation: tuple[Any, Stubber, list[dict[str, Any]]], tmp_path: Path
) -> None:
    cfn, stubber, _ = cloudformation
    stubber.add_response("describe_stacks", stack_description("ROLLBACK_COMPLETE"))
    with pytest.raises(DeployFailed) as failure:
        deploy(options(tmp_path), AwsClients(cfn, aws.client("s3"), aws.client("sts")), install=fake_wheels)
    assert "ROLLBACK_COMPLETE" in failure.value.problems[0]
    assert "delete-stack" in failure.value.problems[1]
    assert aws.client("s3").list_buckets()["Buckets"] == []  # stopped before touching anything


def test_a_survey_that_fails_to_build_stops_the_deploy_before_anything_is_published(
    aws: boto3.Session, cloudformation: tuple[Any, Stubber, list[dict[str, Any]]], tmp_path: Path
) -> None:
    cfn, stubber, _ = cloudformation
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    specs = tmp_path / "survey_specs"
    shutil.copytree(ROOT / "survey_specs", specs)
    spec = specs / "lahde-asiakaskokemus.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("theme:", "teema:", 1), encoding="utf-8")
    stubber.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    stubber.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stubber.add_response("describe_change_set", change_set("FAILED", NO_CHANGES))
    stubber.add_response("describe_change_set", change_set("FAILED", NO_CHANGES))
    stubber.add_response("delete_change_set", {})
    stubber.add_response("describe_stacks", stack_description("UPDATE_COMPLETE"))
    with pytest.raises(DeployFailed) as failure:
        deploy(options(tmp_path, specs=specs), AwsClients(cfn, s3, aws.client("sts")), install=fake_wheels)
    assert any("lahde-asiakaskokemus.yaml" in problem for problem in failure.value.problems)
    assert objects(s3, SITE_BUCKET) == []


def test_deploy_command_prints_the_plan_and_refuses_a_bad_stack_name(aws: boto3.Session, tmp_path: Path) -> None:
    from site_builder.cli import app

    args = ["deploy", "--stack", STACK, "--region", REGION, "--dry-run", "--out", str(tmp_path / "dist")]
    planned = CliRunner().invoke(app, args)
    assert planned.exit_code == 0, planned.output
    assert "Plan for stack palaute-lahde in eu-north-1" in planned.output
    refused = CliRunner().invoke(app, ["deploy", "--stack", "lähde kysely", "--dry-run"])
    assert refused.exit_code == 1
    assert "stack name 'lähde kysely'" in refused.output


# ---------------------------------------------------------------- publishing the site


@pytest.fixture
def built_site(tmp_path: Path) -> Path:
    """The example surveys, built; if the build is broken, a small hand-made tree of the same shape."""
    from site_builder.build import build_site

    out = tmp_path / "site"
    try:
        if not build_site(ROOT / "survey_specs", ROOT / "themes", out, base_url=SITE_URL, api_url=API_URL).problems:
            return out
    except Exception:  # the build is another module's; this test is about the upload
        pass
    shutil.rmtree(out, ignore_errors=True)
    pages = {"lahde-asiakaskokemus/fi/index.html": "<h1>Miten onnistuimme?</h1>",
             "lahde-asiakaskokemus/sv/index.html": "<h1>Hur lyckades vi?</h1>",
             "lahde-asiakaskokemus/form.json": json.dumps({"id": "lahde-asiakaskokemus"}),
             "lahde-asiakaskokemus/assets/logo.0cd2d0fc05.svg": "<svg/>",
             "lahde-asiakaskokemus/qr/myymala-kamppi.png": "PNG", ".palaute-build.json": "{}"}  # fmt: skip
    for key, text in pages.items():
        (out / key).parent.mkdir(parents=True, exist_ok=True)
        (out / key).write_text(text, encoding="utf-8")
    return out


def test_upload_gives_each_file_its_content_type_and_cache_lifetime(aws: boto3.Session, built_site: Path) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    publish.publish_site(s3, SITE_BUCKET, publish.plan_site(publish.site_files(built_site), {}))
    logo = next(k for k in objects(s3, SITE_BUCKET) if k.startswith("lahde-asiakaskokemus/assets/logo."))
    expected = {
        "lahde-asiakaskokemus/fi/index.html": ("text/html; charset=utf-8", "no-cache"),
        "lahde-asiakaskokemus/form.json": ("application/json", "public, max-age=60"),
        logo: ("image/svg+xml", "public, max-age=31536000, immutable"),
        "lahde-asiakaskokemus/qr/myymala-kamppi.png": ("image/png", "public, max-age=3600"),
    }
    for key, headers in expected.items():
        head = s3.head_object(Bucket=SITE_BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == headers, key
    assert not any(key.startswith(".") for key in objects(s3, SITE_BUCKET))
    local = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*")
                   if p.is_file() and not p.name.startswith("."))  # fmt: skip
    assert objects(s3, SITE_BUCKET) == local


def test_republishing_uploads_only_changes_and_removes_a_deleted_survey_but_not_old_assets(
    aws: boto3.Session, built_site: Path
) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    publish.publish_site(s3, SITE_BUCKET, publish.plan_site(publish.site_files(built_site), {}))
    page = built_site / "lahde-asiakaskokemus" / "sv" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Hur lyckades vi?", "Hur gick det?"), encoding="utf-8")
    old_logo = next((built_site / "lahde-asiakaskokemus" / "assets").iterdir())
    old_logo.rename(old_logo.with_name("logo.9f8e7d6c5b.svg"))  # the theme's new logo
    s3.put_object(Bucket=SITE_BUCKET, Key="talvikysely/form.json", Body=b"{}")  # a survey whose spec is gone
    plan = publish.plan_site(publish.site_files(built_site), publish.bucket_etags(s3, SITE_BUCKET))
    assert [f.key for f in plan.upload] == ["lahde-asiakaskokemus/assets/logo.9f8e7d6c5b.svg",
                                            "lahde-asiakaskokemus/sv/index.html"]  # fmt: skip
    assert plan.delete == ["talvikysely/form.json"]
    assert plan.kept == [f"lahde-asiakaskokemus/assets/{old_logo.name}"]
    publish.publish_site(s3, SITE_BUCKET, plan)
    assert "talvikysely/form.json" not in objects(s3, SITE_BUCKET)
    assert f"lahde-asiakaskokemus/assets/{old_logo.name}" in objects(s3, SITE_BUCKET)
    body = s3.get_object(Bucket=SITE_BUCKET, Key="lahde-asiakaskokemus/sv/index.html")["Body"].read()
    assert "Hur gick det?" in body.decode("utf-8")


# ---------------------------------------------------------------- the artifacts bucket


def test_artifacts_bucket_is_made_once_private_encrypted_and_self_cleaning(aws: boto3.Session) -> None:
    s3 = aws.client("s3")
    bucket = artifacts.artifacts_bucket_name("123456789012", REGION)
    assert artifacts.ensure_bucket(s3, bucket, REGION) is True
    assert artifacts.ensure_bucket(s3, bucket, REGION) is False
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["Expiration"]["Days"] > 0


def test_tls_only_policy_denies_plain_http_to_the_bucket_and_its_objects() -> None:
    from importlib import reload

    policy = json.loads(reload(artifacts).tls_only_policy("palaute-artifacts-123456789012-eu-north-1"))
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == ["arn:aws:s3:::palaute-artifacts-123456789012-eu-north-1",
                                     "arn:aws:s3:::palaute-artifacts-123456789012-eu-north-1/*"]  # fmt: skip
