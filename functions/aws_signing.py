"""AWS Signature Version 4, as botocore signs a request, with nothing but `hmac` and `hashlib`.

The collect function makes two AWS calls (SQS `SendMessage`, S3 `GetObject`). Signing them with
botocore would cost ~190 ms of imports at every cold start (`botocore.auth` pulls in
`botocore.compat` and urllib3), most of the function's budget. So this module copies botocore's
canonical forms exactly, quirks included, and `tests/test_aws_signing.py` checks generated
requests against `botocore.auth.SigV4Auth` / `S3SigV4Auth` for the same credentials and time:

- the canonical path is the wire path with dot segments and empty segments removed, then
  percent-encoded again (so `%20` is signed as `%2520`); for S3 it is the wire path as sent;
- the canonical query is the wire query's `k=v` pairs sorted as sent, not re-encoded;
- header values are trimmed with runs of whitespace made one space; `user-agent`, `expect` and
  the other hop-by-hop headers botocore leaves out are not signed; `host` always is;
- S3 also signs `x-amz-content-sha256`, the body's SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_HEADERS = frozenset({
    "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
})  # fmt: skip
"""botocore's SIGNED_HEADERS_BLACKLIST: headers a proxy may change, so never part of a signature."""


class Credentials(NamedTuple):
    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:  # never the secret or the token, in a log or a traceback
        return f"Credentials(access_key={self.access_key!r}, secret_key=..., token={'...' if self.token else None})"


class UnsignedRequest(NamedTuple):
    """A request as it will go on the wire: `path` and `query` already percent-encoded.

    (Named tuples, not dataclasses, here and in the transport: a frozen dataclass costs ~1.5 ms
    to define, and these modules are on the cold-start path.)
    """

    method: str
    host: str
    """The Host header: lower-case host name, and the port unless it is the scheme's default."""
    path: str
    query: str = ""
    headers: Mapping[str, str] = {}
    body: bytes = b""


class Scope(NamedTuple):
    region: str
    service: str
    s3: bool = False
    """S3's rules: the path is signed as sent, and the payload hash is sent as a header."""


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, and empty segments dropped too, as botocore's `normalize_url_path` does."""
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    first = "/" if path[0] == "/" else ""
    last = "/" if path[-1] == "/" and kept else ""
    return first + "/".join(kept) + last


def canonical_path(path: str, s3: bool) -> str:
    return path if s3 else quote(remove_dot_segments(path), safe="/~")


def canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = sorted((key, value) for key, _, value in (pair.partition("=") for pair in query.split("&")))
    return "&".join(f"{key}={value}" for key, value in pairs)


def _signed_headers(request: UnsignedRequest, added: Mapping[str, str]) -> dict[str, str]:
    signed = {name.lower(): value for name, value in {**request.headers, **added}.items()}
    signed = {name: value for name, value in signed.items() if name not in UNSIGNED_HEADERS}
    signed.setdefault("host", request.host)
    return {name: " ".join(signed[name].split()) for name in sorted(signed)}


def _payload_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256


_keys: dict[tuple[str, str, str, str], bytes] = {}


def signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    """The day's derived key; kept, since a warm function signs with the same one all day."""
    cache_key = (secret_key, day, region, service)
    key = _keys.get(cache_key)
    if key is None:
        key = f"AWS4{secret_key}".encode()
        for part in (day, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        _keys.clear()  # one key at a time: credentials rotate, days pass
        _keys[cache_key] = key
    return key


def sign(request: UnsignedRequest, credentials: Credentials, scope: Scope, now: datetime) -> dict[str, str]:
    """Every header to send (the request's own, `X-Amz-*` and `Authorization`), signed for `now` (UTC).

    `Host` is not among them: the transport sends it, with the value in `request.host`.
    """
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    added = {"X-Amz-Date": stamp}
    if credentials.token:
        added["X-Amz-Security-Token"] = credentials.token
    payload = _payload_hash(request.body)
    if scope.s3:
        added["X-Amz-Content-SHA256"] = payload
    headers = _signed_headers(request, added)
    names = ";".join(headers)
    canonical = "\n".join([
        request.method.upper(), canonical_path(request.path, scope.s3), canonical_query(request.query),
        "".join(f"{name}:{value}\n" for name, value in headers.items()), names, payload,
    ])  # fmt: skip
    day = stamp[:8]
    credential_scope = f"{day}/{scope.region}/{scope.service}/aws4_request"
    to_sign = f"{ALGORITHM}\n{stamp}\n{credential_scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = signing_key(credentials.secret_key, day, scope.region, scope.service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    credential = f"{credentials.access_key}/{credential_scope}"
    authorization = f"{ALGORITHM} Credential={credential}, SignedHeaders={names}, Signature={signature}"
    return {**request.headers, **added, "Authorization": authorization}
