"""Where `palaute report` and `palaute token` find a survey: the local data folder or AWS.

Locally the manifest comes from the site `palaute serve` builds (`<data>/site/<survey>/form.json`),
else from `--site`, else from `dist/`; responses and tokens from `<data>/palaute.sqlite3`.
With `--aws` they come from the same bucket and tables the functions use, named by the same
environment variables (MANIFEST_BUCKET, RESPONSES_TABLE, TOKENS_TABLE).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from functions.manifest import Manifest
from functions.manifests import SURVEY_ID, DirectoryManifests
from functions.sqlite_store import DATABASE_NAME
from functions.store import ResponseStore
from functions.tokens import DynamoDBTokens, SQLiteTokens, TokenStore


class SourceError(Exception):
    """Something the user can fix (a missing survey, an unset variable); the message says what."""


@dataclass(frozen=True)
class Sources:
    manifest: Manifest | None
    tokens: TokenStore
    store: ResponseStore | None = None


def site_folders(data: Path, site: Path | None) -> list[Path]:
    return [site] if site is not None else [data / "site", Path("dist")]


def local_manifest(survey: str, data: Path, site: Path | None) -> Manifest | None:
    for folder in site_folders(data, site):
        manifest = DirectoryManifests(folder).get(survey)
        if manifest is not None:
            return manifest
    return None


def open_local(survey: str, data: Path, site: Path | None, with_store: bool) -> Sources:
    _check_id(survey)
    store: ResponseStore | None = None
    if with_store:
        from functions.sqlite_store import SQLiteStore

        if not (data / DATABASE_NAME).is_file():
            raise SourceError(
                f"no responses in {data}: {data / DATABASE_NAME} does not exist "
                "(is --data the folder 'palaute serve' used?)"
            )
        store = SQLiteStore(data / DATABASE_NAME)
    return Sources(local_manifest(survey, data, site), SQLiteTokens.in_data_dir(data), store)


def _environment(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SourceError(f"--aws needs the environment variable {name} (the deployed stack's outputs name it)")
    return value


def open_aws(survey: str, with_store: bool) -> Sources:
    _check_id(survey)
    tokens_table, manifest_bucket = _environment("TOKENS_TABLE"), _environment("MANIFEST_BUCKET")
    responses_table = _environment("RESPONSES_TABLE") if with_store else ""
    import boto3

    from functions.s3_manifests import ManifestUnavailable, S3Manifests
    from functions.s3_objects import Boto3Objects

    dynamodb = boto3.client("dynamodb")
    try:
        manifest = S3Manifests(Boto3Objects(boto3.client("s3")), manifest_bucket).get(survey)
    except ManifestUnavailable as err:
        raise SourceError(f"could not read s3://{manifest_bucket}/{survey}/form.json: {err}") from None
    store: ResponseStore | None = None
    if with_store:
        from functions.dynamodb_store import DynamoDBStore

        store = DynamoDBStore(dynamodb, responses_table)
    return Sources(manifest, DynamoDBTokens(dynamodb, tokens_table), store)


def _check_id(survey: str) -> None:
    if not SURVEY_ID.match(survey):
        raise SourceError(f"{survey!r} is not a survey id (lower-case letters, digits and '-')")
