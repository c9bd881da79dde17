"""The collect route without Powertools' resolver, so the local server can run posts side by side.

The resolver keeps the current event in class attributes, so the local server resolves one API
event at a time. Posting a response is the hot path, and its slow part is waiting for the commit:
under that lock the store's group commit would never see two responses to batch. So this route
matches `POST /v1/surveys/<survey>/responses` itself and calls the same `collect()` the resolver's
route calls, with the same response building (Powertools' `ResponseBuilder`, no CORS, no
compression: what the resolver does when the API and the site share an origin). Everything else,
including CORS setups, is left to the resolver (the route answers None).
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from functions.collect.handler import CollectDeps, collect
from functions.local.server import ConcurrentRoute

RESPONSES_PATH = re.compile(r"^/v1/surveys/(?P<survey>[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+)/responses$")
"""The resolver's own pattern for `/v1/surveys/<survey>/responses` (Powertools' `<name>` characters)."""


def collect_route(deps: CollectDeps) -> ConcurrentRoute:
    """`POST /v1/surveys/<survey>/responses`, safe to call from many threads at once."""

    def route(event: dict[str, Any]) -> dict[str, Any] | None:
        if deps.allowed_origins or event["requestContext"]["http"]["method"] != "POST":
            return None
        match = RESPONSES_PATH.match(event["rawPath"])
        if match is None:
            return None
        response = collect(event, match["survey"], deps)
        return ResponseBuilder[APIGatewayProxyEventV2](response).build(APIGatewayProxyEventV2(event))

    return route
