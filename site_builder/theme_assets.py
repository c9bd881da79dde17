"""Files a theme ships (its logo and fonts): checked before they reach a page, and content-hashed.

A broken logo would show as a broken image on every survey of the brand, so the build
refuses it. Hashed names (`logo.3f2a9c01be.svg`) let the files be cached forever: a new
logo gets a new name.
"""

from __future__ import annotations

import hashlib
import re
import struct
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

LOGO_TYPES = (".svg", ".png", ".webp")
FONT_TYPES = {".woff2": (b"wOF2", "woff2"), ".woff": (b"wOFF", "woff")}


class UnreadableFile(ValueError):
    """A theme file that is missing, outside the theme folder, of the wrong type or corrupt."""


@dataclass(frozen=True)
class Logo:
    file_name: str
    data: bytes
    size: tuple[int, int] | None
    """Intrinsic width and height, so the page reserves the logo's space before it loads."""


@dataclass(frozen=True)
class FontFace:
    family: str
    file_name: str
    weight: int | str
    style: str
    format: str


def hashed_name(name: str, data: bytes) -> str:
    """`logo.svg` → `logo.<first 10 hex of sha256>.svg`."""
    path = Path(name)
    return f"{path.stem}.{hashlib.sha256(data).hexdigest()[:10]}{path.suffix.lower()}"


def _read_inside(folder: Path, relative: str) -> tuple[Path, bytes]:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise UnreadableFile(f"{relative} is outside the theme folder")
    try:
        return path, path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read {relative}: {error.strerror or error}") from error


def read_logo(folder: Path, relative: str) -> Logo:
    path, data = _read_inside(folder, relative)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        size = _svg_size(data, relative)
    elif suffix == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) < 24:
            raise UnreadableFile(f"{relative} is not a PNG image")
        size = struct.unpack(">II", data[16:24])
    elif suffix == ".webp":
        if not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
            raise UnreadableFile(f"{relative} is not a WebP image")
        size = None
    else:
        raise UnreadableFile(f"{relative}: expected an SVG, PNG or WebP logo")
    return Logo(file_name=hashed_name(path.name, data), data=data, size=size)


def _svg_size(data: bytes, relative: str) -> tuple[int, int] | None:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise UnreadableFile(f"{relative} is not well-formed SVG: {error}") from error
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise UnreadableFile(f"{relative} is XML but not SVG (its root is <{root.tag}>)")
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return width, height
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


def _length(value: str | None) -> int | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*", value or "")
    return round(float(match.group(1))) if match else None


def read_font(folder: Path, relative: str, family: str, weight: int | str, style: str) -> tuple[FontFace, bytes]:
    path, data = _read_inside(folder, relative)
    kind = FONT_TYPES.get(path.suffix.lower())
    if kind is None:
        raise UnreadableFile(f"{relative}: expected a .woff2 or .woff font file")
    magic, font_format = kind
    if not data.startswith(magic):
        raise UnreadableFile(f"{relative} is not a {font_format} font")
    face = FontFace(
        family=family, file_name=hashed_name(path.name, data), weight=weight, style=style, format=font_format
    )
    return face, data
