"""Writing a survey folder: a new folder appears whole, an existing one changes file by file, nothing is left over."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder import write
from site_builder.write import write_survey

FILES = {
    "index.html": b"<p>hei</p>\n",
    "fi/index.html": b"<p>fi</p>\n",
    "fi/thanks/index.html": b"<p>kiitos</p>\n",
    "qr/kassa.png": b"\x89PNG",
    "form.json": b"{}\n",
}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_folder_is_written_whole_with_no_staging_left_beside_it(tmp_path: Path) -> None:
    stats = write_survey(tmp_path / "site" / "kysely", FILES)
    assert tree(tmp_path / "site" / "kysely") == FILES
    assert stats.written == sorted(FILES) and stats.unchanged == 0
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["kysely"]


def test_new_files_and_folders_get_the_modes_of_the_umask(tmp_path: Path) -> None:
    write_survey(tmp_path / "kysely", FILES)
    umask = write._UMASK
    for path in [tmp_path / "kysely", *(tmp_path / "kysely").rglob("*")]:
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert path.stat().st_mode & 0o777 == expected, path


def test_an_existing_folder_changes_only_what_differs_and_loses_what_is_gone(tmp_path: Path) -> None:
    folder = tmp_path / "kysely"
    write_survey(folder, {**FILES, "sv/index.html": b"<p>sv</p>\n"})
    changed = {**FILES, "form.json": b'{"version": 2}\n', "signs/kassa.html": b"<p>kyltti</p>\n"}
    stats = write_survey(folder, changed)
    assert tree(folder) == changed
    assert stats.written == ["form.json", "signs/kassa.html"]
    assert stats.unchanged == len(FILES) - 1 and stats.removed == ["sv/index.html"]
    assert not (folder / "sv").exists()
    assert not [p for p in folder.rglob(".tmp-*")]


def test_a_folder_made_by_someone_else_meanwhile_is_updated_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kysely"
    rename = os.rename

    def racing_rename(source: str | Path, target: str | Path) -> None:
        Path(target).mkdir()
        (Path(target) / "old.html").write_bytes(b"vanha")  # not empty: the rename cannot replace it
        rename(source, target)

    monkeypatch.setattr(write.os, "rename", racing_rename)
    stats = write_survey(folder, FILES)
    assert tree(folder) == FILES
    assert stats.written == sorted(FILES) and stats.removed == ["old.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["kysely"]


def test_a_failed_write_leaves_neither_the_folder_nor_its_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "rename", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_survey(tmp_path / "kysely", FILES)
    assert list(tmp_path.iterdir()) == []
