"""A brand's look: a theme folder, merged with the themes it extends, checked and ready for pages.

`themes/<name>/theme.yaml` states only what differs from its parent (`extends`, by default the
built-in `base` theme, or the producer's own `themes/base` when there is one). Colours must pass
WCAG 2.2 AA together; the logo and fonts must be readable; a theme's `templates/` folder
overrides built-in templates by name, child theme first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from functions.manifest import Brand
from site_builder.contrast import contrast_ratio, nearest_passing
from site_builder.problems import BuildFailed, Problem, did_you_mean
from site_builder.stylesheet import compose_css
from site_builder.theme_assets import FontFace, UnreadableFile, read_font, read_logo
from site_builder.theme_file import COLOR_NAMES, ThemeLayer, read_theme_file

BUILTIN_THEMES = Path(__file__).parent / "themes"
BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")

CONTRAST_PAIRS: list[tuple[str, str, float, str]] = [
    ("text", "background", 4.5, "text"),
    ("on_primary", "primary", 4.5, "text"),
    ("error", "background", 4.5, "text"),
    ("primary", "background", 3.0, "UI parts"),
    ("focus", "background", 3.0, "focus indicator"),
]
"""(foreground, background, minimum ratio, what it is): WCAG 2.2 AA, 1.4.3 text and 1.4.11 non-text."""


class Colors(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    primary: str
    on_primary: str
    text: str
    background: str
    error: str
    focus: str


class Tokens(BaseModel):
    """The merged, complete design tokens of a theme."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    name: str
    colors: Colors
    font_family: str
    logo_alt: str
    radius: str


@dataclass(frozen=True, eq=False)
class Theme:
    name: str
    tokens: Tokens
    assets: dict[str, bytes] = field(default_factory=dict)
    """Hashed file name → bytes (logo, fonts); pages find them in the survey's `assets/` folder."""
    logo_url: str | None = None
    """`assets/<hashed logo>`, relative to the survey folder."""
    logo_size: tuple[int, int] | None = None
    template_dirs: list[Path] = field(default_factory=list)
    font_faces: tuple[FontFace, ...] = ()
    extra_css: str = ""

    @property
    def css(self) -> str:
        """The stylesheet as if it sat in the survey's `assets/` folder, next to the fonts."""
        return self.css_at("")

    def css_at(self, assets_url: str) -> str:
        """The stylesheet with font URLs prefixed by `assets_url` (e.g. `../assets/` for an inlined copy)."""
        tokens = self.tokens
        return compose_css(tokens.colors.model_dump(), tokens.font_family, tokens.radius, self.font_faces,
                           self.extra_css, assets_url)  # fmt: skip

    def brand(self) -> Brand:
        return Brand(name=self.tokens.name, colors=self.tokens.colors.model_dump(), font_family=self.tokens.font_family,
                     logo=self.logo_url, logo_alt=self.tokens.logo_alt, radius=self.tokens.radius)  # fmt: skip


def load_theme(themes_dir: Path, name: str) -> Theme:
    """The theme `name` from `themes_dir`, merged with its parents; raises BuildFailed with every problem."""
    layers, problems = theme_chain(themes_dir, name)
    if problems:
        raise BuildFailed(problems)
    tokens, origins, problems = _merge(layers)
    if tokens is None:
        raise BuildFailed(problems)
    problems += contrast_problems(tokens.colors, origins)
    theme, file_problems = _with_files(name, tokens, layers)
    problems += file_problems
    if problems:
        raise BuildFailed(problems)
    return theme


def _folder(themes_dir: Path, name: str, child: Path | None) -> Path | None:
    """Where theme `name` lives. `base` is the producer's `themes/base` unless that is the one asking."""
    own = themes_dir / name
    if name == "base" and (child is None or child.resolve() != own.resolve()) and (own / "theme.yaml").is_file():
        return own
    if name == "base":
        return BUILTIN_THEMES / "base"
    return own if _NAME.match(name) and (own / "theme.yaml").is_file() else None


def _known(themes_dir: Path) -> list[str]:
    return sorted(p.name for p in themes_dir.iterdir() if (p / "theme.yaml").is_file()) if themes_dir.is_dir() else []


def theme_chain(themes_dir: Path, name: str) -> tuple[list[ThemeLayer], list[Problem]]:
    """The theme and its ancestors, child first, or the problems that stop the walk."""
    folder = _folder(themes_dir, name, None)
    if folder is None:
        hint = did_you_mean(name, _known(themes_dir))
        return [], [Problem(themes_dir / name / "theme.yaml", f'theme "{name}" not found', hint=hint)]
    layers: list[ThemeLayer] = []
    while True:
        layer, problems = read_theme_file(name, folder)
        if layer is None:
            return layers, problems
        layers.append(layer)
        if folder.resolve() == (BUILTIN_THEMES / "base").resolve():
            return layers, []
        name = layer.spec.extends or "base"
        parent = _folder(themes_dir, name, folder)
        line = layer.line("extends")
        if parent is None:
            hint = did_you_mean(name, _known(themes_dir))
            return layers, [Problem(layer.file, f'extends theme "{name}", which is not found', line, "extends", hint)]
        if any(parent.resolve() == seen.folder.resolve() for seen in layers):
            cycle = " → ".join([*(seen.name for seen in layers), name])
            return layers, [Problem(layer.file, f"extends cycle: {cycle}", line, "extends",
                                    "a theme cannot extend itself, directly or through others")]  # fmt: skip
        folder = parent


