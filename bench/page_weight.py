"""Page weight: what the first load of every example survey page costs on the wire, gzip -9.

The example specs (`survey_specs/`, themes from `themes/`) are built into a temporary folder for
`https://surveys.example.org` with the API at `https://api.example.org`. For each survey page
(every language, and the default-language copy at the survey's root) the first load is the HTML
plus every stylesheet and script it pulls in, each gzip -9; images and fonts are listed aside.
Budget: ≤ 14 KiB (one TCP initial window), and zero fetches from third-party hosts.

Also: the total a respondent transfers to finish a survey (first load, the POST of a complete
answer set and its reply, then the thank-you page and whatever it pulls in that was not already
loaded; bodies only, HTTP headers aside). Peer: the JS and CSS a SurveyJS page needs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

if __package__ in (None, ""):  # run as `python bench/page_weight.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import surveyjs
from bench.figures import ROOT, CannotRun, Figure, Run, gzip9, main
from bench.page_refs import css_refs, read_page

SITE = "https://surveys.example.org"
API = "https://api.example.org"
FIRST_PARTY = {urlsplit(SITE).hostname or "", urlsplit(API).hostname or ""}
BUDGET = 14 * 1024
ASIDE = ("image", "font", "icon")


@dataclass
class Load:
    """What one page load fetched: URL → gzip -9 bytes, by kind; `aside` are images and fonts."""

    counted: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    aside: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    third_party_links: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counted.values())

    def by_kind(self) -> str:
        sums: dict[str, int] = {}
        for url, size in self.counted.items():
            sums[self.kinds[url]] = sums.get(self.kinds[url], 0) + size
        return ", ".join(f"{kind} {size:,} B" for kind, size in sums.items())


def _file(dist: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.hostname not in (None, urlsplit(SITE).hostname):
        return None
    path = dist / parts.path.lstrip("/")
    return path / "index.html" if parts.path.endswith("/") else path


def load(dist: Path, url: str, already: set[str] | None = None) -> Load:
    """Fetch `url` from the built site as a browser would on a first load, skipping what is `already` cached."""
    seen = already if already is not None else set()
    result = Load()
    queue: list[tuple[str, str]] = [(url, "html")]
    while queue:
        address, kind = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        path = _file(dist, address)
        if path is None or not path.is_file():
            result.missing.append(address)
            continue
        data = path.read_bytes()
        if kind in ASIDE:
            result.aside[address] = len(data)
            continue
        result.counted[address], result.kinds[address] = gzip9(data), kind
        refs = []
        if kind == "html":
            page = read_page(data.decode("utf-8"))
            refs = page.fetches
            result.third_party_links += [r.url for r in page.hosts(FIRST_PARTY)[1]]
        elif kind == "stylesheet":
            refs = css_refs(data.decode("utf-8"))
        for ref in refs:
            absolute = urljoin(address, ref.url)
            if urlsplit(absolute).hostname not in FIRST_PARTY:
                result.third_party.append(absolute)
            elif urlsplit(absolute).hostname == urlsplit(SITE).hostname:
                queue.append((absolute, "stylesheet" if ref.kind == "css-import" else ref.kind))
    return result


def _post_body(dist: Path, survey: str, lang: str) -> bytes:
    from bench.answers import full_answers
    from functions.manifest import load_manifest

    manifest = load_manifest(dist / survey / "form.json")
    touchpoint = manifest.touchpoints[0].id if manifest.touchpoints else None
    body = {"response_id": "5f0c2b1e-8d3a-4c6f-9b7e-2a1d0e9f8c7b", "lang": lang, "tp": touchpoint,
            "answers": full_answers(manifest)}  # fmt: skip
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def weigh_survey(run: Run, dist: Path, survey: str, peer: int | None) -> None:
    folder = dist / survey
    pages = sorted(p.parent.name for p in folder.glob("*/index.html") if (p.parent / "thanks").is_dir())
    for lang in [*pages, ""]:
        page_url = f"{SITE}/{survey}/{lang + '/' if lang else ''}"
        first = load(dist, page_url)
        name = f"{survey}/{lang + '/' if lang else ''} first load"
        aside = f"; images/fonts aside {sum(first.aside.values()):,} B" if first.aside else ""
        run.add(
            Figure(
                name,
                first.total,
                "B",
                BUDGET,
                peer="SurveyJS JS+CSS" if peer else "",
                peer_value=peer,
                note=first.by_kind() + aside,
            )
        )
        if first.missing:
            run.note(f"{name}: not found in the build: {', '.join(first.missing)}")
        run.add(
            Figure(
                f"  {survey}/{lang} requests to third-party hosts",
                len(first.third_party),
                "",
                0,
                note=", ".join(sorted(set(first.third_party)))[:200],
            )
        )
        if first.third_party_links:
            run.note(f"{name}: links (not fetched) to other hosts: {', '.join(sorted(set(first.third_party_links)))}")
        if lang:
            _finish(run, dist, survey, lang, first)


def _finish(run: Run, dist: Path, survey: str, lang: str, first: Load) -> None:
    post = _post_body(dist, survey, lang)
    reply = len(b'{"response_id":"5f0c2b1e-8d3a-4c6f-9b7e-2a1d0e9f8c7b"}')
    thanks = load(dist, f"{SITE}/{survey}/{lang}/thanks/", already=set(first.counted) | set(first.aside))
    total = first.total + len(post) + reply + thanks.total
    run.add(
        Figure(
            f"  {survey}/{lang} total to finish the survey",
            total,
            "B",
            note=f"POST {len(post):,} B + reply {reply} B + thank-you page {thanks.total:,} B",
        )
    )


def _peer(run: Run) -> int | None:
    reason = surveyjs.install()
    if reason:
        run.skip("SurveyJS", reason)
        return None
    weighed = surveyjs.weigh()
    for name, (raw, gz) in weighed.files.items():
        run.note(f"SurveyJS {weighed.version} {name}: {raw:,} B minified, {gz:,} B gzip -9")
    run.add(
        Figure(
            f"SurveyJS {weighed.version} JS+CSS a page needs",
            weighed.gzipped,
            "B",
            note="default theme's CSS fetches fonts from " + ", ".join(weighed.foreign_hosts)
            if weighed.foreign_hosts
            else "",
        )
    )
    return weighed.gzipped


def measure(run: Run, args: argparse.Namespace) -> None:
    from site_builder.build import build_site
    from site_builder.problems import BuildFailed

    with tempfile.TemporaryDirectory(prefix="palaute-bench-weight-") as tmp:
        dist = Path(tmp) / "dist"
        try:
            result = build_site(args.specs, args.themes, dist, base_url=SITE, api_url=API)
        except BuildFailed as err:
            raise CannotRun("the example surveys do not build: " + "; ".join(map(str, err.problems[:3]))) from err
        except Exception as err:  # a half-written product part: report it, do not hide it
            raise CannotRun(f"palaute build crashed: {type(err).__name__}: {err}") from err
        if result.problems:
            raise CannotRun("the example surveys do not build: " + "; ".join(map(str, result.problems[:3])))
        peer = _peer(run)
        for survey in sorted(result.built + result.skipped):
            weigh_survey(run, dist, survey, peer)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--specs", type=Path, default=ROOT / "survey_specs", help="specs to weigh")
    parser.add_argument("--themes", type=Path, default=ROOT / "themes", help="their themes")


if __name__ == "__main__":
    main("page weight", measure, _options)
