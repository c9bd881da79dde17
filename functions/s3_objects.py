"""S3 `GetObject` (with `If-None-Match`), signed with SigV4, without botocore; and the same read through boto3.

`S3Objects` addresses a bucket as botocore would: virtual-hosted
(`https://<bucket>.s3.<region>.amazonaws.com/<key>`) when the bucket name can be a host name
under TLS, path style (`/<bucket>/<key>`) otherwise and always for an endpoint override (moto's
server, LocalStack). The key is percent-encoded once, `/` and `~` kept, and signed as sent (S3's
SigV4 rule). Errors come as XML (`<Code>`, `<Message>`), or with no body at all for a 304 or a
HEAD, where the HTTP status stands in for the code.

`Boto3Objects` gives a boto3 S3 client the same `get`, for the functions that stay on boto3 (the
report function hands one to `S3Manifests`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol
from urllib.parse import quote

from functions.aws_environment import CredentialSource, dns_suffix
from functions.aws_https import AwsError, AwsHttps, Call, Endpoint, Reply
from functions.aws_signing import Scope, UnsignedRequest, sign

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

OPERATION = "S3 GetObject"
MISSING_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
"""A missing key (404 NoSuchBucket is not: that is the function's configuration, not a survey)."""
NOT_MODIFIED_CODES = frozenset({"304", "NotModified"})
VIRTUAL_HOSTABLE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
"""A bucket name that is one DNS label, so it also matches the wildcard TLS certificate."""
_XML_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL) for name in ("Code", "Message")}
_XML_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}


class S3Object(NamedTuple):
    body: bytes
    etag: str | None


class NotModified:
    """The object still has the ETag the caller named."""


NOT_MODIFIED = NotModified()


class ObjectSource(Protocol):
    def get(self, bucket: str, key: str, if_none_match: str | None = None) -> S3Object | NotModified | None:
        """The object, `NOT_MODIFIED`, or None for no such key; `AwsError` for anything else."""
        ...


def xml_error(reply: Reply) -> tuple[str, str]:
    """The (code, message) of an S3 error reply; the HTTP status as the code when there is no body."""
    text = reply.body.decode("utf-8", "replace")
    found = {name: pattern.search(text) for name, pattern in _XML_FIELD.items()}
    code, message = (_unescape(match.group(1).strip()) if match else "" for match in found.values())
    return code or str(reply.status), message


def _unescape(text: str) -> str:
    return re.sub(r"&(?:lt|gt|quot|apos|amp);", lambda entity: _XML_ENTITIES[entity.group(0)], text)


class S3Objects:
    """Reads objects from S3 buckets in one region; one kept-alive connection per host through `transport`."""

    def __init__(
        self, transport: AwsHttps, credentials: CredentialSource, region: str, endpoint: Endpoint | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:  # fmt: skip
        self.transport = transport
        self.credentials = credentials
        self.region = region
        self.scope = Scope(region, "s3", s3=True)
        self.endpoint_override = endpoint
        self.clock = clock

    def address(self, bucket: str, key: str) -> tuple[Endpoint, str]:
        """The endpoint and the percent-encoded path for one object."""
        encoded = quote(key, safe="/~")
        if self.endpoint_override is not None:
            return self.endpoint_override, f"/{bucket}/{encoded}"
        regional = f"s3.{self.region}.{dns_suffix(self.region)}"
        if VIRTUAL_HOSTABLE.match(bucket) and not bucket.startswith("xn--"):
            return Endpoint("https", f"{bucket}.{regional}"), f"/{encoded}"
        return Endpoint("https", regional), f"/{bucket}/{encoded}"

    def get(self, bucket: str, key: str, if_none_match: str | None = None) -> S3Object | NotModified | None:
        endpoint, path = self.address(bucket, key)
        headers = {"If-None-Match": if_none_match} if if_none_match else {}
        request = UnsignedRequest("GET", endpoint.host, path, "", headers)
        call = Call(OPERATION, endpoint, "GET", path,
                    lambda: sign(request, self.credentials.current(), self.scope, self.clock()),
                    error_codes=xml_error)  # fmt: skip
        reply = self.transport.send(call)
        if reply.status == 200:
            return S3Object(reply.body, reply.headers.get("etag"))
        if reply.status == 304:
            return NOT_MODIFIED
        code, message = xml_error(reply)
        if reply.status == 404 and code in MISSING_CODES:
            return None
        raise AwsError(OPERATION, code, message, reply.status)


class Boto3Objects:
    """A boto3 S3 client behind the same `get`; botocore's errors become `AwsError`."""

    def __init__(self, client: S3Client) -> None:
        self.client = client

    def get(self, bucket: str, key: str, if_none_match: str | None = None) -> S3Object | NotModified | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            if if_none_match:
                got = self.client.get_object(Bucket=bucket, Key=key, IfNoneMatch=if_none_match)
            else:
                got = self.client.get_object(Bucket=bucket, Key=key)
            return S3Object(got["Body"].read(), got.get("ETag"))
        except ClientError as err:
            error = err.response.get("Error", {})
            code, status = str(error.get("Code", "")), err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in NOT_MODIFIED_CODES:
                return NOT_MODIFIED
            if code in MISSING_CODES:
                return None
            raise AwsError(OPERATION, code, str(error.get("Message", "")), status) from err
        except BotoCoreError as err:
            raise AwsError(OPERATION, type(err).__name__, str(err)) from err
