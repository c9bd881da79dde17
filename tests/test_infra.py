"""The CloudFormation template (infra/template.yaml): valid, wired to real handlers, least privilege,
durable where answers live, private buckets, and a security policy the built pages live within."""

from __future__ import annotations

import importlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from infra.imports import import_closure, module_file
from infra.template import TEMPLATE_PATH, load_template, resources_of_type

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = resources_of_type(TEMPLATE, "AWS::Lambda::Function")
ROLES = resources_of_type(TEMPLATE, "AWS::IAM::Role")
PROVIDED_ENV = ("AWS_", "LAMBDA_", "_HANDLER", "POWERTOOLS_")
"""Set by Lambda itself (or optional Powertools settings): not the template's job."""


def props(name: str) -> dict[str, Any]:
    properties: dict[str, Any] = RESOURCES[name]["Properties"]
    return properties


def allow_statements(role: str) -> list[dict[str, Any]]:
    return [s for policy in props(role)["Policies"] for s in policy["PolicyDocument"]["Statement"]
            if s["Effect"] == "Allow"]  # fmt: skip


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def granted(role: str) -> set[str]:
    return {action for s in allow_statements(role) for action in as_list(s["Action"])}


def role_of(function: str) -> str:
    return str(props(function)["Role"]["Fn::GetAtt"][0])


# ---------------------------------------------------------------- validity


def test_template_passes_cfn_lint_including_informational_rules() -> None:
    cfnlint_api = pytest.importorskip("cfnlint.api")
    config = cfnlint_api.ManualArgs(regions=["eu-north-1", "eu-west-1", "us-east-1"], include_checks=["I"])
    matches = cfnlint_api.lint(TEMPLATE_PATH.read_text(encoding="utf-8"), config=config)
    assert [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches] == []


def test_template_is_small_enough_to_send_inline() -> None:
    assert len(TEMPLATE_PATH.read_bytes()) < 51_200


def test_every_ref_and_getatt_names_a_parameter_resource_or_pseudo_parameter() -> None:
    from infra.template import references

    known = set(RESOURCES) | set(TEMPLATE["Parameters"])
    unknown = {name for name in references(TEMPLATE) if not name.startswith("AWS::")} - known
    assert unknown == set()


# ---------------------------------------------------------------- functions


