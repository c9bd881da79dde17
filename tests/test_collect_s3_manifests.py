"""Manifests from the published site bucket, cached in the warm function for a short TTL.

Read through the collect function's own signed S3 reader (`S3Objects`) against moto's server,
through a scripted server for the failures moto does not make, and through a boto3 client as
the report function reads them.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest
from collect_data import cafe_manifest
from moto_server import REGION, aws_server_fixture, moto_server_fixture  # noqa: F401  (fixtures)
from scripted_server import ScriptedServer, Step, scripted_fixture  # noqa: F401  (fixture)

from functions.aws_environment import CredentialSource
from functions.aws_https import AwsHttps, Endpoint
from functions.s3_manifests import ManifestUnavailable, S3Manifests
from functions.s3_objects import NOT_MODIFIED, Boto3Objects, S3Object, S3Objects, xml_error

ACCESS_DENIED = b"""<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied &amp; logged</Message>
<RequestId>4442587FB7D0A2F9</RequestId></Error>"""
INTERNAL = b"<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingObjects:
    """Our S3 reader, counting reads."""

    def __init__(self, objects: S3Objects) -> None:
        self.objects = objects
        self.reads: list[str | None] = []

    def get(self, bucket: str, key: str, if_none_match: str | None = None) -> Any:
        self.reads.append(if_none_match)
        return self.objects.get(bucket, key, if_none_match)


def reader(endpoint: str) -> S3Objects:
    https = AwsHttps(sleep=lambda _: None)
    return S3Objects(https, CredentialSource(os.environ), REGION, Endpoint.from_url(endpoint))


@pytest.fixture
def s3(aws_server: str) -> Any:
    client = boto3.client("s3")
    client.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json", Body=cafe_manifest().to_json().encode())
    return client


def test_a_manifest_is_read_once_per_ttl(s3: Any, aws_server: str) -> None:
    counting, clock = CountingObjects(reader(aws_server)), Clock()
    manifests = S3Manifests(counting, "palaute-site", ttl_seconds=60, clock=clock)
    for _ in range(50):
        manifest = manifests.get("sumppi-kaynti")
    assert manifest is not None and manifest.version == "v1-7c2e"
    assert counting.reads == [None]


def test_a_republished_survey_takes_effect_after_the_ttl(s3: Any, aws_server: str) -> None:
    clock = Clock()
    manifests = S3Manifests(reader(aws_server), "palaute-site", ttl_seconds=60, clock=clock)
    assert manifests.get("sumppi-kaynti").version == "v1-7c2e"  # type: ignore[union-attr]
    s3.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json",
                  Body=cafe_manifest(version="v2-91ab").to_json().encode())  # fmt: skip
    assert manifests.get("sumppi-kaynti").version == "v1-7c2e"  # type: ignore[union-attr]
    clock.now += 61
    assert manifests.get("sumppi-kaynti").version == "v2-91ab"  # type: ignore[union-attr]


def test_an_unchanged_manifest_is_not_downloaded_again(s3: Any, aws_server: str) -> None:
    counting, clock = CountingObjects(reader(aws_server)), Clock()
    manifests = S3Manifests(counting, "palaute-site", ttl_seconds=60, clock=clock)
    first = manifests.get("sumppi-kaynti")
    clock.now += 61
    assert manifests.get("sumppi-kaynti") is first  # the conditional GET said "not modified"
    etag = s3.head_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json")["ETag"]
    assert counting.reads == [None, etag]


def test_the_reader_answers_not_modified_for_the_current_etag(s3: Any, aws_server: str) -> None:
    got = reader(aws_server).get("palaute-site", "sumppi-kaynti/form.json")
    assert isinstance(got, S3Object) and got.etag
    assert reader(aws_server).get("palaute-site", "sumppi-kaynti/form.json", got.etag) is NOT_MODIFIED
    assert isinstance(reader(aws_server).get("palaute-site", "sumppi-kaynti/form.json", '"vanha"'), S3Object)


def test_keys_with_spaces_and_letters_beyond_ascii_are_read(s3: Any, aws_server: str) -> None:
    s3.put_object(Bucket="palaute-site", Key="kesä 2026/~luonnos+1/form.json", Body=b"{}")
    assert reader(aws_server).get("palaute-site", "kesä 2026/~luonnos+1/form.json") == S3Object(
        b"{}", s3.head_object(Bucket="palaute-site", Key="kesä 2026/~luonnos+1/form.json")["ETag"]
    )


def test_an_unknown_survey_is_none_and_remembered(s3: Any, aws_server: str) -> None:
    counting = CountingObjects(reader(aws_server))
    manifests = S3Manifests(counting, "palaute-site", clock=Clock())
    assert manifests.get("ei-ole") is None
    assert manifests.get("ei-ole") is None
    assert len(counting.reads) == 1
    assert manifests.get("../../etc/passwd") is None and len(counting.reads) == 1


def test_a_missing_bucket_is_unavailable_not_an_unknown_survey(aws_server: str) -> None:
    manifests = S3Manifests(reader(aws_server), "ei-sellaista-amparia", clock=Clock())
    with pytest.raises(ManifestUnavailable, match="NoSuchBucket"):
        manifests.get("sumppi-kaynti")


@pytest.mark.parametrize(("status", "body", "code"), [(403, ACCESS_DENIED, "AccessDenied"),
                                                      (500, INTERNAL, "InternalError")])  # fmt: skip
def test_s3_refusing_or_failing_serves_the_stale_copy_or_says_unavailable(
    s3: Any,
    aws_server: str,
    scripted: ScriptedServer,
    status: int,
    body: bytes,
    code: str,
) -> None:
    clock = Clock()
    scripted.answer(Step(200, cafe_manifest().to_json().encode(), {"ETag": '"v1"'}))
    manifests = S3Manifests(reader(scripted.url), "palaute-site", ttl_seconds=60, clock=clock)
    assert manifests.get("sumppi-kaynti") is not None
    failures = 1 if status == 403 else 3  # a 403 is not retried; a 500 is, up to three attempts
    scripted.answer(*[Step(status, body)] * failures)
    clock.now += 120
    assert manifests.get("sumppi-kaynti") is not None
    assert scripted.seen[-1].headers["if-none-match"] == '"v1"'
    scripted.answer(*[Step(status, body)] * failures)
    fresh = S3Manifests(reader(scripted.url), "palaute-site", clock=clock)
    with pytest.raises(ManifestUnavailable, match=f"S3 GetObject failed: {code} \\(HTTP {status}\\)"):
        fresh.get("sumppi-kaynti")
    assert len(scripted.seen) == 1 + 2 * failures


def test_an_s3_error_reply_gives_its_code_and_message() -> None:
    from functions.aws_https import Reply

    assert xml_error(Reply(403, {}, ACCESS_DENIED)) == ("AccessDenied", "Access Denied & logged")
    assert xml_error(Reply(304, {}, b"")) == ("304", "")
    assert xml_error(Reply(502, {}, b"<html>Bad Gateway</html>")) == ("502", "")


def test_a_boto3_client_reads_manifests_too_as_the_report_function_uses_it(s3: Any) -> None:
    clock = Clock()
    manifests = S3Manifests(Boto3Objects(s3), "palaute-site", ttl_seconds=60, clock=clock)
    first = manifests.get("sumppi-kaynti")
    assert first is not None and first.version == "v1-7c2e"
    clock.now += 61
    assert manifests.get("sumppi-kaynti") is first
    assert manifests.get("ei-ole") is None
    with pytest.raises(ManifestUnavailable, match="NoSuchBucket"):
        S3Manifests(Boto3Objects(s3), "ei-sellaista-amparia").get("sumppi-kaynti")
