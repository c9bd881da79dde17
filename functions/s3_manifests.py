"""Manifests read from the published site bucket (`s3://<bucket>/<prefix><survey>/form.json`).

A warm function keeps each manifest for `ttl_seconds` (default one minute), so a burst of posts
costs one S3 read per survey per minute, and a republished survey takes effect within a minute.
After the TTL the object is re-read only if its ETag changed (a conditional GET). A survey that
does not exist is remembered too, so posts to made-up ids cannot turn into an S3 request each.
When S3 fails and a stale copy is at hand, the stale copy is used: accepting a response against
a minute-old manifest beats refusing it; with no copy, `ManifestUnavailable` (answered 503).
Given `make_client` instead of a client, it makes its S3 client on the first read, so the
collect function's module init does not pay for one (under SnapStart it is made before the
snapshot instead).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from functions.manifest import Manifest, ManifestInvalid, parse_manifest
from functions.manifests import SURVEY_ID

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
NOT_MODIFIED_CODES = frozenset({"304", "NotModified"})


class ManifestUnavailable(Exception):
    """The manifest store could not be read (as opposed to: there is no such survey)."""


@dataclass
class _Entry:
    manifest: Manifest | None
    etag: str | None
    fetched: float


class S3Manifests:
    def __init__(
        self, client: S3Client | None, bucket: str, prefix: str = "", ttl_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic, *, make_client: Callable[[], S3Client] | None = None,
    ) -> None:  # fmt: skip
        if client is None and make_client is None:
            raise ValueError("S3Manifests needs a client or make_client")
        self._client = client
        self._make_client = make_client
        self.bucket = bucket
        self.prefix = prefix
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @property
    def client(self) -> S3Client:
        if self._client is None:
            with self._lock:
                if self._client is None and self._make_client is not None:
                    self._client = self._make_client()
        assert self._client is not None
        return self._client

    def key(self, survey_id: str) -> str:
        return f"{self.prefix}{survey_id}/form.json"

    def get(self, survey_id: str) -> Manifest | None:
        if not SURVEY_ID.match(survey_id):
            return None
        now = self.clock()
        with self._lock:
            entry = self._cache.get(survey_id)
        if entry is not None and now - entry.fetched < self.ttl:
            return entry.manifest
        fresh = self._fetch(survey_id, entry, now)
        with self._lock:
            self._cache[survey_id] = fresh
        return fresh.manifest

    def _fetch(self, survey_id: str, entry: _Entry | None, now: float) -> _Entry:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            if entry is not None and entry.etag:
                got = self.client.get_object(Bucket=self.bucket, Key=self.key(survey_id), IfNoneMatch=entry.etag)
            else:
                got = self.client.get_object(Bucket=self.bucket, Key=self.key(survey_id))
            manifest = parse_manifest(got["Body"].read())
            return _Entry(manifest, got.get("ETag"), now)
        except ClientError as err:
            code = str(err.response.get("Error", {}).get("Code", ""))
            if code in NOT_MODIFIED_CODES and entry is not None:
                return _Entry(entry.manifest, entry.etag, now)
            if code in MISSING_CODES:
                return _Entry(None, None, now)
            return self._stale(entry, err)
        except (BotoCoreError, ManifestInvalid) as err:
            return self._stale(entry, err)

    @staticmethod
    def _stale(entry: _Entry | None, err: Exception) -> _Entry:
        if entry is not None and entry.manifest is not None:
            return entry  # keeps its old `fetched`, so the next call tries S3 again
        raise ManifestUnavailable(str(err)) from err
