"""Manifests read from the published site bucket (`s3://<bucket>/<prefix><survey>/form.json`).

A warm function keeps each manifest for `ttl_seconds` (default one minute), so a burst of posts
costs one S3 read per survey per minute, and a republished survey takes effect within a minute.
After the TTL the object is re-read only if its ETag changed (a conditional GET). A survey that
does not exist is remembered too, so posts to made-up ids cannot turn into an S3 request each.
When S3 fails and a stale copy is at hand, the stale copy is used: accepting a response against
a minute-old manifest beats refusing it; with no copy, `ManifestUnavailable` (answered 503).
The objects come from an `ObjectSource`: the collect function's `S3Objects` (signed HTTPS,
no botocore at init), or a boto3 S3 client wrapped in `Boto3Objects` (the report function).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from functions.aws_https import AwsError
from functions.manifest import Manifest, ManifestInvalid, parse_manifest
from functions.manifests import SURVEY_ID
from functions.s3_objects import NotModified, ObjectSource


class ManifestUnavailable(Exception):
    """The manifest store could not be read (as opposed to: there is no such survey)."""


@dataclass
class _Entry:
    manifest: Manifest | None
    etag: str | None
    fetched: float


class S3Manifests:
    def __init__(
        self, objects: ObjectSource, bucket: str, prefix: str = "", ttl_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.objects = objects
        self.bucket = bucket
        self.prefix = prefix
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: dict[str, _Entry] = {}
        self._lock = threading.Lock()

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
        try:
            got = self.objects.get(self.bucket, self.key(survey_id), entry.etag if entry is not None else None)
            if got is None:
                return _Entry(None, None, now)
            if isinstance(got, NotModified):
                return _Entry(entry.manifest if entry else None, entry.etag if entry else None, now)
            return _Entry(parse_manifest(got.body), got.etag, now)
        except (AwsError, ManifestInvalid) as err:
            return self._stale(entry, err)

    @staticmethod
    def _stale(entry: _Entry | None, err: Exception) -> _Entry:
        if entry is not None and entry.manifest is not None:
            return entry  # keeps its old `fetched`, so the next call tries S3 again
        raise ManifestUnavailable(str(err)) from err
