"""Turning the `functions` package into what Lambda runs: a code zip and a dependency layer zip.

Both are content-addressed: the code key is the digest of the zip, the layer key the digest of
its pinned requirements and target platform. An unchanged key means CloudFormation sees no change
and `palaute deploy` skips the upload (and, for the layer, the whole download of wheels).

The layer is built for Lambda (arm64, CPython 3.12), not for this machine: msgspec and orjson are
compiled wheels, so pip fetches the manylinux aarch64 builds (`--platform`, `--only-binary`).
That download happens at deploy time only; tests pass their own installer.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from infra.imports import PACKAGE

LAMBDA_PYTHON = "3.12"
LAMBDA_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")
"""Wheel tags Lambda's Amazon Linux 2023 arm64 runtime can load (glibc 2.34)."""
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""A fixed timestamp for every zip entry, so the same files always make the same zip (and key)."""

Installer = Callable[[list[str], Path], None]
"""Installs requirements into a folder: `pip_install` on a real deploy, a stand-in in tests."""


@dataclass(frozen=True)
class Artifact:
    """A zip to upload: its key in the artifacts bucket and, once built, where it is on disk."""

    key: str
    path: Path | None = None


def _packaged(path: Path) -> bool:
    return "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo") and path.is_file()


def _add(archive: zipfile.ZipFile, arcname: str, path: Path) -> None:
    info = zipfile.ZipInfo(arcname, date_time=ZIP_EPOCH)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, path.read_bytes())


def write_zip(target: Path, files: Iterable[tuple[str, Path]]) -> str:
    """Write a reproducible zip (sorted entries, fixed times and modes); return its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in sorted(files):
            _add(archive, arcname, path)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def code_files(root: Path) -> list[tuple[str, Path]]:
    """(name in the zip, file) for the whole `functions` package: source, templates, messages."""
    package = root / PACKAGE
    return [(p.relative_to(root).as_posix(), p) for p in sorted(package.rglob("*")) if _packaged(p)]


def build_code(root: Path, work_dir: Path, prefix: str) -> Artifact:
    """The code zip, keyed `<prefix>code/functions-<digest>.zip`."""
    target = work_dir / "functions.zip"
    digest = write_zip(target, code_files(root))
    return Artifact(key=f"{prefix}code/functions-{digest[:24]}.zip", path=target)


def layer_key(requirements: list[str], prefix: str) -> str:
    recipe = "\n".join([f"python{LAMBDA_PYTHON}", *LAMBDA_PLATFORMS, *sorted(requirements)])
    return f"{prefix}layers/dependencies-{hashlib.sha256(recipe.encode()).hexdigest()[:24]}.zip"


def pip_install(requirements: list[str], target: Path) -> None:
    """Install wheels built for Lambda (never for this machine) into `target`."""
    platforms = [arg for tag in LAMBDA_PLATFORMS for arg in ("--platform", tag)]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--target", str(target), "--implementation", "cp", "--python-version", LAMBDA_PYTHON,
               "--only-binary=:all:", *platforms, *requirements]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not fetch the layer's wheels for Lambda:\n{done.stderr.strip()}")


def build_layer(requirements: list[str], work_dir: Path, key: str, install: Installer = pip_install) -> Artifact:
    """The layer zip: everything under `python/`, where Lambda puts layers on `sys.path`."""
    site = work_dir / "layer" / "python"
    site.mkdir(parents=True, exist_ok=True)
    install(requirements, site)
    files = [(f"python/{p.relative_to(site).as_posix()}", p) for p in sorted(site.rglob("*"))
             if _packaged(p) and p.relative_to(site).parts[0] != "bin"]  # fmt: skip
    if not files:
        raise RuntimeError("the dependency layer came out empty")
    target = work_dir / "layer.zip"
    write_zip(target, files)
    return Artifact(key=key, path=target)
