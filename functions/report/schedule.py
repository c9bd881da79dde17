"""The weekly report run: for each survey with `report.schedule: weekly`, the latest HTML, XLSX and
CSV go to the reports bucket under a stable key (`reports/<survey>/latest.<format>`), so whoever
shares them (a presigned link, a sync job) always finds this week's files in the same place.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, BinaryIO, cast

from functions.manifest import Manifest
from functions.report import write_stored_report
from functions.store import ResponseStore

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SCHEDULED_FORMATS = ("html", "xlsx", "csv")


def latest_key(survey: str, format: str) -> str:
    return f"reports/{survey}/latest.{format}"


def published_surveys(client: S3Client, bucket: str, prefix: str = "") -> list[str]:
    """Survey ids with a `<prefix><survey>/form.json` in the site bucket."""
    surveys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            parts = item["Key"][len(prefix) :].split("/")
            if len(parts) == 2 and parts[1] == "form.json":
                surveys.append(parts[0])
    return surveys


def publish_latest(
    manifests: Iterable[Manifest], store: ResponseStore, client: S3Client, bucket: str, now: datetime | None = None
) -> list[str]:
    """Write the weekly surveys' reports (all responses so far); returns the keys written."""
    moment = now or datetime.now(UTC)
    written: list[str] = []
    for manifest in manifests:
        if manifest.report.schedule != "weekly":
            continue
        for format in SCHEDULED_FORMATS:
            with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
                body = cast(BinaryIO, spool)
                file = write_stored_report(manifest, store, format, body, generated_at=moment)
                body.seek(0)
                key = latest_key(manifest.id, format)
                client.upload_fileobj(
                    body,
                    bucket,
                    key,
                    ExtraArgs={
                        "ContentType": file.content_type,
                        "ContentDisposition": f'attachment; filename="{file.filename}"',
                    },
                )
                written.append(key)
    return written
