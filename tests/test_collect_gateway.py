"""The collect function's own routing and CORS answer as Powertools' `APIGatewayHttpResolver` did.

The reference below is the resolver setup the handler used before it dropped the resolver for
its cold start; every event here must get the same response dict from both.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from collect_data import NOW, cafe_manifest, publish
from test_collect_handler import SITE, ListQueue, form_post, json_post, load_event

from functions.collect.gateway import ROUTE
from functions.collect.handler import CollectDeps, answer, handle
from functions.manifests import DirectoryManifests

OTHER_SITE = "https://toinen.example"
VALID = {"recommend": 9, "satisfaction": 5}


def resolver_answer(event: dict[str, Any], deps: CollectDeps) -> dict[str, Any]:
    """What the handler answered through Powertools' resolver."""
    origins = deps.allowed_origins
    cors = None
    if origins:
        cors = CORSConfig(allow_origin=origins[0], extra_origins=list(origins[1:]), allow_headers=["Content-Type"],
                          max_age=600)  # fmt: skip
    app = APIGatewayHttpResolver(cors=cors)

    @app.post("/v1/surveys/<survey>/responses", cors=bool(origins))
    def post_response(survey: str) -> Response[str]:
        reply = answer(app.current_event.raw_event, survey, deps)
        return Response(reply.status, reply.content_type, reply.body, dict(reply.headers))

    return app.resolve(event, cast(Any, None))


def variant(event: dict[str, Any], method: str | None = None, path: str | None = None, **headers: str | None) -> Any:
    changed = copy.deepcopy(event)
    if method:
        changed["requestContext"]["http"]["method"] = method
    if path:
        changed["rawPath"] = changed["requestContext"]["http"]["path"] = path
    for name, value in headers.items():
        if value is None:
            changed["headers"].pop(name, None)
        else:
            changed["headers"][name] = value
    return changed


