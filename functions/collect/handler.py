"""The collect function: `POST /v1/surveys/{id}/responses` on API Gateway HTTP API (payload v2).

This module only reads the request and maps outcomes to HTTP; `validation.validate_submission`
decides, the `ResponseQueue` makes durable. `handle(event, context, deps)` is what both Lambda
(`lambda_handler`, deps built once at init from the environment) and the local server call.

Status codes: 202 `{"response_id"}` (JSON) or 303 to the thank-you page (form) once the queue
took the response; 400 listing every problem; 404 unknown survey; 409 not open yet (the contract
only names 410, which means "gone for good": a survey that opens next week is not gone, and a
client must not drop the response as it would on 410); 410 closed; 413 body over
`max_body_bytes` (checked before anything is decoded); 415 neither JSON nor form; 503 when the
queue or the manifest store failed (nothing claimed: the browser keeps the response and retries).
A retry with the same `response_id` is simply queued again; the store keeps one copy.

Routing, CORS and the response dict are `gateway.respond` (what Powertools' resolver did, for
one route, without its import cost); Powertools' Logger and Metrics stay. `handle` keeps no
per-event state, so the local server calls it from many threads at once: the survey goes into
each log line's `extra`, not `logger.append_keys` (the logger's keys are shared by every thread,
and would label one request's lines with another's survey). On Lambda the SQS and S3 clients
(signed HTTPS with the standard library, `functions/collect/clients.py`: no botocore at init)
are made at init and, under SnapStart, primed before the snapshot.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from functions.collect.gateway import Reply, respond
from functions.collect.problem import Problem
from functions.collect.request import TooLarge, body_bytes, content_kind, parse_form, parse_json
from functions.collect.validation import Accepted, Rejected, validate_submission
from functions.manifest import Manifest
from functions.manifests import ManifestSource
from functions.queue import QueueUnavailable, ResponseQueue
from functions.s3_manifests import ManifestUnavailable

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="collect")
metrics = Metrics(namespace="Palaute", service="collect")

DEFAULT_MAX_BODY = 64 * 1024
RETRY_AFTER_SECONDS = "5"
NO_STORE = {"Cache-Control": "no-store"}


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CollectDeps:
    manifests: ManifestSource
    queue: ResponseQueue
    site_url: str = ""
    """Base URL of the survey site for the thank-you redirect; "" when site and API share an origin."""
    allowed_origins: tuple[str, ...] = ()
    """Origins allowed to post cross-origin (CORS); empty on the local server (one origin)."""
    clock: Callable[[], datetime] = _utc_now
    max_body_bytes: int = DEFAULT_MAX_BODY
    metrics: Metrics | None = None
    """Powertools Metrics on Lambda; None locally, where nothing would ever flush them (and where
    its dimensions, per invocation and shared by every thread, would mix concurrent requests)."""


@dataclass(frozen=True)
class _Request:
    survey: str
    form: bool
    headers: Mapping[str, str]
    deps: CollectDeps


def _count(request: _Request, name: str) -> None:
    if request.deps.metrics is not None:
        request.deps.metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def _reply_language(headers: Mapping[str, str], languages: list[str]) -> str:
    """The first of the survey's languages the browser asks for, else the survey's default."""
    accept = headers.get("accept-language", "")
    for part in accept.split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in languages:
            return tag
    return languages[0] if languages else "en"


def _refusal(
    request: _Request, status: int, code: str, params: Mapping[str, object],
    manifest: Manifest | None = None, problems: list[Problem] | None = None, lang: str | None = None,
) -> Reply:  # fmt: skip
    """A refusal as JSON for an API client, or as an accessible page for a browser's form post."""
    from functions.collect import replies

    _count(request, "ResponsesRejected")
    languages = manifest.languages if manifest else ["fi", "sv", "en"]
    lang = lang or _reply_language(request.headers, languages)
    if request.form:
        body = replies.rejection_page(code, params, manifest, problems or [], lang, request.deps.site_url)
        content_type = "text/html; charset=utf-8"
    else:
        body = replies.rejection_json(code, params, problems or [], lang)
        content_type = "application/json"
    headers = {**NO_STORE, **({"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else {})}
    return Reply(status, body, content_type, headers)


def _success(request: _Request, response_id: str, lang: str, outcome: str | None, tp: str | None) -> Reply:
    if not request.form:
        return Reply(202, json.dumps({"response_id": response_id}), "application/json", NO_STORE)
    query = urlencode({k: v for k, v in (("outcome", outcome), ("tp", tp)) if v})
    # A quiz's outcome has its own static thank-you page, so it shows without JavaScript.
    outcome_page = f"{outcome}/" if outcome else ""
    location = f"{request.deps.site_url}/{request.survey}/{lang}/thanks/{outcome_page}" + (f"?{query}" if query else "")
    return Reply(303, "", None, {**NO_STORE, "Location": location})


def _load(request: _Request) -> Manifest | Reply:
    try:
        manifest = request.deps.manifests.get(request.survey)
    except ManifestUnavailable:
        logger.exception("manifest store unavailable", extra={"survey": request.survey})
        return _refusal(request, 503, "unavailable", {})
    if manifest is None:
        return _refusal(request, 404, "not_found", {"survey": request.survey})
    if request.deps.metrics is not None:
        request.deps.metrics.add_dimension(name="survey", value=manifest.id)
    status = manifest.status_at(request.deps.clock())
    if status == "closed":
        return _refusal(request, 410, "closed", {}, manifest)
    if status == "not_open":
        return _refusal(request, 409, "not_open", {"opens": str(manifest.opens)}, manifest)
    return manifest


def answer(event: Mapping[str, Any], survey: str, deps: CollectDeps) -> Reply:
    """One posted response, from raw event to HTTP answer."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    kind = content_kind(headers)
    request = _Request(survey, kind == "form", headers, deps)
    if kind is None:
        return _refusal(request, 415, "media_type", {"content_type": headers.get("content-type", "nothing")})
    try:
        raw = body_bytes(event, deps.max_body_bytes)
    except TooLarge:
        return _refusal(request, 413, "too_large", {"limit": deps.max_body_bytes})
    loaded = _load(request)
    if isinstance(loaded, Reply):
        return loaded
    manifest = loaded
    payload = raw if isinstance(raw, Problem) else (parse_form(manifest, raw) if request.form else parse_json(raw))
    if isinstance(payload, Problem):
        return _refusal(request, 400, "invalid", {}, manifest, [payload])
    outcome = validate_submission(manifest, payload, deps.clock())
    if isinstance(outcome, Rejected):
        return _refusal(request, 400, "invalid", {}, manifest, outcome.problems, outcome.lang)
    if not isinstance(outcome, Accepted):
        _count(request, "ResponsesTrapped")
        return _success(request, outcome.response_id, outcome.lang, None, None)
    response = outcome.response
    try:
        deps.queue.send(response)
    except QueueUnavailable:
        logger.exception("queue unavailable", extra={"survey": manifest.id, "response_id": response.response_id})
        return _refusal(request, 503, "unavailable", {}, manifest, lang=response.lang)
    _count(request, "ResponsesAccepted")
    logger.info("response queued", extra={"survey": manifest.id, "response_id": response.response_id})
    tp = response.tp if response.tp and manifest.touchpoint(response.tp) else None
    return _success(request, response.response_id, response.lang, response.outcome, tp)


def handle(event: dict[str, Any], context: object, deps: CollectDeps) -> dict[str, Any]:
    """Answer one API Gateway v2 event with its response dict, with the given dependencies."""
    return respond(event, deps.allowed_origins, lambda survey: answer(event, survey, deps))


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else url


def aws_deps(env: Mapping[str, str] = os.environ) -> CollectDeps:
    """Deps from QUEUE_URL, MANIFEST_BUCKET (MANIFEST_PREFIX, MANIFEST_TTL) and SITE_ORIGIN.

    The clients are made here, and cheaply: no connection is opened and no credentials are looked
    up until the first request needs them.
    """
    from functions.collect.clients import Clients
    from functions.queue import SQSQueue
    from functions.s3_manifests import S3Manifests

    missing = [name for name in ("QUEUE_URL", "MANIFEST_BUCKET", "SITE_ORIGIN") if not env.get(name)]
    if missing:
        raise RuntimeError(f"collect function is missing environment variables: {', '.join(missing)}")
    site = env["SITE_ORIGIN"].rstrip("/")
    clients = Clients(env)
    manifests = S3Manifests(clients.s3(), env["MANIFEST_BUCKET"], env.get("MANIFEST_PREFIX", ""),
                            ttl_seconds=float(env.get("MANIFEST_TTL", "60")))  # fmt: skip
    return CollectDeps(manifests=manifests, queue=SQSQueue(clients.sqs(), env["QUEUE_URL"]),
                       site_url=site, allowed_origins=(_origin(site),), metrics=metrics)  # fmt: skip


def _before_snapshot() -> None:
    """SnapStart: build what the first request would (`clients.prime`) and close every connection.

    A restored copy then starts warm and opens its own connections: a socket in the snapshot
    would be shared by every copy restored from it. Credentials are looked up per request
    (botocore's refreshing providers when the environment has no keys, as under SnapStart), and
    response ids come from `uuid4` (the OS's randomness, never a seeded generator copied into
    every restored copy); so is the retry jitter.
    """
    from functions.collect.clients import prime
    from functions.queue import SQSQueue
    from functions.s3_manifests import S3Manifests

    if _AWS_DEPS is not None and isinstance(_AWS_DEPS.queue, SQSQueue):
        manifests = _AWS_DEPS.manifests
        prime(_AWS_DEPS.queue, manifests if isinstance(manifests, S3Manifests) else None)


def _register_snapstart() -> None:
    """Run `_before_snapshot` when Lambda takes a SnapStart snapshot.

    `snapshot_restore_py` is part of Lambda's Python runtime (3.12 and later), not a dependency
    to package, so it is imported by name and its absence (off Lambda) is not an error.
    """
    from importlib import import_module

    try:
        runtime = import_module("snapshot_restore_py")
    except ImportError:
        return
    runtime.register_before_snapshot(_before_snapshot)


# Built at init, so warm calls (and SnapStart's snapshot) reuse the clients.
_AWS_DEPS: CollectDeps | None = aws_deps() if os.environ.get("QUEUE_URL") else None
if _AWS_DEPS is not None:
    _register_snapstart()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    global _AWS_DEPS
    if _AWS_DEPS is None:
        _AWS_DEPS = aws_deps()
    return handle(event, context, _AWS_DEPS)
