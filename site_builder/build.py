"""The build pipeline: load → validate → compile (manifest) → render → write, one survey at a time.

A survey is rebuilt only when its fingerprint changes: the spec's bytes, its theme chain's
files, the builder's own code and templates, and the URLs it is built for. The fingerprints
of the last build live in `<out>/.palaute-build.json`.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.problems import BuildFailed, Problem, did_you_mean
from site_builder.write import WriteStats, remove_survey, write_survey

if TYPE_CHECKING:  # the compile path loads only when a survey needs building: a no-op build stays quick
    from functions.manifest import Manifest
    from site_builder.spec import SurveySpec
    from site_builder.theme import Theme

CACHE_FILE = ".palaute-build.json"
PARALLEL_FROM = 40
"""Below this many surveys to build, starting worker processes costs more than it saves."""
CHUNK = 16
"""Surveys a worker builds per task: few enough that the cores finish together."""


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    written: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class BuildOptions:
    themes_dir: Path
    base_url: str = ""
    api_url: str = ""


def spec_files(specs_dir: Path) -> list[Path]:
    if not specs_dir.is_dir():
        raise BuildFailed([Problem(specs_dir, "is not a folder of survey specs", hint="pass --specs DIR")])
    files = sorted(p for p in specs_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise BuildFailed([Problem(specs_dir, "holds no survey specs (*.yaml)")])
    return files


_themes: dict[tuple[Path, str], Theme] = {}


def _theme(themes_dir: Path, name: str) -> Theme:
    key = (themes_dir, name)
    if key not in _themes:
        from site_builder.theme import load_theme

        _themes[key] = load_theme(themes_dir, name)
    return _themes[key]


def load_survey(path: Path, themes_dir: Path) -> tuple[SurveySpec, Manifest, Theme]:
    """Validate one spec and its theme, raising every problem found."""
    from site_builder.compile import compile_manifest
    from site_builder.crosscheck import crosscheck
    from site_builder.load import read_yaml, validate
    from site_builder.spec import SurveySpec

    document = read_yaml(path)
    spec = validate(document, SurveySpec)
    problems = crosscheck(spec, document)
    theme: Theme | None = None
    if not (themes_dir / spec.theme / "theme.yaml").is_file():
        known = [p.name for p in themes_dir.iterdir() if (p / "theme.yaml").is_file()] if themes_dir.is_dir() else []
        hint = did_you_mean(spec.theme, known) or ("themes here: " + ", ".join(sorted(known)) if known else "")
        problems.append(document.problem(("theme",), f'theme "{spec.theme}" not found in {themes_dir}', hint))
    else:
        try:
            theme = _theme(themes_dir, spec.theme)
        except BuildFailed as err:
            problems.extend(err.problems)
    if problems or theme is None:
        raise BuildFailed(problems)
    return spec, compile_manifest(spec, theme.brand()), theme


def _clear_templates() -> None:
    render = sys.modules.get("site_builder.render")  # not loaded yet: nothing to clear (and nothing to import)
    if render is not None:
        render.forget_templates()


def _build_one(path: Path, options: BuildOptions, out_dir: Path) -> tuple[str, int | list[Problem]]:
    """Compile one survey and write its folder: how many files changed, or the survey's problems."""
    from site_builder.outputs import survey_outputs

    try:
        _, manifest, theme = load_survey(path, options.themes_dir)
    except BuildFailed as err:
        return path.stem, err.problems
    files = survey_outputs(manifest, theme, base_url=options.base_url, api_url=options.api_url)
    stats: WriteStats = write_survey(out_dir / path.stem, files)
    return path.stem, len(stats.written)


def _build_chunk(paths: list[Path], options: BuildOptions, out_dir: Path) -> list[tuple[str, int | list[Problem]]]:
    return [_build_one(path, options, out_dir) for path in paths]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not all the machine has
    except AttributeError:
        return os.cpu_count() or 1


