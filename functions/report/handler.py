"""`GET /v1/surveys/{id}/report`: the HTTP face of the report, the same code on AWS and locally.

`handle(event, context, deps)` takes an API Gateway HTTP API (2.0) event; the local server builds
the same event and passes `ReportDeps` with `InlineDelivery`, Lambda passes S3 and DynamoDB
adapters. The handler only checks the caller and the parameters and maps outcomes to HTTP: the
report itself is `functions.report.write_stored_report`.

Order of checks: no Bearer token → 401; unknown survey → 404; wrong token → 403; then parameters
(400, naming the parameter and what would be right). The token is never logged.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.manifest import Manifest
from functions.manifests import ManifestSource
from functions.report import FORMATS, write_stored_report
from functions.report.delivery import NO_STORE, Delivery
from functions.report.filters import FilterError, Filters, parse_filters
from functions.store import ResponseStore
from functions.tokens import TokenStore, token_matches

logger = Logger(service="palaute-report")
PARAMETERS = ("format", "from", "to", "touchpoint", "lang")
SPOOL_BYTES = 16 * 1024 * 1024
_resolving = threading.Lock()
"""Powertools keeps the current event on the router class, so one resolution runs at a time."""


@dataclass(frozen=True)
class ReportDeps:
    manifests: ManifestSource
    store: ResponseStore
    tokens: TokenStore
    delivery: Delivery


def _problem(
    status: int, message: str, parameter: str | None = None, headers: Mapping[str, str] | None = None
) -> Response[str]:
    body: dict[str, Any] = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return Response(status, "application/json", json.dumps(body, ensure_ascii=False), {**NO_STORE, **(headers or {})})


def _bearer(event: Mapping[str, Any]) -> str | None:
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _request(params: Mapping[str, str], manifest: Manifest) -> tuple[str, Filters] | Response[str]:
    """The format and filters asked for, or the 400 answer naming the parameter that is wrong."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        return _problem(400, f"unknown parameter {unknown[0]!r}; the report takes: {', '.join(PARAMETERS)}", unknown[0])
    format = params.get("format") or "html"
    if format not in FORMATS:
        return _problem(400, f"format={format!r}: use one of {', '.join(FORMATS)}", "format")
    try:
        filters = parse_filters(
            manifest, params.get("from"), params.get("to"), params.get("touchpoint"), params.get("lang")
        )
    except FilterError as err:
        return _problem(400, str(err), err.parameter)
    return format, filters


def report_response(event: Mapping[str, Any], survey_id: str, deps: ReportDeps) -> Response[Any]:
    """The answer to one report request (the route body, kept apart so it reads the raw event only)."""
    token = _bearer(event)
    if token is None:
        return _problem(
            401,
            "send the survey's report token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="palaute-report"'},
        )
    manifest = deps.manifests.get(survey_id)
    if manifest is None:
        return _problem(404, f"no survey {survey_id!r} is published")
    if not token_matches(deps.tokens, manifest.id, token):
        return _problem(
            403, f"this token does not open the report of {survey_id!r}; issue a new one with 'palaute token'"
        )
    asked = _request(event.get("queryStringParameters") or {}, manifest)
    if isinstance(asked, Response):
        return asked
    format, filters = asked
    started = time.perf_counter()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        body = cast(BinaryIO, spool)
        file = write_stored_report(manifest, deps.store, format, body, filters)
        size = body.tell()
        body.seek(0)
        elapsed = round(1000 * (time.perf_counter() - started))
        logger.info("report made", extra={"survey": manifest.id, "format": format, "bytes": size, "ms": elapsed,
                                          "filters": filters.as_json()})  # fmt: skip
        if format == "json":
            return Response(200, file.content_type, body.read().decode("utf-8"), NO_STORE)
        return deps.delivery.deliver(manifest.id, file, body)


def handle(event: dict[str, Any], context: object, deps: ReportDeps) -> dict[str, Any]:
    app = APIGatewayHttpResolver()

    @app.get("/v1/surveys/<survey_id>/report")
    def report(survey_id: str) -> Response[Any]:
        return report_response(event, survey_id, deps)

    with _resolving:
        return app.resolve(event, context)  # type: ignore[arg-type]


@cache
def _aws_clients() -> tuple[Any, Any]:
    import boto3

    return boto3.client("dynamodb"), boto3.client("s3")


@cache
def aws_deps() -> ReportDeps:
    """Adapters for Lambda, built once per warm container from the environment."""
    from functions.dynamodb_store import DynamoDBStore
    from functions.report.delivery import S3Delivery
    from functions.s3_manifests import S3Manifests
    from functions.s3_objects import Boto3Objects
    from functions.tokens import DynamoDBTokens

    dynamodb, s3 = _aws_clients()
    return ReportDeps(
        manifests=S3Manifests(Boto3Objects(s3), os.environ["MANIFEST_BUCKET"]),
        store=DynamoDBStore(dynamodb, os.environ["RESPONSES_TABLE"]),
        tokens=DynamoDBTokens(dynamodb, os.environ["TOKENS_TABLE"]),
        delivery=S3Delivery(s3, os.environ["REPORTS_BUCKET"]),
    )


if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and os.environ.get("REPORTS_BUCKET"):
    aws_deps()  # at init, so the first request does not pay for it


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, aws_deps())


@logger.inject_lambda_context
def scheduled_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """EventBridge (weekly): refresh `reports/<survey>/latest.*` for surveys scheduled weekly.

    The event may name `surveys`; otherwise every survey published in the manifest bucket is considered.
    """
    from functions.report.schedule import publish_latest, published_surveys

    deps, (_, s3) = aws_deps(), _aws_clients()
    names = event.get("surveys") or published_surveys(s3, os.environ["MANIFEST_BUCKET"])
    manifests = [m for m in (deps.manifests.get(name) for name in names) if m is not None]
    written = publish_latest(manifests, deps.store, s3, os.environ["REPORTS_BUCKET"])
    logger.info("weekly reports written", extra={"keys": written})
    return {"written": written}
