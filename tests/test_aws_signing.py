"""Our SigV4 signer signs every request exactly as botocore's SigV4Auth and S3SigV4Auth do.

The signer replaces botocore on the collect function's path for its import cost alone, so it
must agree with botocore byte for byte: the same `Authorization` (credential scope, signed
headers, signature) and the same `X-Amz-*` headers, for generated methods, paths (spaces,
Finnish and Swedish letters, `~`, `+`, dot segments, empty segments), query strings, headers
(with runs of whitespace, and ones botocore leaves unsigned), with and without a session
token, with empty and non-empty bodies, at any time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from hypothesis import example, given, settings
from hypothesis import strategies as st

from functions.aws_https import Endpoint
from functions.aws_signing import Credentials, Scope, UnsignedRequest, remove_dot_segments, sign

WORDS = st.text(alphabet="abcxyzÄäÖöÅå0189 ~+-_.%=@:!$&'()*,;", min_size=0, max_size=8)
SEGMENTS = st.one_of(WORDS, st.sampled_from([".", "..", "", "vastaukset", "form.json", "kysely 2026"]))
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
HEADER_NAMES = st.one_of(
    st.text(alphabet=TOKEN_CHARS + "-", min_size=1, max_size=12).filter(lambda name: name[0] != "-"),
    st.sampled_from(["Content-Type", "If-None-Match", "X-Amz-Target", "User-Agent", "Expect", "X-Amzn-Trace-Id",
                     "x-amzn-query-mode", "Content-MD5", "Traceparent"]),
)  # fmt: skip
RESERVED = {"host", "date", "x-amz-date", "authorization", "x-amz-security-token", "x-amz-content-sha256"}
HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from(" \t"),
                        max_size=30)  # fmt: skip


@st.composite
def wire_paths(draw: st.DrawFn) -> str:
    segments = draw(st.lists(SEGMENTS, max_size=6))
    safe = draw(st.sampled_from(["/~", "~+=@:", ""]))
    path = "/" + "/".join(quote(segment, safe=safe) for segment in segments)
    return path + ("/" if draw(st.booleans()) else "")


@st.composite
def wire_queries(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(WORDS, st.one_of(st.none(), WORDS)), max_size=5))
    return "&".join(quote(key, safe="-_.~") + ("" if value is None else "=" + quote(value, safe="-_.~"))
                    for key, value in pairs)  # fmt: skip


@st.composite
def headers(draw: st.DrawFn) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name in draw(st.lists(HEADER_NAMES, max_size=6)):
        if name.lower() not in RESERVED and name.lower() not in {n.lower() for n in chosen}:
            chosen[name] = draw(HEADER_VALUES)
    return chosen


ENDPOINTS = st.sampled_from([
    Endpoint("https", "sqs.eu-north-1.amazonaws.com"), Endpoint("https", "palaute-site.s3.eu-north-1.amazonaws.com"),
    Endpoint("http", "127.0.0.1", 5000), Endpoint("https", "localhost", 443), Endpoint("http", "localhost", 80),
    Endpoint("https", "s3.cn-north-1.amazonaws.com.cn", 8443), Endpoint("http", "::1", 4566),
])  # fmt: skip
CREDENTIALS = st.builds(
    Credentials,
    access_key=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=20),
    secret_key=st.text(alphabet=TOKEN_CHARS + "/+", min_size=1, max_size=40),
    token=st.one_of(st.none(), st.text(alphabet=TOKEN_CHARS + "/+=", min_size=1, max_size=80)),
)
SCOPES = st.builds(Scope, region=st.sampled_from(["eu-north-1", "us-east-1", "cn-north-1", "eu-central-2"]),
                   service=st.sampled_from(["sqs", "s3", "dynamodb"]), s3=st.booleans())  # fmt: skip
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC))


def botocore_signed(endpoint: Endpoint, request: UnsignedRequest, credentials: Credentials, scope: Scope,
                    now: datetime) -> dict[str, str]:  # fmt: skip
    """The headers botocore's signer gives the same request, at the same time."""
    url = endpoint.url(request.path) + (f"?{request.query}" if request.query else "")
    aws = AWSRequest(method=request.method, url=url, headers=dict(request.headers), data=request.body)
    signer_class = S3SigV4Auth if scope.s3 else SigV4Auth
    signer = signer_class(BotocoreCredentials(*credentials), scope.service, scope.region)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now.replace(tzinfo=None)):
        signer.add_auth(aws)
    return dict(aws.headers.items())


@settings(max_examples=400, deadline=None)
@given(endpoint=ENDPOINTS, method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]), path=wire_paths(),
       query=wire_queries(), extra=headers(), body=st.one_of(st.just(b""), st.binary(max_size=64),
       st.text(max_size=40).map(str.encode)), credentials=CREDENTIALS, scope=SCOPES, now=TIMES)  # fmt: skip
@example(endpoint=Endpoint("https", "sqs.eu-north-1.amazonaws.com"), method="POST", path="/", query="",
         extra={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"},
         body=b'{"QueueUrl":"q"}', credentials=Credentials("AKIDEXAMPLE", "secret", "token"),
         scope=Scope("eu-north-1", "sqs"), now=datetime(2026, 12, 3, 9, 30, 12, tzinfo=UTC))  # fmt: skip
def test_every_request_is_signed_as_botocore_signs_it(
    endpoint: Endpoint, method: str, path: str, query: str, extra: dict[str, str], body: bytes,
    credentials: Credentials, scope: Scope, now: datetime,
) -> None:  # fmt: skip
    request = UnsignedRequest(method, endpoint.host, path, query, extra, body)
    ours = sign(request, credentials, scope, now)
    theirs = botocore_signed(endpoint, request, credentials, scope, now)
    assert ours["Authorization"] == theirs["Authorization"]
    assert {k.lower(): v for k, v in ours.items()} == {k.lower(): v for k, v in theirs.items()}


@given(endpoint=ENDPOINTS)
def test_the_host_header_is_the_one_botocore_derives_from_the_url(endpoint: Endpoint) -> None:
    from botocore.auth import _host_from_url

    assert endpoint.host == _host_from_url(endpoint.url("/"))
    assert Endpoint.from_url(endpoint.url("/")).host == endpoint.host


@given(path=wire_paths())
def test_dot_segments_are_removed_as_botocore_removes_them(path: str) -> None:
    from botocore.utils import normalize_url_path

    assert remove_dot_segments(path) == normalize_url_path(path)


def test_the_aws_documentation_example_signs_to_its_published_signature() -> None:
    """AWS's worked example (IAM ListUsers, 2015-08-30): a check that does not lean on botocore."""
    request = UnsignedRequest("GET", "iam.amazonaws.com", "/", "Action=ListUsers&Version=2010-05-08",
                              {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})  # fmt: skip
    signed = sign(request, Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                  Scope("us-east-1", "iam"), datetime(2015, 8, 30, 12, 36, tzinfo=UTC))  # fmt: skip
    assert signed["X-Amz-Date"] == "20150830T123600Z"
    assert signed["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )


def test_credentials_never_show_their_secret_or_token() -> None:
    shown = repr(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "IQoJb3JpZ2luX2VjEJr"))
    assert "AKIDEXAMPLE" in shown and "wJalr" not in shown and "IQoJ" not in shown