def build_surveys(paths: list[Path], options: BuildOptions, out_dir: Path) -> Iterable[tuple[str, int | list[Problem]]]:
    """Build and write every survey, on all cores when there are many (each survey has its own folder).

    The first survey is built here before the workers start, so that workers forked from this process
    inherit its imports, themes and compiled templates instead of each making their own.
    """
    workers = min(_cores(), 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield from _build_chunk(paths, options, out_dir)
        return
    yield _build_one(paths[0], options, out_dir)
    folders: dict[str, list[Path]] = {}  # a.yaml and a.yml (a mistake, reported) write one folder: one worker
    for path in paths[1:]:
        folders.setdefault(path.stem, []).append(path)
    groups = list(folders.values())
    size = max(1, min(CHUNK, len(groups) // (workers * 4)))
    chunks = [[path for group in groups[i : i + size] for path in group] for i in range(0, len(groups), size)]
    from concurrent.futures import ProcessPoolExecutor

    gc.collect()
    gc.freeze()  # what the workers inherit is never garbage: their collector skips it (and leaves its pages shared)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for results in pool.map(_build_chunk, chunks, [options] * len(chunks), [out_dir] * len(chunks)):
                yield from results
    finally:
        gc.unfreeze()


@cache
def _code_fingerprint() -> str:
    """The builder's own code and templates: a new version of Palaute rebuilds everything."""
    digest = hashlib.sha256()
    roots = [Path(__file__).parent, Path(__file__).parent.parent / "functions" / "manifest.py"]
    for root in roots:
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


_EXTENDS = re.compile(r"^extends:\s*['\"]?([A-Za-z0-9_-]+)", re.MULTILINE)


def _theme_fingerprint(themes_dir: Path, name: str, seen: tuple[str, ...] = ()) -> str:
    folder = themes_dir / name
    digest = hashlib.sha256(name.encode())
    if not folder.is_dir() or name in seen:
        return digest.hexdigest()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        match = _EXTENDS.search((folder / "theme.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        match = None
    parent = match.group(1) if match else ("base" if name != "base" else "")
    if parent:  # a theme without `extends` inherits from the producer's `themes/base` when there is one
        digest.update(_theme_fingerprint(themes_dir, parent, (*seen, name)).encode())
    return digest.hexdigest()


_THEME_KEY = re.compile(r"^theme:\s*['\"]?([A-Za-z0-9_-]+)", re.MULTILINE)


def fingerprint(spec_bytes: bytes, options: BuildOptions, theme_prints: dict[str, str]) -> str:
    match = _THEME_KEY.search(spec_bytes.decode("utf-8", "replace"))
    theme = match.group(1) if match else ""
    if theme not in theme_prints:
        theme_prints[theme] = _theme_fingerprint(options.themes_dir, theme) if theme else ""
    parts = [_code_fingerprint(), theme_prints[theme], options.base_url, options.api_url]
    return hashlib.sha256("\0".join(parts).encode() + spec_bytes).hexdigest()


def _read_cache(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("surveys", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def build_site(
    specs_dir: Path, themes_dir: Path, out_dir: Path, *, base_url: str = "", api_url: str = ""
) -> BuildResult:
    """Build every spec into `out_dir`. Problems of one survey never stop the others being built."""
    options = BuildOptions(themes_dir=themes_dir, base_url=base_url.rstrip("/"), api_url=api_url.rstrip("/"))
    _themes.clear()  # a long-running `palaute serve` must see an edited theme
    _clear_templates()  # … and edited templates
    paths = spec_files(specs_dir)
    result = BuildResult()
    previous = _read_cache(out_dir)
    current: dict[str, str] = {}
    theme_prints: dict[str, str] = {}
    todo: list[Path] = []
    for path in paths:
        print_ = fingerprint(path.read_bytes(), options, theme_prints)
        current[path.stem] = print_
        if previous.get(path.stem) == print_ and (out_dir / path.stem / "form.json").is_file():
            result.skipped.append(path.stem)
        else:
            todo.append(path)
    stems = Counter(p.stem for p in paths)
    for stem in sorted(s for s, count in stems.items() if count > 1):
        result.problems.append(Problem(specs_dir / stem, "has both a .yaml and a .yml spec", hint="keep one"))
    for stem, outcome in build_surveys(todo, options, out_dir):
        if isinstance(outcome, list):
            result.problems.extend(outcome)
            current.pop(stem, None)
            continue
        result.built.append(stem)
        result.written += outcome
    for stem in sorted(set(previous) - set(current) - {p.stem for p in todo}):
        remove_survey(out_dir / stem)
        result.removed.append(stem)
    cache_bytes = json.dumps({"surveys": dict(sorted(current.items()))}, indent=1).encode() + b"\n"
    write_survey_file(out_dir / CACHE_FILE, cache_bytes)
    return result


def write_survey_file(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def check_site(specs_dir: Path, themes_dir: Path) -> tuple[list[str], list[Problem]]:
    """Validate every spec without writing: the surveys that pass, and every problem."""
    passed: list[str] = []
    problems: list[Problem] = []
    for path in spec_files(specs_dir):
        try:
            load_survey(path, themes_dir)
            passed.append(path.stem)
        except BuildFailed as err:
            problems.extend(err.problems)
    return passed, problems
