"""API Gateway HTTP API (payload 2.0) in and out, for the collect function's one route.

The one route table and reply builder of the collect function, on Lambda and in `palaute serve`
(whose server hands every non-report `/v1` request to `handler.handle` as an API Gateway event).

This is what Powertools' `APIGatewayHttpResolver` did for the function, without importing it
(its event handler package cost about 90 ms of every cold start): match
`POST /v1/surveys/<survey>/responses`, answer a CORS preflight, add the CORS headers when the
request comes from an allowed origin, answer 404 to anything else, and shape the response dict.
The answers are the resolver's, header for header: `tests/test_collect_gateway.py` holds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ROUTE = re.compile(r"^/v1/surveys/(?P<survey>[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+)/responses$")
"""The resolver's pattern for `/v1/surveys/<survey>/responses` (the characters its `<name>` takes)."""

ALLOW_HEADERS = "Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key"
"""Request headers a cross-origin post may send (the resolver's defaults, which include Content-Type)."""
ALLOW_METHODS = "OPTIONS,POST"
MAX_AGE = "600"
"""Seconds a browser may reuse a preflight answer."""
NOT_FOUND = '{"statusCode":404,"message":"Not found"}'


@dataclass(frozen=True)
class Reply:
    """An HTTP answer before it is shaped for API Gateway."""

    status: int
    body: str = ""
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def _origin(headers: Mapping[str, Any]) -> str | None:
    """The `Origin` header; API Gateway joins repeated headers with commas, and the first counts."""
    origin = headers.get("origin")
    if isinstance(origin, str) and "," in origin:
        return origin.split(",")[0]
    return origin if isinstance(origin, str) else None


def _path(event: Mapping[str, Any]) -> str:
    """The path the route sees: `rawPath` without a named stage's prefix."""
    raw: str = event["rawPath"]
    stage = event["requestContext"].get("stage", "$default")
    return raw if stage == "$default" else raw[len("/" + stage) :]


def respond(event: Mapping[str, Any], origins: tuple[str, ...], post: Callable[[str], Reply]) -> dict[str, Any]:
    """Route one event: `post(survey)` answers the collect route; CORS only when `origins` are given."""
    method = str(event["requestContext"]["http"]["method"]).upper()
    match = ROUTE.match(_path(event)) if method == "POST" else None
    if match is not None:
        reply = post(match["survey"])
    elif origins and method == "OPTIONS":
        reply = Reply(204, headers={"Access-Control-Allow-Methods": ALLOW_METHODS})
    else:
        reply = Reply(404, NOT_FOUND, "application/json")
    headers = dict(reply.headers)
    if reply.content_type:
        headers.setdefault("Content-Type", reply.content_type)
    if origins:
        origin = _origin({str(k).lower(): v for k, v in (event.get("headers") or {}).items()})
        if origin and origin in origins:
            headers |= {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "Access-Control-Max-Age": MAX_AGE}  # fmt: skip
    return {"statusCode": reply.status, "body": reply.body, "isBase64Encoded": False, "headers": headers,
            "cookies": []}  # fmt: skip
