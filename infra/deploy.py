"""`palaute deploy`: package the functions, create or update the stack, build the site for the
stack's real URLs and publish it. With `dry_run`, print that plan and change nothing.

Order matters. The stack goes first: on a first deploy the site's URL (CloudFront) and the API's
only exist once it does, and the build bakes both into pages and QR codes. The site goes last:
new code must already accept the manifests it is about to read.

The AWS clients are passed in (`AwsClients`), so tests run the whole thing against moto; the
layer's installer is passed in too, so no test ever downloads a wheel.
"""

from __future__ import annotations

import ast
import hashlib
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra import artifacts, imports, package, publish, stack
from infra.stack import DeployFailed, StackState
from infra.template import TEMPLATE_PATH, lambda_handlers, parse_template

ROOT = Path(__file__).resolve().parent.parent
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,39}$")
"""CloudFormation allows 128 characters; CloudFront names made from it (`<stack>-<region>-index`) allow 64."""
MAX_TEMPLATE_BODY = 51_200
PENDING_SITE = "https://pending-site.invalid"
PENDING_API = "https://pending-api.invalid"
SHOWN = 25
"""Listed lines of the site plan per kind; the rest are counted."""

Echo = Callable[[str], None]


@dataclass(frozen=True)
class AwsClients:
    cloudformation: Any
    s3: Any
    sts: Any

    @classmethod
    def from_session(cls, session: Any) -> AwsClients:
        return cls(session.client("cloudformation"), session.client("s3"), session.client("sts"))


@dataclass(frozen=True)
class DeployOptions:
    stack: str
    specs: Path = Path("survey_specs")
    themes: Path = Path("themes")
    out: Path = Path("dist")
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Extra stack parameters (e.g. AlarmEmail); the code parameters are always set by deploy."""
    dry_run: bool = False
    root: Path = ROOT
    template: Path = TEMPLATE_PATH


@dataclass
class DeployResult:
    stack_changed: bool = False
    outputs: dict[str, str] = field(default_factory=dict)
    site: publish.SitePlan = field(default_factory=publish.SitePlan)


@dataclass(frozen=True)
class _Context:
    """What both a plan and a deploy work from, worked out without changing anything."""

    region: str
    account: str
    state: StackState | None
    text: str
    template: dict[str, Any]
    requirements: list[str]
    bucket: str


def check_handlers(root: Path, handlers: Mapping[str, str]) -> None:
    """Every handler the template names is a top-level function in the packaged code (read, not imported)."""
    problems: list[str] = []
    for resource, handler in sorted(handlers.items()):
        module, _, name = handler.rpartition(".")
        path = imports.module_file(root, module)
        if path is None:
            problems.append(f"{resource}: handler {handler}: no module {module} under {root}")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body):
            problems.append(f"{resource}: handler {handler}: {path.relative_to(root)} defines no function {name}")
    if problems:
        raise DeployFailed(problems)


def layer_requirements(root: Path, handlers: Mapping[str, str]) -> list[str]:
    _, outside = imports.import_closure(imports.handler_modules(handlers.values()), root)
    try:
        return imports.pinned_requirements(imports.third_party(outside))
    except LookupError as err:
        raise DeployFailed([str(err)]) from err


def _context(options: DeployOptions, clients: AwsClients) -> _Context:
    region = clients.cloudformation.meta.region_name
    if not region:
        raise DeployFailed(["no AWS region: pass --region or set AWS_REGION"])
    if not STACK_NAME.match(options.stack):
        raise DeployFailed([f"stack name {options.stack!r}: use letters, digits and '-', start with a letter, "
                            "at most 40 characters"])  # fmt: skip
    text = options.template.read_text(encoding="utf-8")
    template = parse_template(text)
    handlers = lambda_handlers(template)
    check_handlers(options.root, handlers)
    account = str(clients.sts.get_caller_identity()["Account"])
    state = stack.describe_stack(clients.cloudformation, options.stack)
    stack.check_deployable(state)
    bucket = artifacts.artifacts_bucket_name(account, region)
    return _Context(region, account, state, text, template, layer_requirements(options.root, handlers), bucket)


def code_parameters(ctx: _Context, code_key: str, layer_key: str, extra: Mapping[str, str]) -> dict[str, str]:
    release = hashlib.sha256("\n".join([code_key, layer_key, ctx.text]).encode()).hexdigest()[:16]
    return {**extra, "CodeBucket": ctx.bucket, "CodeKey": code_key, "LayerKey": layer_key, "ReleaseId": release}


def build_for(options: DeployOptions, out: Path, site_url: str, api_url: str) -> None:
    """Build the site for the stack's URLs; any problem stops the deploy before anything is published."""
    from site_builder.build import build_site
    from site_builder.problems import BuildFailed

    try:
        result = build_site(options.specs, options.themes, out, base_url=site_url, api_url=api_url)
    except BuildFailed as failure:
        raise DeployFailed([str(p) for p in failure.problems]) from failure
    if result.problems:
        raise DeployFailed([str(p) for p in result.problems])


