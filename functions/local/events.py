"""A plain HTTP request as the API Gateway HTTP API (payload format 2.0) event Lambda would get.

The local server builds these so the collect and report handlers run the very code they run
on AWS. Headers are lower-cased and repeated ones comma-joined, cookies split out, the query
string kept raw and parsed, as API Gateway does. A body that is not UTF-8 text, or not of a
text type, travels base64-encoded with `isBase64Encoded`, again as API Gateway sends it.
The client's address is deliberately not passed on: nothing downstream may store an IP.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")


def _headers(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in pairs:
        key = name.lower()
        if key == "cookie":
            cookies += [part.strip() for part in value.split(";") if part.strip()]
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    return headers, cookies


def _body(body: bytes, content_type: str) -> tuple[str, bool]:
    if not body:
        return "", False
    if content_type.lower().startswith(TEXT_TYPES) or content_type.lower().split(";")[0].endswith("+json"):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def http_api_event(method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes = b"") -> dict[str, Any]:
    """The event for `method target` (target = path plus optional `?query`, as in the request line)."""
    parts = urlsplit(target)
    header_map, cookies = _headers(headers)
    text, encoded = _body(body, header_map.get("content-type", ""))
    query: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path or "/",
        "rawQueryString": parts.query,
        "headers": header_map,
        "requestContext": {
            "accountId": "local",
            "apiId": "palaute-local",
            "domainName": header_map.get("host", "127.0.0.1"),
            "domainPrefix": "palaute-local",
            "http": {
                "method": method.upper(),
                "path": parts.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": header_map.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if query:
        event["queryStringParameters"] = query
    if cookies:
        event["cookies"] = cookies
    return event
