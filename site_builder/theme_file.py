"""One `theme.yaml`, read and validated on its own, before it is merged with the themes it extends.

Every key is optional here, because a child theme states only what differs from its parent;
whether the merged theme is complete is checked in `theme.py`. Problems carry the file and
line of the offending key, from the positions `load.read_yaml` keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from site_builder.contrast import is_hex_color, normalise_hex
from site_builder.load import read_yaml
from site_builder.problems import BuildFailed, Problem, did_you_mean, dotted

COLOR_NAMES = ("primary", "on_primary", "text", "background", "error", "focus")
_LENGTH = re.compile(r"^(0|\d+(\.\d+)?(px|rem|em))$")
_FONT_FAMILY = re.compile(r"^[\w \t,.\-\"']+$")
"""Letters, digits, spaces, commas, quotes: a font list cannot close the <style> it is inlined in."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ColorSet(_Strict):
    primary: str | None = None
    on_primary: str | None = None
    text: str | None = None
    background: str | None = None
    error: str | None = None
    focus: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _hex(cls, value: Any) -> str:
        if value is None:
            raise ValueError('expected a colour in quotes, like "#0B5FFF": in YAML an unquoted # starts a comment')
        if not isinstance(value, str) or not is_hex_color(value):
            raise ValueError(f'expected a colour like "#0B5FFF" or "#FFF" (#RRGGBB or #RGB), got {value!r}')
        return normalise_hex(value)


class FontFile(_Strict):
    family: str
    file: str
    weight: int | Literal["normal", "bold"] = 400
    style: Literal["normal", "italic"] = "normal"

    @field_validator("family")
    @classmethod
    def _family(cls, value: str) -> str:
        return _font_family(value)


class ThemeFile(_Strict):
    name: str | None = None
    extends: str | None = None
    colors: ColorSet = ColorSet()
    font_family: str | None = None
    logo: str | None = None
    logo_alt: str | None = None
    radius: str | None = None
    fonts: list[FontFile] = []

    @field_validator("font_family")
    @classmethod
    def _family(cls, value: str | None) -> str | None:
        return None if value is None else _font_family(value)

    @field_validator("radius", mode="before")
    @classmethod
    def _radius(cls, value: Any) -> Any:
        if isinstance(value, int) and value == 0:
            return "0"
        if not isinstance(value, str) or not _LENGTH.match(value):
            raise ValueError(f"expected a length like 8px, 0.5rem or 0, got {value!r}")
        return value


def _font_family(value: str) -> str:
    if not _FONT_FAMILY.match(value):
        raise ValueError(f'expected font names separated by commas, like "Inter, system-ui, sans-serif", got {value!r}')
    return value


_MODELS: dict[str, type[BaseModel]] = {"": ThemeFile, "colors": ColorSet, "fonts": FontFile}


@dataclass(frozen=True)
class ThemeLayer:
    """One theme folder in an `extends` chain: its name, its validated file and where each key sits."""

    name: str
    folder: Path
    file: Path
    spec: ThemeFile
    lines: dict[str, int]

    def line(self, key: str) -> int | None:
        return line_of(self.lines, key)


def line_of(lines: dict[str, int], key: str) -> int | None:
    """The line of `key` (dotted, like `fonts[0].file`), or of its nearest parent key."""
    while key:
        if key in lines:
            return lines[key]
        key = key.rsplit(".", 1)[0] if "." in key else (key.split("[")[0] if "[" in key else "")
    return None


def read_theme_file(name: str, folder: Path) -> tuple[ThemeLayer | None, list[Problem]]:
    file = folder / "theme.yaml"
    try:
        document = read_yaml(file)
    except BuildFailed as failure:
        return None, failure.problems
    data = document.data
    if not isinstance(data, dict):
        return None, [Problem(file, "expected a mapping of theme keys (name, colors, logo, …)", line=1)]
    lines = document.key_lines()
    try:
        spec = ThemeFile.model_validate(data)
    except ValidationError as error:
        return None, [_problem(file, lines, err) for err in error.errors()]
    return ThemeLayer(name=name, folder=folder, file=file, spec=spec, lines=lines), []


def _problem(file: Path, lines: dict[str, int], error: Any) -> Problem:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    key = dotted(loc)
    line = line_of(lines, key)
    if error["type"] == "extra_forbidden":
        parent = ".".join(str(part) for part in loc[:-1] if not isinstance(part, int))
        allowed = _MODELS.get(parent, ThemeFile).model_fields
        return Problem(file, f'unknown key "{loc[-1]}"', line=line, key=key, hint=did_you_mean(str(loc[-1]), allowed))
    if error["type"] == "missing":
        return Problem(file, "missing key", line=line, key=key)
    message = str(error["msg"]).removeprefix("Value error, ")
    return Problem(file, message, line=line, key=key)
