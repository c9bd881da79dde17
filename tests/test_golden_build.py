"""A committed build of the kiosk example: any change to what respondents get shows up as a diff.

When a change to the pages is meant, refresh it with `PALAUTE_UPDATE_GOLDEN=1 pytest tests/test_golden_build.py`
and review the diff like any other code.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from site_builder.build import build_site

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "messu-tyytyvaisyys"
SURVEY = "messu-tyytyvaisyys"
TEXT_SUFFIXES = {".html", ".json", ".css", ".js", ".svg"}


def _built(tmp_path: Path) -> dict[str, str]:
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(ROOT / "survey_specs" / f"{SURVEY}.yaml", specs)
    build_site(specs, ROOT / "themes", tmp_path / "dist", base_url="https://kysely.valoa.example", api_url="")
    folder = tmp_path / "dist" / SURVEY
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in TEXT_SUFFIXES
    }


def test_the_kiosk_example_builds_exactly_as_committed(tmp_path: Path) -> None:
    built = _built(tmp_path)
    if os.environ.get("PALAUTE_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in built.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    golden = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(built) == sorted(golden)
    diffs = [
        "".join(difflib.unified_diff(golden[rel].splitlines(True), built[rel].splitlines(True), f"golden/{rel}", rel))
        for rel in built
        if built[rel] != golden[rel]
    ]
    assert not diffs, "\n".join(diffs)[:4000]
