"""Many surveys build on every core, each writing its own folder, and give what one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import build
from site_builder.build import PARALLEL_FROM, build_site

ROOT = Path(__file__).resolve().parent.parent
STANDS = ["helsinki", "tampere", "turku", "vaasa", "oulu", "espoo"]


def fair_specs(folder: Path, count: int) -> list[str]:
    """`count` kiosk surveys, one per fair stand; one names a theme that is not there, one is also a .yml."""
    folder.mkdir()
    text = (ROOT / "survey_specs" / "messu-tyytyvaisyys.yaml").read_text(encoding="utf-8")
    names = [f"messu-{STANDS[n % len(STANDS)]}-{n:03d}" for n in range(count)]
    for n, name in enumerate(names):
        spec = text.replace("id: messu-tyytyvaisyys", f"id: {name}")
        spec = spec.replace("theme: messu", "theme: mesu") if n == 7 else spec  # a typo in one theme name
        (folder / f"{name}.yaml").write_text(spec, encoding="utf-8")
        if n == 30:
            (folder / f"{name}.yml").write_text(spec.replace("Kiitos", "Kiitos paljon"), encoding="utf-8")
    return names


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_parallel_build_writes_what_a_serial_build_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "_cores", lambda: 2)
    names = fair_specs(tmp_path / "specs", PARALLEL_FROM + 5)
    parallel = build_site(tmp_path / "specs", ROOT / "themes", tmp_path / "parallel", base_url="https://messu.example")
    monkeypatch.setattr(build, "PARALLEL_FROM", 10_000)
    serial = build_site(tmp_path / "specs", ROOT / "themes", tmp_path / "serial", base_url="https://messu.example")
    assert parallel.built == serial.built
    assert set(parallel.built) == set(names) - {names[7]}
    assert parallel.written == serial.written > 0
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    said = [problem.message for problem in parallel.problems]
    assert len(said) == 2 and 'theme "mesu" not found' in str(said) and "has both a .yaml and a .yml" in str(said)
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")
