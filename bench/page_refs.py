"""What a built page makes the browser fetch, and every absolute URL it names, read from its HTML.

`fetches` are what a first load downloads: stylesheets, scripts, preloads, images, icons, frames,
and `url()`/`@import` inside inline styles. `links` are URLs named but not fetched on load (links,
canonical/alternate, the form's action). Either may point at a third-party host; a third-party
fetch breaks the zero-third-party-requests rule, a link does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "icon", "apple-touch-icon", "manifest", "prefetch"}


@dataclass
class Ref:
    url: str
    kind: str
    """stylesheet, script, image, font, icon, preload, frame, css-url, or link/action for non-fetches."""


@dataclass
class PageRefs:
    fetches: list[Ref] = field(default_factory=list)
    links: list[Ref] = field(default_factory=list)
    inline_css: int = 0
    inline_js: int = 0

    def hosts(self, first_party: set[str]) -> tuple[list[Ref], list[Ref]]:
        """Third-party fetches and third-party links: absolute URLs to a host not in `first_party`."""

        def foreign(ref: Ref) -> bool:
            host = urlsplit(ref.url).hostname
            return host is not None and host not in first_party

        return [r for r in self.fetches if foreign(r)], [r for r in self.links if foreign(r)]


def css_refs(css: str) -> list[Ref]:
    refs = []
    for match in CSS_URL.finditer(css):
        url = match.group(1) or match.group(2)
        if not url.startswith("data:"):
            refs.append(Ref(url, "css-import" if match.group(2) else _kind_by_suffix(url)))
    return refs


def _kind_by_suffix(url: str) -> str:
    path = urlsplit(url).path.lower()
    if path.endswith((".woff2", ".woff", ".ttf", ".otf", ".eot")):
        return "font"
    if path.endswith(".css"):
        return "stylesheet"
    return "image"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs = PageRefs()
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        fetch, link = self.refs.fetches.append, self.refs.links.append
        rels = set(a.get("rel", "").lower().split())
        if tag == "link" and a.get("href"):
            if rels & FETCHING_RELS:
                fetch(Ref(a["href"], "stylesheet" if "stylesheet" in rels else next(iter(rels & FETCHING_RELS))))
            else:
                link(Ref(a["href"], "link"))
        elif tag == "script" and a.get("src"):
            fetch(Ref(a["src"], "script"))
        elif tag in ("img", "source", "iframe", "embed", "video", "audio") and (a.get("src") or a.get("srcset")):
            if a.get("src"):
                fetch(Ref(a["src"], "frame" if tag == "iframe" else "image"))
            for candidate in filter(None, (part.strip().split(" ")[0] for part in a.get("srcset", "").split(","))):
                fetch(Ref(candidate, "image"))
        elif tag in ("a", "area") and a.get("href"):
            link(Ref(a["href"], "link"))
        elif tag == "form" and a.get("action"):
            link(Ref(a["action"], "action"))
        if a.get("style"):
            self.refs.fetches.extend(css_refs(a["style"]))
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.refs.inline_css += len(data.encode())
            self.refs.fetches.extend(css_refs(data))
        elif self._in == "script":
            self.refs.inline_js += len(data.encode())


def read_page(html: str) -> PageRefs:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.refs
