"""Where the functions find a survey's published manifest (`form.json`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from functions.manifest import Manifest, ManifestInvalid, parse_manifest

SURVEY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ManifestSource(Protocol):
    def get(self, survey_id: str) -> Manifest | None:
        """The survey's manifest, or None when no such survey is published."""
        ...


class DirectoryManifests:
    """Manifests read from a built site (`dist/<survey>/form.json`), re-read when the file changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, tuple[float, Manifest]] = {}

    def get(self, survey_id: str) -> Manifest | None:
        if not SURVEY_ID.match(survey_id):
            return None
        path = self.root / survey_id / "form.json"
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        cached = self._cache.get(survey_id)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            manifest = parse_manifest(path.read_bytes())
        except (OSError, ManifestInvalid):
            return None
        self._cache[survey_id] = (mtime, manifest)
        return manifest
