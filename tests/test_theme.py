"""Themes: inheritance, overrides, and every mistake a producer can make, reported where it is."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from example_surveys import RECOMMEND, manifest_with

from site_builder.problems import BuildFailed, Problem
from site_builder.render import render_survey
from site_builder.theme import Theme, load_theme

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 32"><rect width="120" height="32"/></svg>'
LAHDE = """\
    name: Kauppa Lähde Oy
    colors:
      primary: "#00704A"
      on_primary: "#FFFFFF"
      text: "#14231C"
      background: "#FFFFFF"
      error: "#B42318"
      focus: "#C2410C"
    logo: logo.svg
    logo_alt: Kauppa Lähde
    radius: 4px
"""


def theme_folder(themes: Path, name: str, yaml: str, **files: str | bytes) -> Path:
    folder = themes / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.yaml").write_text(textwrap.dedent(yaml), encoding="utf-8")
    for relative, content in files.items():
        path = folder / relative.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def problems(themes: Path, name: str) -> list[Problem]:
    with pytest.raises(BuildFailed) as failure:
        load_theme(themes, name)
    return failure.value.problems


def page_of(theme: Theme) -> str:
    return render_survey(manifest_with(RECOMMEND), theme, base_url="", api_url="")["fi/index.html"].decode()


def test_a_complete_theme_loads_with_its_hashed_logo_and_brand(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO})
    theme = load_theme(tmp_path, "kauppaketju")
    (name,) = theme.assets
    assert re.fullmatch(r"logo\.[0-9a-f]{10}\.svg", name)
    assert theme.assets[name] == LOGO.encode()
    assert theme.logo_url == f"assets/{name}" and theme.logo_size == (120, 32)
    brand = theme.brand()
    assert (brand.name, brand.logo, brand.logo_alt, brand.colors["primary"]) == (
        "Kauppa Lähde Oy", f"assets/{name}", "Kauppa Lähde", "#00704A"
    )  # fmt: skip
    assert ":root{--primary:#00704A;--on-primary:#FFFFFF;" in theme.css


def test_a_new_logo_gets_a_new_name(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO})
    before = load_theme(tmp_path, "kauppaketju").logo_url
    (tmp_path / "kauppaketju" / "logo.svg").write_text(LOGO.replace("<rect", '<rect fill="#005A3C"'), encoding="utf-8")
    assert load_theme(tmp_path, "kauppaketju").logo_url != before


def test_a_child_theme_inherits_what_it_does_not_state(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO})
    theme_folder(tmp_path, "lahde-joulu", """\
        extends: kauppaketju
        name: Lähde Joulu
        colors:
          primary: "#A4161A"
        """)  # fmt: skip
    theme = load_theme(tmp_path, "lahde-joulu")
    assert theme.tokens.name == "Lähde Joulu"
    assert theme.tokens.colors.primary == "#A4161A"
    assert theme.tokens.colors.text == "#14231C" and theme.tokens.radius == "4px"
    assert theme.logo_url is not None and theme.logo_url.startswith("assets/logo.")


def test_without_extends_a_theme_inherits_the_built_in_base(tmp_path: Path) -> None:
    theme_folder(tmp_path, "minimi", 'name: Minimi Oy\ncolors: {primary: "#0B5FFF"}\n')
    theme = load_theme(tmp_path, "minimi")
    base = load_theme(tmp_path, "base")
    assert theme.tokens.colors.primary == "#0B5FFF"
    assert theme.tokens.colors.focus == base.tokens.colors.focus
    assert theme.tokens.font_family == base.tokens.font_family
    assert theme.logo_url is None


def test_a_producers_own_base_theme_is_the_default_parent(tmp_path: Path) -> None:
    theme_folder(tmp_path, "base", 'name: Konserni\nradius: 0\ncolors: {primary: "#00704A"}\n')
    theme_folder(tmp_path, "myymala", "name: Myymälä\n")
    theme = load_theme(tmp_path, "myymala")
    assert (theme.tokens.radius, theme.tokens.colors.primary) == ("0", "#00704A")
    assert theme.tokens.colors.text == load_theme(tmp_path / "none", "base").tokens.colors.text


def test_a_child_themes_template_override_wins_over_its_parents(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO,
                 "templates__header.html": '<header class="top">Lähde-konserni</header>'})  # fmt: skip
    theme_folder(tmp_path, "lahde-joulu", "extends: kauppaketju\n",
                 **{"templates__header.html": '<header class="top">Hyvää joulua!</header>'})
    theme_folder(tmp_path, "lahde-kevat", "extends: kauppaketju\n")
    assert "Hyvää joulua!" in page_of(load_theme(tmp_path, "lahde-joulu"))
    spring = page_of(load_theme(tmp_path, "lahde-kevat"))
    assert "Lähde-konserni" in spring and "Hyvää joulua!" not in spring
    assert 'name="recommend"' in spring  # everything not overridden comes from the built-in templates


def test_an_override_named_after_no_template_is_a_typo(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO, "templates__heder.html": "<header></header>",
                 "templates__questions___logo_row.html": "partial"})  # fmt: skip
    (problem,) = problems(tmp_path, "kauppaketju")
    assert "heder.html" in str(problem) and 'did you mean "header.html"?' in problem.hint


def test_an_extends_cycle_fails_naming_the_chain_and_line(tmp_path: Path) -> None:
    theme_folder(tmp_path, "syksy", "name: Syksy\nextends: talvi\n")
    theme_folder(tmp_path, "talvi", "name: Talvi\nextends: syksy\n")
    (problem,) = problems(tmp_path, "syksy")
    assert "extends cycle: syksy → talvi → syksy" in problem.message
    assert problem.file == tmp_path / "talvi" / "theme.yaml" and problem.line == 2


def test_extending_an_unknown_theme_suggests_the_near_one(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO})
    theme_folder(tmp_path, "lahde-joulu", "extends: kauppakejtu\n")
    (problem,) = problems(tmp_path, "lahde-joulu")
    assert problem.key == "extends" and problem.line == 1
    assert 'did you mean "kauppaketju"?' in problem.hint


def test_a_bad_colour_names_file_line_key_and_the_expected_form(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE.replace('"#B42318"', "punainen"), **{"logo.svg": LOGO})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.file == tmp_path / "kauppaketju" / "theme.yaml"
    assert (problem.line, problem.key) == (7, "colors.error")
    assert "#RRGGBB" in problem.message and "punainen" in problem.message


def test_an_unquoted_colour_explains_that_hash_starts_a_yaml_comment(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE.replace('"#00704A"', "#00704A"), **{"logo.svg": LOGO})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.line == 3 and "in quotes" in problem.message and "comment" in problem.message


def test_unknown_keys_are_reported_together_with_a_did_you_mean(tmp_path: Path) -> None:
    text = LAHDE.replace("      focus:", "      fokus:").replace("    radius:", "    radious:")
    theme_folder(tmp_path, "kauppaketju", text, **{"logo.svg": LOGO})
    found = {p.key: p for p in problems(tmp_path, "kauppaketju")}
    assert set(found) == {"colors.fokus", "radious"}
    assert found["colors.fokus"].hint == 'did you mean "focus"?' and found["colors.fokus"].line == 8
    assert found["radious"].hint == 'did you mean "radius"?' and found["radious"].line == 11


def test_a_missing_logo_fails_naming_the_logo_line(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE)
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.message.startswith("unreadable logo") and (problem.key, problem.line) == ("logo", 9)


@pytest.mark.parametrize(("name", "content"), [
    ("logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>"),
    ("logo.svg", "<html><body>Lähde</body></html>"),
    ("logo.png", b"GIF89a not a png"),
    ("logo.webp", b"RIFF\x00\x00\x00\x00WAVE"),
    ("logo.gif", b"GIF89a"),
])  # fmt: skip
def test_an_unreadable_logo_fails_the_build(tmp_path: Path, name: str, content: str | bytes) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE.replace("logo.svg", name), **{name: content})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.message.startswith("unreadable logo") and problem.key == "logo"


def test_a_logo_outside_the_theme_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "salainen.svg").write_text(LOGO, encoding="utf-8")
    theme_folder(tmp_path, "kauppaketju", LAHDE.replace("logo.svg", "../salainen.svg"))
    (problem,) = problems(tmp_path, "kauppaketju")
    assert "outside the theme folder" in problem.message


def test_a_contrast_failure_names_the_pair_its_ratio_and_a_passing_colour(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE.replace('"#14231C"', '"#777777"'), **{"logo.svg": LOGO})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert (problem.key, problem.line) == ("colors.text", 5)
    assert "text #777777 on background #FFFFFF has contrast 4.48:1" in problem.message and "4.5:1" in problem.message
    assert '"#767676"' in problem.hint


def test_every_failing_pair_is_reported_at_once_where_it_was_set(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO})
    theme_folder(tmp_path, "vaalea", 'extends: kauppaketju\ncolors:\n  primary: "#7FD3A8"\n  focus: "#FFD54F"\n')
    found = {p.key: p for p in problems(tmp_path, "vaalea")}
    assert set(found) == {"colors.on_primary", "colors.primary", "colors.focus"}
    assert found["colors.on_primary"].file == tmp_path / "kauppaketju" / "theme.yaml"  # set there, fails here
    assert found["colors.primary"].file == tmp_path / "vaalea" / "theme.yaml" and found["colors.primary"].line == 3
    assert "3:1" in found["colors.focus"].message


def test_fonts_are_copied_with_hashed_names_and_declared_in_the_css(tmp_path: Path) -> None:
    fonts = LAHDE + "    fonts:\n      - {family: Lähde Sans, file: fonts/lahde-sans.woff2, weight: 400}\n"
    theme_folder(tmp_path, "kauppaketju", fonts, **{"logo.svg": LOGO, "fonts__lahde-sans.woff2": b"wOF2\x00\x01"})
    theme = load_theme(tmp_path, "kauppaketju")
    font = next(name for name in theme.assets if name.endswith(".woff2"))
    assert re.fullmatch(r"lahde-sans\.[0-9a-f]{10}\.woff2", font)
    assert f'src:url({font}) format("woff2")' in theme.css
    assert f"url(../assets/{font})" in theme.css_at("../assets/")


def test_a_font_that_is_not_woff_fails(tmp_path: Path) -> None:
    fonts = LAHDE + "    fonts:\n      - {family: Lähde Sans, file: lahde-sans.woff2}\n"
    theme_folder(tmp_path, "kauppaketju", fonts, **{"logo.svg": LOGO, "lahde-sans.woff2": b"\x00\x01\x00\x00ttf"})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.key == "fonts[0].file" and problem.line == 13 and "not a woff2 font" in problem.message


def test_extra_css_is_appended_parent_first(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO, "extra.css": "h1 { color: #00704A }"})
    theme_folder(tmp_path, "lahde-joulu", "extends: kauppaketju\n", **{"extra.css": "h1 { color: #A4161A }"})
    css = load_theme(tmp_path, "lahde-joulu").css
    assert css.index("h1{color:#00704A}") < css.index("h1{color:#A4161A}")
    assert css.index(".skip{") < css.index("h1{color:#00704A}")


@pytest.mark.parametrize("rule", [
    "@import url(https://fonts.example.com/css)",
    "body { background: url(//cdn.example.com/x.png) }",
    "</style><script>alert(1)</script>",
])  # fmt: skip
def test_extra_css_may_not_reach_other_hosts_or_escape_its_style(tmp_path: Path, rule: str) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO, "extra.css": f"h1 {{ color: red }}\n{rule}\n"})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.file.name == "extra.css" and problem.line == 2


def test_a_font_family_cannot_close_the_style_element(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE + '    font_family: "x}</style><script>"\n', **{"logo.svg": LOGO})
    (problem,) = problems(tmp_path, "kauppaketju")
    assert problem.key == "font_family"


def test_a_missing_theme_suggests_the_near_one(tmp_path: Path) -> None:
    theme_folder(tmp_path, "kauppaketju", LAHDE, **{"logo.svg": LOGO})
    (problem,) = problems(tmp_path, "kaupaketju")
    assert 'did you mean "kauppaketju"?' in problem.hint


def test_the_example_themes_all_load_and_pass_contrast() -> None:
    themes = Path(__file__).resolve().parent.parent / "themes"
    loaded = {name: load_theme(themes, name) for name in ("kauppaketju", "messu", "digiarvio")}
    assert all(theme.logo_url for theme in loaded.values())
    assert loaded["messu"].template_dirs and "kiosk-top" in page_of(loaded["messu"])
    assert "Georgia" in loaded["digiarvio"].css
