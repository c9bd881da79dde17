"""Writing a survey's files: only what changed, atomically, and nothing left over from before.

A survey folder that is not there yet is written whole beside it and renamed into place; one that is
there gets each changed file through a temporary file and a rename. Either way no reader (the local
server, an upload) ever sees half a file.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@dataclass
class WriteStats:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _atomic_write(path: Path, data: bytes) -> None:
    """A reader (the local server, an upload) never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide the site from a web server
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_file(path: str, data: bytes) -> None:
    """A new file in a staging folder: one open, the writes, one close (no buffered file object between)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _folders(files: dict[str, bytes]) -> list[str]:
    """Every folder the files sit in (parents first), relative to the survey folder."""
    folders: set[str] = set()
    for rel in files:
        parent = rel.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    return sorted(folders)


def _write_new(folder: Path, files: dict[str, bytes]) -> bool:
    """A survey folder not there yet: written whole beside it under a dot name (which the local server
    never serves), then renamed into place in one step. False if the folder appeared meanwhile."""
    staging = folder.parent / f".tmp-{folder.name}-{secrets.token_hex(4)}"
    try:
        os.mkdir(staging)  # the umask's mode, as every folder of the site
        for rel in _folders(files):
            os.mkdir(f"{staging}/{rel}")
        for rel, data in files.items():
            _write_file(f"{staging}/{rel}", data)
        os.rename(staging, folder)  # fails, and leaves the other folder alone, if `folder` exists now
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        if err.errno in (errno.EEXIST, errno.ENOTEMPTY) and folder.exists():
            return False
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def write_survey(folder: Path, files: dict[str, bytes]) -> WriteStats:
    """Make `folder` hold exactly `files` (relative path → bytes), touching only what differs."""
    stats = WriteStats()
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        if _write_new(folder, files):
            stats.written = sorted(files)
            return stats
    for rel in _folders(files):  # each folder once, not once per file
        (folder / rel).mkdir(parents=True, exist_ok=True)
    for rel in sorted(files):
        target = folder / rel
        data = files[rel]
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                stats.unchanged += 1
                continue
        except OSError:
            pass
        _atomic_write(target, data)
        stats.written.append(rel)
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            stats.removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return stats


def remove_survey(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