def deploy(options: DeployOptions, clients: AwsClients, *, install: package.Installer = package.pip_install,
           echo: Echo = print) -> DeployResult:  # fmt: skip
    ctx = _context(options, clients)
    with tempfile.TemporaryDirectory(prefix="palaute-deploy-") as work_dir:
        work = Path(work_dir)
        prefix = f"{options.stack}/"
        code = package.build_code(options.root, work, prefix)
        layer_key = package.layer_key(ctx.requirements, prefix)
        params = code_parameters(ctx, code.key, layer_key, options.parameters)
        if options.dry_run:
            return _dry_run(options, clients, ctx, code, params, work, echo)
        changed = _update_stack(options, clients, ctx, code, params, work, install, echo)
    state = stack.describe_stack(clients.cloudformation, options.stack)
    outputs = state.outputs if state else {}
    missing = [k for k in ("SiteUrl", "ApiUrl", "SiteBucketName") if not outputs.get(k)]
    if missing:
        raise DeployFailed([f"stack {options.stack} has no output {', '.join(missing)}"])
    build_for(options, options.out, outputs["SiteUrl"], outputs["ApiUrl"])
    bucket = outputs["SiteBucketName"]
    site = publish.plan_site(publish.site_files(options.out), publish.bucket_etags(clients.s3, bucket))
    publish.publish_site(clients.s3, bucket, site, echo)
    _echo_outputs(outputs, echo)
    return DeployResult(changed, outputs, site)


def _echo_outputs(outputs: Mapping[str, str], echo: Echo) -> None:
    echo(f"surveys: {outputs['SiteUrl']}/<survey>/")
    echo(f"api:     {outputs['ApiUrl']}")
    names = {"MANIFEST_BUCKET": "ManifestBucketName", "RESPONSES_TABLE": "ResponsesTableName",
             "TOKENS_TABLE": "TokensTableName", "REPORTS_BUCKET": "ReportsBucketName"}  # fmt: skip
    exports = " ".join(f"{env}={outputs[key]}" for env, key in names.items() if outputs.get(key))
    if exports:
        echo(f"for `palaute token|report|export --aws`: export {exports}")