def _merge(layers: list[ThemeLayer]) -> tuple[Tokens | None, dict[str, tuple[ThemeLayer, str]], list[Problem]]:
    """Root first, each child overriding its parent key by key; `origins` says which layer set a key."""
    values: dict[str, Any] = {}
    origins: dict[str, tuple[ThemeLayer, str]] = {}
    for layer in reversed(layers):
        spec = layer.spec
        for key in ("name", "font_family", "logo_alt", "radius"):
            if getattr(spec, key) is not None:
                values[key], origins[key] = getattr(spec, key), (layer, key)
        for color in COLOR_NAMES:
            if getattr(spec.colors, color) is not None:
                values[f"colors.{color}"] = getattr(spec.colors, color)
                origins[color] = (layer, f"colors.{color}")
    child = layers[0]
    missing = [key for key in ("name", "font_family", "radius", *(f"colors.{c}" for c in COLOR_NAMES))
               if key not in values]  # fmt: skip
    if missing:
        return None, origins, [Problem(child.file, "missing key (not set here nor in a parent theme)", key=key)
                               for key in missing]  # fmt: skip
    colors = Colors(**{c: values[f"colors.{c}"] for c in COLOR_NAMES})
    tokens = Tokens(name=values["name"], colors=colors, font_family=values["font_family"], radius=values["radius"],
                    logo_alt=values.get("logo_alt") or values["name"])  # fmt: skip
    return tokens, origins, []


def contrast_problems(colors: Colors, origins: dict[str, tuple[ThemeLayer, str]]) -> list[Problem]:
    """Every failing colour pair, naming the ratio and the nearest passing foreground colour."""
    problems = []
    for fg, bg, needed, what in CONTRAST_PAIRS:
        fg_color, bg_color = getattr(colors, fg), getattr(colors, bg)
        ratio = contrast_ratio(fg_color, bg_color)
        if ratio >= needed:
            continue
        layer, key = origins[fg]
        better = nearest_passing(fg_color, bg_color, needed)
        message = (f"{fg} {fg_color} on {bg} {bg_color} has contrast {ratio:.2f}:1; "
                   f"WCAG 2.2 AA needs {needed:g}:1 for {what}")  # fmt: skip
        hint = f'nearest passing colour: {fg}: "{better}" ({contrast_ratio(better, bg_color):.2f}:1)'
        problems.append(Problem(layer.file, message, layer.line(key), key, hint))
    return problems


def _with_files(name: str, tokens: Tokens, layers: list[ThemeLayer]) -> tuple[Theme, list[Problem]]:
    """Read the logo, fonts, extra CSS and template folders of the chain into a Theme."""
    problems: list[Problem] = []
    assets: dict[str, bytes] = {}
    logo_url, logo_size = None, None
    owner = next((layer for layer in layers if "logo" in layer.spec.model_fields_set), None)
    if owner is not None and owner.spec.logo:
        try:
            logo = read_logo(owner.folder, owner.spec.logo)
            assets[logo.file_name] = logo.data
            logo_url, logo_size = f"assets/{logo.file_name}", logo.size
        except UnreadableFile as error:
            problems.append(Problem(owner.file, f"unreadable logo: {error}", owner.line("logo"), "logo",
                                    "an SVG, PNG or WebP file in the theme folder"))  # fmt: skip
    faces: list[FontFace] = []
    for layer in reversed(layers):
        for index, font in enumerate(layer.spec.fonts):
            try:
                face, data = read_font(layer.folder, font.file, font.family, font.weight, font.style)
            except UnreadableFile as error:
                key = f"fonts[{index}].file"
                problems.append(Problem(layer.file, f"unreadable font: {error}", layer.line(key), key))
                continue
            faces.append(face)
            assets[face.file_name] = data
    extra_css, css_problems = _extra_css(layers)
    template_dirs = [layer.folder.resolve() / "templates" for layer in layers if (layer.folder / "templates").is_dir()]
    problems += css_problems + _override_problems(template_dirs)
    theme = Theme(name=name, tokens=tokens, assets=assets, logo_url=logo_url, logo_size=logo_size,
                  template_dirs=template_dirs, font_faces=tuple(faces), extra_css=extra_css)  # fmt: skip
    return theme, problems


_UNSAFE_CSS = re.compile(r"</style|@import|url\(\s*['\"]?\s*(?!data:)(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _extra_css(layers: list[ThemeLayer]) -> tuple[str, list[Problem]]:
    """Each theme's `extra.css`, parent first. No other host is ever contacted, so no imports or remote URLs."""
    parts: list[str] = []
    problems: list[Problem] = []
    for layer in reversed(layers):
        path = layer.folder / "extra.css"
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(path, f"cannot read extra CSS: {error}"))
            continue
        match = _UNSAFE_CSS.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            hint = "pages load nothing from other hosts; declare fonts under `fonts` in theme.yaml"
            problems.append(Problem(path, f'"{match.group(0)}" is not allowed in extra.css', line, hint=hint))
            continue
        parts.append(text)
    return "\n".join(parts), problems


def builtin_template_names() -> list[str]:
    return sorted(p.relative_to(BUILTIN_TEMPLATES).as_posix() for p in BUILTIN_TEMPLATES.rglob("*.html"))


def _override_problems(template_dirs: list[Path]) -> list[Problem]:
    """An override whose name matches no built-in template would silently do nothing: a typo. `_partials` are free."""
    known = builtin_template_names()
    problems = []
    for folder in template_dirs:
        for path in sorted(folder.rglob("*.html")):
            relative = path.relative_to(folder).as_posix()
            if relative not in known and not path.name.startswith("_"):
                problems.append(Problem(path, f'overrides no built-in template ("{relative}")',
                                        hint=did_you_mean(relative, known) or "name it after a built-in template, "
                                        "or start a partial's name with _"))  # fmt: skip
    return problems