POST = json_post({"response_id": "0b7d4c1e-8f2a-4e6b-9c3d-5a1f7e9b2c4d", "answers": VALID})
PREFLIGHT = load_event("collect_preflight")
STAGED = variant(POST, path="/prod/v1/surveys/sumppi-kaynti/responses")
STAGED["requestContext"]["stage"] = "prod"
NO_HEADERS = copy.deepcopy(POST)
del NO_HEADERS["headers"]
EVENTS = {
    "json": load_event("collect_json_post"),
    "form": load_event("collect_form_post"),
    "form-base64": load_event("collect_form_post_base64"),
    "preflight": PREFLIGHT,
    "preflight-stranger": variant(PREFLIGHT, origin="https://huijaus.example"),
    "preflight-second-origin": variant(PREFLIGHT, origin=OTHER_SITE),
    "preflight-no-origin": variant(PREFLIGHT, origin=None),
    "preflight-elsewhere": variant(PREFLIGHT, path="/v1/surveys/a/b/responses"),
    "post-stranger": variant(POST, origin="https://huijaus.example"),
    "post-second-origin": variant(POST, origin=OTHER_SITE),
    "post-no-origin": variant(POST, origin=None),
    "post-two-origins": variant(POST, origin=f"{SITE},https://huijaus.example"),
    "post-Origin-spelled-so": variant(variant(POST, origin=None), Origin=SITE),
    "post-lowercase-method": variant(POST, method="post"),
    "post-staged": STAGED,
    "post-no-headers": NO_HEADERS,
    "get": variant(POST, method="GET"),
    "head": variant(POST, method="HEAD"),
    "trailing-slash": variant(POST, path="/v1/surveys/sumppi-kaynti/responses/"),
    "two-ids": variant(POST, path="/v1/surveys/a/b/responses"),
    "empty-id": variant(POST, path="/v1/surveys//responses"),
    "report-path": variant(POST, path="/v1/surveys/sumppi-kaynti/report"),
    "odd-id": variant(POST, path="/v1/surveys/a~(b)!*:@,;=+&$%20<>[]{}|^äö/responses"),
    "invalid": json_post({"answers": {"recommend": 11}}),
    "invalid-form": form_post([("lang", "sv"), ("recommend", "11")]),
    "unknown-survey": json_post({"answers": VALID}, survey="ei-ole"),
    "closed": json_post({"answers": VALID}, survey="kesa-2026"),
    "too-large": json_post(None, raw=b'{"answers": {"improve": "' + b"a" * 70_000 + b'"}}'),
    "plain-text": variant(POST, **{"content-type": "text/plain"}),
    "honeypot": form_post([("website", "http://halpaa.example"), ("recommend", "10")]),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return publish(tmp_path, cafe_manifest(), cafe_manifest(id="kesa-2026", closes=date(2026, 8, 31)))


def deps_for(site: Path, origins: tuple[str, ...], failing: bool = False) -> CollectDeps:
    queue = ListQueue()
    queue.failing = failing
    return CollectDeps(manifests=DirectoryManifests(site), queue=queue, site_url=SITE if origins else "",
                       allowed_origins=origins, clock=lambda: NOW)  # fmt: skip


@pytest.mark.parametrize("origins", [(SITE,), (SITE, OTHER_SITE), ()], ids=["cors", "two-origins", "same-origin"])
@pytest.mark.parametrize("failing", [False, True], ids=["queued", "queue-down"])
@pytest.mark.parametrize("name", list(EVENTS))
def test_every_answer_is_the_resolvers(site: Path, origins: tuple[str, ...], failing: bool, name: str) -> None:
    ours, theirs = deps_for(site, origins, failing), deps_for(site, origins, failing)
    assert handle(copy.deepcopy(EVENTS[name]), None, ours) == resolver_answer(copy.deepcopy(EVENTS[name]), theirs)
    assert cast(ListQueue, ours.queue).sent == cast(ListQueue, theirs.queue).sent


def test_a_preflight_names_the_method_and_the_origin_only_when_allowed(site: Path) -> None:
    deps = deps_for(site, (SITE,))
    allowed = handle(PREFLIGHT, None, deps)
    assert allowed["statusCode"] == 204 and allowed["body"] == ""
    assert allowed["headers"]["Access-Control-Allow-Methods"] == "OPTIONS,POST"
    assert allowed["headers"]["Access-Control-Allow-Origin"] == SITE
    assert "Content-Type" in allowed["headers"]["Access-Control-Allow-Headers"].split(",")
    stranger = handle(variant(PREFLIGHT, origin="https://huijaus.example"), None, deps)
    assert stranger["statusCode"] == 204 and "Access-Control-Allow-Origin" not in stranger["headers"]


def test_without_origins_there_is_no_preflight_and_no_cors_header(site: Path) -> None:
    deps = deps_for(site, ())
    assert handle(PREFLIGHT, None, deps)["statusCode"] == 404
    assert not any(name.startswith("Access-Control") for name in handle(POST, None, deps)["headers"])


def test_anything_but_a_post_to_the_route_is_404_json(site: Path) -> None:
    deps = deps_for(site, (SITE,))
    for event in (variant(POST, method="GET"), variant(POST, path="/v1/surveys/a/b/responses")):
        response = handle(event, None, deps)
        assert response["statusCode"] == 404
        assert response["headers"]["Content-Type"] == "application/json"


def test_a_named_stage_is_not_part_of_the_path(site: Path) -> None:
    assert handle(STAGED, None, deps_for(site, ()))["statusCode"] == 202


@pytest.mark.parametrize(
    "path, survey",
    [("/v1/surveys/sumppi-kaynti/responses", "sumppi-kaynti"), ("/v1/surveys/a.b/responses", "a.b"),
     ("/v1/surveys/a/b/responses", None), ("/v1/surveys//responses", None), ("/v1/surveys/x/responses/", None)],
)  # fmt: skip
def test_the_route_takes_one_path_segment_as_the_survey(path: str, survey: str | None) -> None:
    match = ROUTE.match(path)
    assert (match["survey"] if match else None) == survey