def _update_stack(options: DeployOptions, clients: AwsClients, ctx: _Context, code: package.Artifact,
                  params: dict[str, str], work: Path, install: package.Installer, echo: Echo) -> bool:  # fmt: skip
    s3 = clients.s3
    if artifacts.ensure_bucket(s3, ctx.bucket, ctx.region):
        echo(f"made the artifacts bucket s3://{ctx.bucket}")
    if artifacts.upload_artifact(s3, ctx.bucket, code):
        echo(f"uploaded {code.key}")
    if not artifacts.object_exists(s3, ctx.bucket, params["LayerKey"]):
        echo(f"building the dependency layer for Lambda: {', '.join(ctx.requirements)}")
        try:
            layer = package.build_layer(ctx.requirements, work, params["LayerKey"], install)
        except RuntimeError as err:
            raise DeployFailed([str(err)]) from err
        artifacts.upload_artifact(s3, ctx.bucket, layer)
        echo(f"uploaded {layer.key}")
    source: dict[str, str] = {"TemplateBody": ctx.text}
    if len(ctx.text.encode()) > MAX_TEMPLATE_BODY:
        key = f"{options.stack}/templates/{hashlib.sha256(ctx.text.encode()).hexdigest()[:24]}.yaml"
        s3.put_object(Bucket=ctx.bucket, Key=key, Body=ctx.text.encode(), ContentType="text/yaml")
        source = {"TemplateURL": f"https://{ctx.bucket}.s3.{ctx.region}.amazonaws.com/{key}"}
    parameters = stack.stack_parameters(ctx.template, params, ctx.state)
    echo(f"stack {options.stack}: {'updating' if ctx.state else 'creating'} through a change set")
    return stack.apply_change_set(clients.cloudformation, ctx.state, options.stack, source, parameters, echo)


def _dry_run(options: DeployOptions, clients: AwsClients, ctx: _Context, code: package.Artifact,
             params: dict[str, str], work: Path, echo: Echo) -> DeployResult:  # fmt: skip
    """Print the plan. Only reads: describe, get-template, head and list calls; the site is built in a temp dir."""
    s3, state = clients.s3, ctx.state
    outputs = state.outputs if state else {}
    echo(f"Plan for stack {options.stack} in {ctx.region} (account {ctx.account}); dry run: nothing is changed")
    echo(f"stack: {state.status if state else 'does not exist; it would be created'}")
    echo("parameters:")
    width = max(len(k) for k in params)
    for key, value in params.items():
        was = state.parameters.get(key) if state else None
        echo(f"  {key:<{width}} = {value}" + (f"   (now {was})" if was is not None and was != value else ""))
    have_bucket = artifacts.bucket_exists(s3, ctx.bucket)
    echo(f"artifacts: s3://{ctx.bucket}" + ("" if have_bucket else " (would be made)"))
    for label, key, what in (("code ", code.key, f"{code.path.stat().st_size if code.path else 0:,} bytes"),
                             ("layer", params["LayerKey"], ", ".join(ctx.requirements))):  # fmt: skip
        there = have_bucket and artifacts.object_exists(s3, ctx.bucket, key)
        echo(f"  {label} {key} ({what}): {'already uploaded' if there else 'would be uploaded'}")
    changes = stack.planned_changes(clients.cloudformation, state, ctx.template, params)
    echo(f"changes ({len(changes)}):" if changes else "changes: none")
    for line in changes:
        echo(f"  {line}")
    site_url, api_url = outputs.get("SiteUrl", PENDING_SITE), outputs.get("ApiUrl", PENDING_API)
    build_for(options, work / "site", site_url, api_url)
    bucket = outputs.get("SiteBucketName")
    existing = publish.bucket_etags(s3, bucket) if bucket else {}
    site = publish.plan_site(publish.site_files(work / "site"), existing)
    _echo_site(site, site_url, bucket, echo)
    return DeployResult(False, dict(outputs), site)


def _echo_site(site: publish.SitePlan, site_url: str, bucket: str | None, echo: Echo) -> None:
    echo(f"site (built for {site_url}) → {f's3://{bucket}' if bucket else 'the site bucket, once created'}:")
    for file in site.upload[:SHOWN]:
        echo(f"  upload  {file.key}  [{file.content_type}; {file.cache_control}]")
    if len(site.upload) > SHOWN:
        echo(f"  … and {len(site.upload) - SHOWN} more to upload")
    for key in site.delete[:SHOWN]:
        echo(f"  delete  {key}")
    if len(site.delete) > SHOWN:
        echo(f"  … and {len(site.delete) - SHOWN} more to delete")
    echo(f"  {len(site.upload)} to upload, {site.unchanged} unchanged, {len(site.delete)} to delete"
         + (f", {len(site.kept)} old hashed assets kept" if site.kept else ""))  # fmt: skip
