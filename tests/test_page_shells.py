"""Pages made from a shared shell (thank-you pages, survey pages, signs, question markup) are byte for byte
the pages a full rendering makes, whatever the strings filled in; and a theme's own templates, or a string
that compacting would treat differently in the page, always get the full rendering."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from example_surveys import base_theme, fixture_question, manifest_with, quiz_outcomes, store_survey

import site_builder.page_shells
import site_builder.render
from functions.manifest import Manifest, Question, Touchpoint
from site_builder.page_shells import Slots, builtin_only, filled, forget_shells
from site_builder.render import environment, forget_templates, render_survey
from site_builder.signs import sign_pages
from site_builder.theme import Theme, load_theme

QUESTION_KINDS = ["ces", "consent", "csat", "email", "info", "likert", "multi_choice", "nps", "number", "rating",
                  "single_choice", "text"]  # fmt: skip
TOUCHPOINTS = [
    Touchpoint(id="kassa", label={"fi": "Kassa <1>", "sv": "Kassan & co"}),
    Touchpoint(id="ovi", label={"fi": "  Ovi\n    pohjoinen ", "sv": 'Dörr "norr"'}),
]


@pytest.fixture(autouse=True)
def _fresh_shells() -> Iterator[None]:
    forget_templates()
    yield
    forget_templates()


def _surveys() -> list[Manifest]:
    """Surveys whose strings escaping and compacting could trip on: markup, quotes, line breaks, indents."""
    questions = [fixture_question(kind) for kind in QUESTION_KINDS]
    return [
        manifest_with(*questions, id="kauppa-1", touchpoints=TOUCHPOINTS),
        manifest_with(
            *questions,
            id="kauppa-2",
            title={"fi": 'Miten <b>onnistuimme</b> & "missä"?', "sv": "Hur lyckades vi\n  i Åbo?"},
            thanks={"fi": "Kiitos!\n    Tervetuloa uudelleen.", "sv": " Tack! "},
            touchpoints=TOUCHPOINTS,
        ),
        manifest_with(
            Question(id="comment", type="text", page=0, text={"fi": "Kerro\n   lisää <i>", "sv": " Berätta "}),
            id="kauppa-3",
            title={"fi": "Kolmas", "sv": "Tredje"},
            touchpoints=TOUCHPOINTS,
        ),
        store_survey(),
        manifest_with(id="visa", quiz=quiz_outcomes(), touchpoints=TOUCHPOINTS),
    ]


def _site(manifests: list[Manifest], theme: Theme) -> list[dict[str, bytes]]:
    sites = []
    for manifest in manifests:
        files = render_survey(manifest, theme, base_url="https://k.example", api_url="https://api.example")
        files.update(sign_pages(manifest, theme, base_url="https://k.example"))
        sites.append(files)
    return sites


def _in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (site_builder.render, site_builder.page_shells):  # questions; survey, thank-you and sign pages
        monkeypatch.setattr(module, "builtin_only", lambda env, names: False)


def test_pages_from_shells_are_the_pages_a_full_rendering_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    theme = base_theme()
    shelled = _site(_surveys(), theme)
    shelled_again = _site(_surveys(), theme)  # every shell made already: filled only
    forget_templates()
    _in_full(monkeypatch)
    full = _site(_surveys(), theme)
    assert shelled == full
    assert shelled_again == full


def test_a_surveys_own_words_never_reach_another_surveys_pages() -> None:
    first, second, *_ = _site(_surveys(), base_theme())
    assert "Tervetuloa uudelleen" in second["fi/thanks/index.html"].decode()
    assert "Tervetuloa uudelleen" not in first["fi/thanks/index.html"].decode()
    assert "kauppa-2" not in first["fi/index.html"].decode() + first["signs/kassa.html"].decode()
    assert "Miten &lt;b&gt;onnistuimme&lt;/b&gt; &amp; &#34;missä&#34;?" in second["signs/kassa.html"].decode()


def test_a_theme_that_overrides_a_template_a_page_uses_gets_the_full_rendering(tmp_path: Path) -> None:
    folder = tmp_path / "messu"
    (folder / "templates").mkdir(parents=True)
    (folder / "theme.yaml").write_text("name: Messu\nextends: base\n", encoding="utf-8")
    (folder / "templates" / "header.html").write_text(
        '<header class="top">{{ page.title|upper }}</header>\n', encoding="utf-8"
    )
    theme = load_theme(tmp_path, "messu")
    env = environment(tuple(theme.template_dirs))
    assert not builtin_only(env, ("thanks.html", "layout.html", "header.html"))
    assert builtin_only(env, ("sign.html",))
    files = render_survey(manifest_with(id="kauppa-1"), theme, base_url="", api_url="")
    assert "KIITOS PALAUTTEESTASI! – MITEN ONNISTUIMME?" in files["fi/thanks/index.html"].decode()


def _page(slots: Slots, title: str, around: str = "<h1>{}</h1>") -> str | None:
    def render() -> str:
        return "<main>\n" + around.format(marker) + "\n</main>\n"

    marker = slots.add(title)
    return filled(("test", around), slots, render)


def test_a_filled_string_is_escaped_as_the_template_escapes_it() -> None:
    forget_shells()
    assert _page(Slots(), 'Tervetuloa <b>"kauppaan"</b> & kahvilaan') == (
        "<main>\n<h1>Tervetuloa &lt;b&gt;&#34;kauppaan&#34;&lt;/b&gt; &amp; kahvilaan</h1>\n</main>\n"
    )


def test_a_line_break_in_a_string_is_compacted_as_in_the_whole_page() -> None:
    forget_shells()
    assert _page(Slots(), "Kiitos!\n    Tervetuloa") == "<main>\n<h1>Kiitos!\nTervetuloa</h1>\n</main>\n"


def test_a_string_beside_whitespace_that_compacting_would_reach_into_is_left_to_the_full_rendering() -> None:
    forget_shells()
    assert _page(Slots(), "Kiitos!", around="<h1>\n{}</h1>") == "<main>\n<h1>\nKiitos!</h1>\n</main>\n"
    assert _page(Slots(), " Kiitos!", around="<h1>\n{}</h1>") is None
    assert _page(Slots(), "Kiitos!\n", around="<h1>{} </h1>") is None
    assert _page(Slots(), "Kiitos!\nTack!", around="<h1>{} </h1>") is None


def test_text_that_looks_like_a_marker_never_passes_for_one() -> None:
    forget_shells()
    assert _page(Slots(), "nolla \x00 merkki") is None
    slots = Slots()
    marker = slots.add("Kiitos")
    fake = marker.replace("0", "1")

    def render() -> str:
        return f"<h1>{marker}</h1><p>{fake}</p>\n"

    assert filled(("fake",), slots, render) is None