@pytest.mark.parametrize("resource", sorted(FUNCTIONS))
def test_every_lambda_handler_is_an_importable_callable(resource: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUEUE_URL", "TABLE_NAME", "REPORTS_BUCKET", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)  # importing must not reach for AWS
    module_name, _, attribute = FUNCTIONS[resource]["Handler"].rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    assert callable(handler)


def _env_reads(module: str) -> tuple[set[str], set[str]]:
    """(names read without a default, every name mentioned) across the handler's own code."""
    seen, _ = import_closure([module], ROOT)
    required: set[str] = set()
    mentioned: set[str] = set()
    for name in seen:
        path = module_file(ROOT, name)
        text = path.read_text(encoding="utf-8") if path else ""
        required |= set(re.findall(r'env(?:iron)?\[\s*"([A-Z][A-Z0-9_]*)"\s*\]', text))
        required |= set(re.findall(r'env(?:iron)?\.get\(\s*"([A-Z][A-Z0-9_]*)"\s*\)', text))
        mentioned |= set(re.findall(r'"([A-Z][A-Z0-9_]*)"', text))
    return {n for n in required if not n.startswith(PROVIDED_ENV)}, mentioned


@pytest.mark.parametrize("resource", sorted(FUNCTIONS))
def test_every_function_is_given_the_environment_its_code_reads(resource: str) -> None:
    module = FUNCTIONS[resource]["Handler"].rpartition(".")[0]
    required, mentioned = _env_reads(module)
    given = set(FUNCTIONS[resource]["Environment"]["Variables"])
    assert required - given == set(), "read by the code but not set by the template"
    unused = {n for n in given if not n.startswith(PROVIDED_ENV)} - mentioned
    assert unused == set(), "set by the template but read nowhere in the function's code"


@pytest.mark.parametrize("resource", sorted(FUNCTIONS))
def test_every_function_runs_python_312_on_arm64_and_logs_with_retention(resource: str) -> None:
    function = FUNCTIONS[resource]
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert function["Layers"] == [{"Ref": "DependenciesLayer"}]
    group = function["LoggingConfig"]["LogGroup"]["Ref"]
    assert props(group)["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_collect_api_calls_a_snapstart_version_through_its_alias() -> None:
    assert props("CollectFunction")["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert props("CollectVersion")["FunctionName"] == {"Ref": "CollectFunction"}
    assert "ReleaseId" in str(props("CollectVersion")["Description"])  # new code, new version
    assert props("CollectAlias")["FunctionVersion"] == {"Fn::GetAtt": ["CollectVersion", "Version"]}
    assert props("CollectIntegration")["IntegrationUri"] == {"Ref": "CollectAlias"}
    assert props("CollectInvokePermission")["FunctionName"] == {"Ref": "CollectAlias"}


def test_store_worker_drains_the_queue_reporting_partial_batch_failures() -> None:
    mapping = props("StoreWorkerEventSource")
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["ResponsesQueue", "Arn"]}
    assert mapping["FunctionName"] == {"Ref": "StoreWorkerFunction"}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props("ResponsesQueue")["VisibilityTimeout"] >= 6 * props("StoreWorkerFunction")["Timeout"]


def test_weekly_rule_invokes_the_scheduled_report() -> None:
    rule = props("WeeklyReportRule")
    assert rule["ScheduleExpression"].startswith("cron(") and "MON" in rule["ScheduleExpression"]
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["ScheduledReportFunction", "Arn"]}
    assert props("WeeklyReportPermission")["SourceArn"] == {"Fn::GetAtt": ["WeeklyReportRule", "Arn"]}


def test_http_api_routes_are_the_contracts_paths_and_cors_is_left_to_the_function() -> None:
    declared = resources_of_type(TEMPLATE, "AWS::ApiGatewayV2::Route").values()
    routes = {route["RouteKey"]: route["Target"]["Fn::Sub"] for route in declared}
    assert routes == {
        "POST /v1/surveys/{id}/responses": "integrations/${CollectIntegration}",
        "OPTIONS /v1/surveys/{id}/responses": "integrations/${CollectIntegration}",
        "GET /v1/surveys/{id}/report": "integrations/${ReportIntegration}",
    }
    assert "CorsConfiguration" not in props("HttpApi")
    stage = props("ApiStage")
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert "GET /v1/surveys/{id}/report" in stage["RouteSettings"]
    assert "sourceIp" not in stage["AccessLogSettings"]["Format"]  # no respondent's address is kept


# ---------------------------------------------------------------- least privilege


def test_no_allow_statement_uses_a_wildcard_action_or_resource() -> None:
    statements = [(role, s) for role in ROLES for s in allow_statements(role)]
    statements += [(name, s) for name, policy in resources_of_type(TEMPLATE, "AWS::S3::BucketPolicy").items()
                   for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]  # fmt: skip
    assert statements
    for where, statement in statements:
        assert all("*" not in action for action in as_list(statement["Action"])), where
        assert all(resource != "*" for resource in as_list(statement["Resource"])), where
    assert not any(ROLES[role].get("ManagedPolicyArns") for role in ROLES)


@pytest.mark.parametrize(("function", "actions"), [
    ("CollectFunction", {"sqs:SendMessage", "s3:GetObject", "s3:ListBucket"}),
    ("StoreWorkerFunction", {"dynamodb:PutItem", "dynamodb:ConditionCheckItem", "sqs:ReceiveMessage",
                             "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"}),
    ("ReportFunction", {"dynamodb:Query", "dynamodb:GetItem", "s3:GetObject", "s3:PutObject",
                        "s3:AbortMultipartUpload", "s3:ListBucket"}),
    ("ScheduledReportFunction", {"dynamodb:Query", "s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload",
                                 "s3:ListBucket"}),
])  # fmt: skip
def test_each_function_has_its_own_role_with_only_what_it_calls(function: str, actions: set[str]) -> None:
    role = role_of(function)
    assert [f for f in FUNCTIONS if role_of(f) == role] == [function]
    assert granted(role) == actions | {"logs:CreateLogStream", "logs:PutLogEvents"}


def test_manifests_are_read_as_form_json_only_and_the_worker_writes_only_the_responses_table() -> None:
    collect = {a: s["Resource"] for s in allow_statements("CollectRole") for a in as_list(s["Action"])}
    assert collect["s3:GetObject"] == {"Fn::Sub": "${SiteBucket.Arn}/*/form.json"}
    worker = {a: s["Resource"] for s in allow_statements("StoreWorkerRole") for a in as_list(s["Action"])}
    assert worker["dynamodb:PutItem"] == {"Fn::GetAtt": ["ResponsesTable", "Arn"]}
    report = [s for s in allow_statements("ReportRole") if "dynamodb:GetItem" in as_list(s["Action"])]
    assert [s["Resource"] for s in report] == [{"Fn::GetAtt": ["TokensTable", "Arn"]}]


# ---------------------------------------------------------------- durability and privacy


def test_response_queue_sends_failures_to_an_encrypted_dead_letter_queue_after_five_tries() -> None:
    queue = props("ResponsesQueue")
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": ["ResponsesDeadLetterQueue", "Arn"]},
                                      "maxReceiveCount": 5}  # fmt: skip
    assert queue["SqsManagedSseEnabled"] and props("ResponsesDeadLetterQueue")["SqsManagedSseEnabled"]
    # A standard queue's message expires by its first enqueue time, in the DLQ too.
    assert props("ResponsesDeadLetterQueue")["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]
    alarm = props("DeadLetterAlarm")
    assert alarm["Dimensions"] == [{"Name": "QueueName",
                                    "Value": {"Fn::GetAtt": ["ResponsesDeadLetterQueue", "QueueName"]}}]  # fmt: skip
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_tables_are_on_demand_with_point_in_time_recovery_and_the_stores_keys() -> None:
    from functions import dynamodb_store, tokens

    for name, keys in (("ResponsesTable", dynamodb_store.TABLE_KEYS), ("TokensTable", tokens.TABLE_KEYS)):
        table = props(name)
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert RESOURCES[name]["DeletionPolicy"] == "Retain"
        assert {k: table[k] for k in keys} == keys


@pytest.mark.parametrize("bucket", sorted(resources_of_type(TEMPLATE, "AWS::S3::Bucket")))
def test_buckets_block_every_kind_of_public_access_and_refuse_plain_http(bucket: str) -> None:
    assert props(bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
    }  # fmt: skip
    policies = [p for p in resources_of_type(TEMPLATE, "AWS::S3::BucketPolicy").values()
                if p["Bucket"] == {"Ref": bucket}]  # fmt: skip
    denies = [s for p in policies for s in p["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_site_is_read_only_by_this_distribution_over_https() -> None:
    reads = [s for s in props("SiteBucketPolicy")["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert {s["Principal"]["Service"] for s in reads} == {"cloudfront.amazonaws.com"}
    assert all("${Distribution}" in s["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"] for s in reads)
    origin = props("Distribution")["DistributionConfig"]["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    behaviour = props("Distribution")["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}


def test_generated_reports_expire() -> None:
    rules = props("ReportsBucket")["LifecycleConfiguration"]["Rules"]
    expiring = {rule["Prefix"] for rule in rules if "ExpirationInDays" in rule}
    assert expiring == {"downloads/", "reports/"}  # where functions/report writes


def test_outputs_name_the_urls_buckets_and_tables() -> None:
    assert {"SiteUrl", "ApiUrl", "SiteBucketName", "ManifestBucketName", "ReportsBucketName", "ResponsesTableName",
            "TokensTableName", "QueueUrl", "DeadLetterQueueUrl"} <= set(TEMPLATE["Outputs"])  # fmt: skip


# ---------------------------------------------------------------- content security policy

SITE = "https://d1n2kasvi4uxi.cloudfront.net"
API_ID = "k7xq2m9a1b"
API = f"https://{API_ID}.execute-api.eu-north-1.amazonaws.com"


def content_security_policy() -> dict[str, list[str]]:
    headers = props("SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    text = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    text = text.replace("${HttpApi}", API_ID).replace("${AWS::Region}", "eu-north-1")
    text = text.replace("${AWS::URLSuffix}", "amazonaws.com")
    assert "${" not in text
    directives = [d.split() for d in text.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def allows(csp: dict[str, list[str]], directive: str, url: str) -> bool:
    sources = csp.get(directive, csp.get("default-src", []))
    if url.startswith(("data:", "blob:")):
        return url.split(":")[0] + ":" in sources
    if not re.match(r"^[a-z]+://", url) or url.startswith(SITE + "/"):
        return "'self'" in sources
    origin = "/".join(url.split("/")[:3])
    return origin in sources


def test_security_headers_name_no_third_party_host() -> None:
    hosts = {s for sources in content_security_policy().values() for s in sources if "://" in s or "." in s}
    assert hosts == {API}
    assert content_security_policy()["frame-ancestors"] == ["'none'"]


class _PageResources(HTMLParser):
    """What a page loads or sends, by the CSP directive that governs it."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.inline += [f"<{tag} {k}>" for k in a if k.startswith("on")]
        if "style" in a:
            self.loads.append(("style-src", "'unsafe-inline'"))
        rel = a.get("rel", "")
        kinds = {("script", "src"): "script-src", ("img", "src"): "img-src", ("form", "action"): "form-action",
                 ("iframe", "src"): "frame-src", ("object", "data"): "object-src"}  # fmt: skip
        for (element, attribute), directive in kinds.items():
            if tag == element and attribute in a:
                self.loads.append((directive, a[attribute]))
        if tag == "link" and "stylesheet" in rel:
            self.loads.append(("style-src", a.get("href", "")))
        if tag == "link" and ("icon" in rel or "preload" in rel):
            self.loads.append(("img-src" if "icon" in rel else "font-src", a.get("href", "")))
        if tag == "style":
            self.loads.append(("style-src", "'unsafe-inline'"))
        self._in_script = tag == "script" and "src" not in a and "json" not in a.get("type", "")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("<script> with inline code")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_built_pages_load_and_post_only_what_the_security_policy_allows(tmp_path: Path) -> None:
    from site_builder.build import build_site

    result = build_site(ROOT / "survey_specs", ROOT / "themes", tmp_path, base_url=SITE, api_url=API)
    assert result.problems == []
    csp = content_security_policy()
    pages = sorted(tmp_path.rglob("*.html"))
    assert pages
    for page in pages:
        found = _PageResources()
        found.feed(page.read_text(encoding="utf-8"))
        assert found.inline == [], f"{page.relative_to(tmp_path)}: inline code the policy blocks"
        for directive, url in found.loads:
            if url == "'unsafe-inline'":
                assert "'unsafe-inline'" in csp[directive], f"{page.relative_to(tmp_path)}: inline {directive}"
            else:
                assert allows(csp, directive, url), f"{page.relative_to(tmp_path)}: {directive} blocks {url}"
