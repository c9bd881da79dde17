"""Writing a survey's files: only what changed, atomically, and nothing left over from before."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


@dataclass
class WriteStats:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _atomic_write(path: Path, data: bytes) -> None:
    """A reader (the local server, an upload) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide the site from a web server
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_survey(folder: Path, files: dict[str, bytes]) -> WriteStats:
    """Make `folder` hold exactly `files` (relative path → bytes), touching only what differs."""
    stats = WriteStats()
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
    if folder.is_dir():
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
