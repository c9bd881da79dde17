"""Publishing the built site to its bucket: each file with its content type and cache lifetime.

Cache-Control is what lets CloudFront and browsers keep files, so it follows what may change:
- a content-hashed asset (`logo.3f9a1c0b2e.svg`) never changes under its name: a year, immutable;
- HTML names stay the same while their content changes: `no-cache` (always revalidated, still
  served from cache while unchanged), so a fixed typo shows at once;
- `form.json` is what the collect function validates against: a minute, the same as its own cache;
- anything else (QR codes, unhashed files): an hour.

Only files whose bytes differ from the bucket's copy are uploaded: assets first, HTML last, so a
page never goes out before what it links to. Objects the build no longer makes are deleted
(a removed survey's form.json must go, or collect would keep accepting responses for it), except
hashed assets, which pages still cached somewhere may ask for.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MANIFEST = "public, max-age=60"
DEFAULT = "public, max-age=3600"

HASHED = re.compile(r"\.[0-9a-f]{8,64}\.[A-Za-z0-9]+$")
"""`name.<hex digest>.ext`, as the build names theme assets (site_builder.theme_assets.hashed_name)."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
}
"""Explicit, not the machine's mimetypes table, which differs between systems (and lacks woff2 on some)."""


@dataclass(frozen=True)
class SiteFile:
    key: str
    path: Path
    content_type: str
    cache_control: str
    md5: str


@dataclass
class SitePlan:
    upload: list[SiteFile] = field(default_factory=list)
    unchanged: int = 0
    delete: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Stale hashed assets left in place for pages still cached."""


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    if HASHED.search(name):
        return IMMUTABLE
    if name.endswith(".html"):
        return REVALIDATE
    if name == "form.json":
        return MANIFEST
    return DEFAULT


def site_files(dist: Path) -> list[SiteFile]:
    """Every file of the built site, keyed by its path; dotfiles (the build's cache, temp files) stay home."""
    files: list[SiteFile] = []
    for path in sorted(dist.rglob("*")):
        relative = path.relative_to(dist)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        key = relative.as_posix()
        md5 = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        files.append(SiteFile(key, path, content_type(key), cache_control(key), md5))
    return files


def bucket_etags(s3: S3Client, bucket: str) -> dict[str, str]:
    """Key → ETag (the MD5 of a single-part upload, which is how this module uploads)."""
    etags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            etags[item["Key"]] = item.get("ETag", "").strip('"')
    return etags


def _order(file: SiteFile) -> tuple[int, str]:
    """Assets, then everything else, then HTML: nothing links to a file not yet uploaded."""
    rank = 0 if file.cache_control == IMMUTABLE else (2 if file.key.endswith(".html") else 1)
    return rank, file.key


def plan_site(files: list[SiteFile], existing: dict[str, str]) -> SitePlan:
    plan = SitePlan()
    for file in sorted(files, key=_order):
        if existing.get(file.key) == file.md5:
            plan.unchanged += 1
        else:
            plan.upload.append(file)
    wanted = {file.key for file in files}
    for key in sorted(set(existing) - wanted):
        (plan.kept if HASHED.search(key.rsplit("/", 1)[-1]) else plan.delete).append(key)
    return plan


def _put(s3: S3Client, bucket: str, file: SiteFile) -> None:
    s3.put_object(Bucket=bucket, Key=file.key, Body=file.path.read_bytes(),
                  ContentType=file.content_type, CacheControl=file.cache_control)  # fmt: skip


def publish_site(s3: S3Client, bucket: str, plan: SitePlan, progress: Callable[[str], None] | None = None) -> None:
    """Carry out a plan: uploads in rank order (each rank in parallel), then deletions."""
    ranks: dict[int, list[SiteFile]] = {}
    for file in plan.upload:
        ranks.setdefault(_order(file)[0], []).append(file)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for rank in sorted(ranks):
            list(pool.map(lambda f: _put(s3, bucket, f), ranks[rank]))
    for start in range(0, len(plan.delete), 1000):
        batch = plan.delete[start : start + 1000]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True})
    if progress:
        progress(f"site: {len(plan.upload)} uploaded, {plan.unchanged} unchanged, {len(plan.delete)} deleted")
