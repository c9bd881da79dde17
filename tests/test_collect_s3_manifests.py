"""Manifests from the published site bucket, cached in the warm function for a short TTL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from collect_data import cafe_manifest
from moto import mock_aws

from functions.s3_manifests import ManifestUnavailable, S3Manifests

REGION = "eu-north-1"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingS3:
    """The moto client, counting reads and able to go offline."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.reads = 0
        self.offline = False

    def get_object(self, **kwargs: Any) -> Any:
        self.reads += 1
        if self.offline:
            raise EndpointConnectionError(endpoint_url="https://s3.eu-north-1.amazonaws.com")
        return self.client.get_object(**kwargs)


@pytest.fixture
def s3(aws_credentials: str) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="palaute-site", CreateBucketConfiguration={"LocationConstraint": REGION})
        client.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json", Body=cafe_manifest().to_json().encode())
        yield client


def test_a_manifest_is_read_once_per_ttl(s3: Any) -> None:
    counting, clock = CountingS3(s3), Clock()
    manifests = S3Manifests(counting, "palaute-site", ttl_seconds=60, clock=clock)  # type: ignore[arg-type]
    for _ in range(50):
        manifest = manifests.get("sumppi-kaynti")
    assert manifest is not None and manifest.version == "v1-7c2e"
    assert counting.reads == 1


def test_a_republished_survey_takes_effect_after_the_ttl(s3: Any) -> None:
    clock = Clock()
    manifests = S3Manifests(s3, "palaute-site", ttl_seconds=60, clock=clock)
    assert manifests.get("sumppi-kaynti").version == "v1-7c2e"  # type: ignore[union-attr]
    s3.put_object(Bucket="palaute-site", Key="sumppi-kaynti/form.json",
                  Body=cafe_manifest(version="v2-91ab").to_json().encode())  # fmt: skip
    assert manifests.get("sumppi-kaynti").version == "v1-7c2e"  # type: ignore[union-attr]
    clock.now += 61
    assert manifests.get("sumppi-kaynti").version == "v2-91ab"  # type: ignore[union-attr]


def test_an_unchanged_manifest_is_not_downloaded_again(s3: Any) -> None:
    clock = Clock()
    manifests = S3Manifests(s3, "palaute-site", ttl_seconds=60, clock=clock)
    first = manifests.get("sumppi-kaynti")
    clock.now += 61
    assert manifests.get("sumppi-kaynti") is first  # the conditional GET said "not modified"


def test_an_unknown_survey_is_none_and_remembered(s3: Any) -> None:
    counting = CountingS3(s3)
    manifests = S3Manifests(counting, "palaute-site", clock=Clock())  # type: ignore[arg-type]
    assert manifests.get("ei-ole") is None
    assert manifests.get("ei-ole") is None
    assert counting.reads == 1
    assert manifests.get("../../etc/passwd") is None and counting.reads == 1


def test_s3_down_serves_the_stale_copy_or_says_unavailable(s3: Any) -> None:
    counting, clock = CountingS3(s3), Clock()
    manifests = S3Manifests(counting, "palaute-site", ttl_seconds=60, clock=clock)  # type: ignore[arg-type]
    assert manifests.get("sumppi-kaynti") is not None
    counting.offline = True
    clock.now += 120
    assert manifests.get("sumppi-kaynti") is not None
    fresh = S3Manifests(counting, "palaute-site", clock=clock)  # type: ignore[arg-type]
    with pytest.raises(ManifestUnavailable):
        fresh.get("sumppi-kaynti")
