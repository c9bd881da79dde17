"""Compiled templates are kept between runs, outside the site, and never change what a page says."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from example_surveys import RECOMMEND, base_theme, manifest_with

from site_builder import render
from site_builder.build import CACHE_FILE, build_site
from site_builder.render import render_survey
from site_builder.theme import load_theme

ROOT = Path(__file__).resolve().parent.parent
SURVEY = "messu-tyytyvaisyys"


def fresh_process() -> None:
    """What a new `palaute` process starts with: no templates compiled in memory."""
    render.environment.cache_clear()
    render._bytecode_cache.cache_clear()


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fresh_process()
    yield tmp_path / "cache"
    fresh_process()


def pages() -> dict[str, bytes]:
    return render_survey(manifest_with(RECOMMEND), base_theme(), base_url="https://kysely.example.fi", api_url="")


def test_compiled_templates_go_to_the_user_cache_folder(cache_home: Path) -> None:
    pages()
    assert render.template_cache_dir() == cache_home / "palaute" / "templates"
    assert any((cache_home / "palaute" / "templates").iterdir())


def test_pages_from_cached_templates_are_the_same_bytes(cache_home: Path) -> None:
    first = pages()
    fresh_process()
    assert pages() == first


def test_an_unusable_cache_folder_means_no_cache_and_the_same_pages(cache_home: Path) -> None:
    expected = pages()
    shutil.rmtree(cache_home)
    cache_home.write_text("not a folder", encoding="utf-8")  # the cache folder cannot be made
    fresh_process()
    assert render._bytecode_cache() is None
    assert pages() == expected


def test_a_damaged_cache_file_is_compiled_again(cache_home: Path) -> None:
    expected = pages()
    for cached in (cache_home / "palaute" / "templates").iterdir():
        cached.write_bytes(b"j2\x00 vaurioitunut")
    fresh_process()
    assert pages() == expected


def test_an_edited_template_is_compiled_again(cache_home: Path, tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    shutil.copytree(ROOT / "themes" / "messu", themes / "messu")
    override = themes / "messu" / "templates" / "thanks.html"
    override.parent.mkdir(exist_ok=True)
    override.write_text("<p>Kiitos käynnistä, {{ thanks.text }}</p>\n", encoding="utf-8")
    manifest = manifest_with(RECOMMEND)
    first = render_survey(manifest, load_theme(themes, "messu"), base_url="", api_url="")
    override.write_text("<p>Tack för besöket, {{ thanks.text }}</p>\n", encoding="utf-8")
    fresh_process()
    second = render_survey(manifest, load_theme(themes, "messu"), base_url="", api_url="")
    assert "Kiitos käynnistä" in first["fi/thanks/index.html"].decode()
    assert "Tack för besöket" in second["fi/thanks/index.html"].decode()


def test_nothing_of_the_cache_lands_in_the_site(cache_home: Path, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(ROOT / "survey_specs" / f"{SURVEY}.yaml", specs)
    build_site(specs, ROOT / "themes", tmp_path / "dist")
    assert any((cache_home / "palaute" / "templates").iterdir())
    top = {path.name for path in (tmp_path / "dist").iterdir()}
    assert top == {SURVEY, CACHE_FILE}
    assert not list((tmp_path / "dist" / SURVEY).rglob(".*"))


def test_a_template_edited_between_builds_of_one_process_is_read_afresh(cache_home: Path, tmp_path: Path) -> None:
    """What `palaute serve` does: build, the producer edits a template, build again in the same process."""
    specs, themes, dist = tmp_path / "specs", tmp_path / "themes", tmp_path / "dist"
    specs.mkdir()
    shutil.copy(ROOT / "survey_specs" / f"{SURVEY}.yaml", specs)
    shutil.copytree(ROOT / "themes", themes)
    override = themes / "messu" / "templates" / "thanks.html"
    override.parent.mkdir(exist_ok=True)
    override.write_text("<p>Kiitos käynnistä, {{ thanks.text }}</p>\n", encoding="utf-8")
    build_site(specs, themes, dist)
    assert "Kiitos käynnistä" in (dist / SURVEY / "fi" / "thanks" / "index.html").read_text(encoding="utf-8")
    override.write_text("<p>Tack för besöket, {{ thanks.text }}</p>\n", encoding="utf-8")
    build_site(specs, themes, dist)
    assert "Tack för besöket" in (dist / SURVEY / "fi" / "thanks" / "index.html").read_text(encoding="utf-8")
