"""Accessibility checks run inside the page: axe-core's WCAG 2.2 AA rules, reflow and focus visibility.

axe-core comes from the npm registry into `tests/browser/.axe/` (gitignored) the first time the
suite needs it, so a clean clone needs only `npm` on the path; an installed copy is reused. Two
xdist workers may ask at once, hence the lock file.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

AXE_DIR = Path(os.environ.get("PALAUTE_AXE_DIR", Path(__file__).parent / ".axe"))
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_PACKAGE = "axe-core@4"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class AxeUnavailable(RuntimeError):
    """axe-core is neither installed nor installable (no npm, or no registry)."""


def ensure_axe() -> Path:
    """The path of `axe.min.js`, installing axe-core 4 with npm when it is missing."""
    if AXE_SCRIPT.is_file():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        raise AxeUnavailable(f"axe-core is not at {AXE_SCRIPT} and npm is not installed to fetch it")
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    with (AXE_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not AXE_SCRIPT.is_file():
            command = [npm, "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund", AXE_PACKAGE]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=180)
            except subprocess.TimeoutExpired as err:
                raise AxeUnavailable(f"`{' '.join(command)}` took over 180 s") from err
            if done.returncode != 0 or not AXE_SCRIPT.is_file():
                raise AxeUnavailable(f"`{' '.join(command)}` failed: {done.stderr[-600:]}")
    return AXE_SCRIPT


SCRIPT_TAG = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def without_page_scripts(target: Any) -> None:
    """Serve a page's (or a context's) documents with their <script>s cut out and block script files.

    The page then is what a respondent with JavaScript off gets, while axe (added by the test)
    still runs: a context with JavaScript disabled would not run axe either.
    """

    def strip(route: Any) -> None:
        if route.request.resource_type == "script":
            route.abort()
        elif route.request.resource_type == "document":
            reply = route.fetch()
            route.fulfill(response=reply, body=SCRIPT_TAG.sub("", reply.text()))
        else:
            route.continue_()

    target.route("**/*", strip)


@lru_cache(maxsize=1)
def _source(axe: Path) -> str:
    return axe.read_text(encoding="utf-8")


def axe_violations(page: Any, axe: Path) -> list[dict[str, Any]]:
    """Every WCAG 2.0–2.2 A/AA violation axe finds in the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated rather than added as a <script>: several times faster for axe's 500 kB.
        page.evaluate(_source(axe) + "\n;undefined")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def explain(violations: list[dict[str, Any]]) -> str:
    """A failure message a template author can act on: rule, help, and the first offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} – {violation['helpUrl']}")
        for node in violation["nodes"][:4]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
            lines.append(f"      {node['failureSummary'].replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


def assert_no_violations(page: Any, axe: Path, where: str) -> None:
    violations = axe_violations(page, axe)
    assert not violations, f"axe found {len(violations)} violation(s) on {where}:\n{explain(violations)}"


def horizontal_overflow(page: Any) -> dict[str, Any]:
    """How far the page scrolls sideways, and the first elements sticking out past the viewport."""
    return dict(
        page.evaluate(
            """() => {
        const root = document.documentElement, width = root.clientWidth;
        const wide = [];
        for (const el of document.body.querySelectorAll('*')) {
          const box = el.getBoundingClientRect();
          if (box.width && box.right > width + 1 && wide.length < 5) {
            wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' right=' + Math.round(box.right));
          }
        }
        return {scrollWidth: root.scrollWidth, clientWidth: width, wide};
      }"""
        )
    )


FOCUS_INDICATOR = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {element: 'body', visible: false};
  // A visually hidden control (the scale's opacity-0 radios) shows its focus on the label after it.
  const shown = getComputedStyle(el).opacity === '0' && el.nextElementSibling ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const tag = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '');
  return {element: tag, visible: Boolean(outline || shadow), outline: style.outlineStyle + ' ' + style.outlineWidth};
}"""


def focus_indicator(page: Any) -> dict[str, Any]:
    """What has the keyboard focus, and whether its outline (or box shadow) is drawn at 2 px or more."""
    return dict(page.evaluate(FOCUS_INDICATOR))
