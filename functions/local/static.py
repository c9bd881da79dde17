"""The built site served from disk: `/<survey>/<lang>/` is the folder's `index.html`.

Only files under the site folder are reachable: the path is decoded once, any segment that is
empty, `.`/`..` or starts with a dot is refused (no traversal, no `.palaute-build.json`, no
half-written `.tmp-` file of a rebuild), and the resolved file must still be inside the root.
A folder asked for without its trailing slash is redirected, so relative links on the page work.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}


@dataclass(frozen=True)
class StaticReply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _not_found() -> StaticReply:
    page = b'<!doctype html><html lang="en"><title>Not found</title><h1>Not found</h1></html>'
    return StaticReply(404, page, {"Content-Type": "text/html; charset=utf-8"})


def _index(root: Path) -> StaticReply:
    """The site root: a list of the built surveys (the build makes no page of its own there)."""
    surveys = sorted(p.name for p in root.iterdir() if (p / "form.json").is_file()) if root.is_dir() else []
    items = "".join(f'<li><a href="/{escape(s)}/">{escape(s)}</a></li>' for s in surveys)
    page = f'<!doctype html><html lang="en"><title>Palaute</title><h1>Surveys</h1><ul>{items}</ul></html>'
    return StaticReply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})


def static_reply(root: Path, target: str) -> StaticReply:
    parts = urlsplit(target)
    path = unquote(parts.path)
    segments = path.split("/")[1:]
    inner, last = segments[:-1], segments[-1] if segments else ""
    if any(not s or s in (".", "..") or s.startswith(".") or "\\" in s or "\0" in s for s in inner) or (
        last.startswith(".") or "\\" in last or "\0" in last
    ):
        return _not_found()
    if path == "/" and not (root / "index.html").is_file():
        return _index(root)
    candidate = root.joinpath(*[s for s in segments if s])
    try:
        resolved = candidate.resolve()
        resolved.relative_to(root.resolve())
    except (OSError, ValueError):
        return _not_found()
    if resolved.is_dir():
        if not path.endswith("/"):
            query = f"?{parts.query}" if parts.query else ""
            return StaticReply(301, b"", {"Location": f"{parts.path}/{query}"})
        resolved = resolved / "index.html"
    try:
        body = resolved.read_bytes()
    except OSError:  # missing, or removed by a rebuild since it was resolved
        return _not_found()
    kind = TYPES.get(resolved.suffix) or mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
    return StaticReply(200, body, {"Content-Type": kind, "Cache-Control": "no-cache"})
