"""The page weight peer: the JavaScript and CSS a SurveyJS survey page needs, from npm.

`survey-core` (the model) and `survey-js-ui` (its UI, Preact bundled in) are installed with npm
into `bench/.peers/surveyjs/` on first use; the page needs their minified JS and the default
theme's minified CSS. Each is weighed as `gzip -9` sends it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.figures import PEERS, gzip9
from bench.page_refs import css_refs

FOLDER = PEERS / "surveyjs"
FILES = ["survey-core/survey.core.min.js", "survey-js-ui/survey-js-ui.min.js", "survey-core/survey-core.min.css"]


@dataclass(frozen=True)
class Weighed:
    version: str
    files: dict[str, tuple[int, int]]
    """File → (minified bytes, gzip -9 bytes)."""
    foreign_hosts: list[str]
    """Hosts the default theme's CSS fetches from (`url()` and `@import`): its web fonts."""

    @property
    def gzipped(self) -> int:
        return sum(gz for _, gz in self.files.values())


def install() -> str:
    """Install the npm packages if missing; returns "" or why they are not there."""
    if all((FOLDER / "node_modules" / name).is_file() for name in FILES):
        return ""
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed"
    FOLDER.mkdir(parents=True, exist_ok=True)
    if not (FOLDER / "package.json").is_file():
        (FOLDER / "package.json").write_text('{"name": "palaute-bench-peers", "private": true}\n')
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", "survey-core", "survey-js-ui"],
                          cwd=FOLDER, capture_output=True, text=True, timeout=600)  # fmt: skip
    if done.returncode != 0:
        return f"npm install exited {done.returncode}: {(done.stderr or done.stdout).strip()[-200:]}"
    return ""


def weigh() -> Weighed:
    files: dict[str, tuple[int, int]] = {}
    hosts: set[str] = set()
    for name in FILES:
        data = (FOLDER / "node_modules" / name).read_bytes()
        files[name] = (len(data), gzip9(data))
        if name.endswith(".css"):
            refs = css_refs(data.decode("utf-8", "replace"))
            hosts |= {host for ref in refs if (host := urlsplit(ref.url).hostname)}
    package = json.loads((FOLDER / "node_modules" / "survey-core" / "package.json").read_text())
    return Weighed(str(package.get("version", "?")), files, sorted(hosts))
