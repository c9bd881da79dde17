"""The survey pages' stylesheet: theme tokens as CSS custom properties, the base CSS, fonts, extra CSS.

Pages inline it in a `<style>`: a few KiB that arrive with the HTML cost less on a phone's
first visit than a second request would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from site_builder.theme_assets import FontFace

BASE_CSS = Path(__file__).parent / "static" / "survey.css"
_PROPERTIES = {"on_primary": "on-primary"}


@cache
def base_css() -> str:
    return minify_css(BASE_CSS.read_text(encoding="utf-8"))


def compose_css(
    colors: dict[str, str], font_family: str, radius: str, faces: Iterable[FontFace], extra_css: str, assets_url: str
) -> str:
    """The whole stylesheet; font files are referred to as `<assets_url><hashed name>`."""
    props = [f"--{_PROPERTIES.get(name, name)}:{value}" for name, value in colors.items()]
    props += [f"--font:{font_family}", f"--radius:{radius}"]
    parts = [":root{" + ";".join(props) + "}"]
    parts += [font_face_css(face, assets_url) for face in faces]
    parts.append(base_css())
    if extra_css.strip():
        parts.append(minify_css(extra_css))
    return "".join(parts)


def font_face_css(face: FontFace, assets_url: str) -> str:
    return (
        f'@font-face{{font-family:"{face.family}";src:url({assets_url}{face.file_name}) format("{face.format}");'
        f"font-weight:{face.weight};font-style:{face.style};font-display:swap}}"
    )


_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,>])\s*")


def minify_css(css: str) -> str:
    """Lightly: comments and needless whitespace go; nothing is reordered or rewritten."""
    css = _SPACE.sub(" ", _COMMENT.sub("", css))
    css = _AROUND.sub(r"\1", css).replace(";}", "}")
    return re.sub(r"\s*:\s*(?=[^{}]*;|[^{}]*})", ":", css).strip()
