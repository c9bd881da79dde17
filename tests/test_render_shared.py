"""What is rendered once and shared — a language's questions between its page and the survey root, the
questions of surveys that ask the same — never carries one page's or one survey's own words to another."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from example_surveys import base_theme, manifest_with, store_survey
from jinja2 import Environment
from markupsafe import Markup

from functions.manifest import Condition, Manifest, Question
from site_builder.messages import catalog
from site_builder.page_views import page_view, survey_view
from site_builder.render import _survey, compact_html, environment, question_html, render_survey
from site_builder.theme import load_theme


def _form(page: bytes) -> str:
    html = page.decode()
    return html[html.index("<form") : html.index("</form>")]


def test_the_root_page_holds_the_default_languages_form_with_links_from_the_root() -> None:
    files = render_survey(store_survey(), base_theme(), base_url="https://k.example", api_url="https://api.example")
    lang_form, root_form = _form(files["fi/index.html"]), _form(files["index.html"])
    assert 'data-thanks="../fi/thanks/"' in lang_form
    assert 'data-thanks="fi/thanks/"' in root_form
    assert root_form == lang_form.replace('data-thanks="../fi/thanks/"', 'data-thanks="fi/thanks/"')


def test_surveys_asking_the_same_questions_keep_their_own_titles_and_ids() -> None:
    theme = base_theme()
    first = render_survey(manifest_with(id="kauppa-1"), theme, base_url="", api_url="")
    second = render_survey(
        manifest_with(id="kauppa-2", title={"fi": "Toinen", "sv": "Andra"}), theme, base_url="", api_url=""
    )
    assert _form(first["fi/index.html"]).replace("kauppa-1", "kauppa-2") == _form(second["fi/index.html"])
    assert "<h1>Toinen</h1>" in second["fi/index.html"].decode()
    assert "Toinen" not in first["fi/index.html"].decode()


def test_a_question_that_differs_in_one_word_is_rendered_afresh() -> None:
    theme = base_theme()

    def asking(text: str) -> str:
        question = Question(id="comment", type="text", page=0, text={"fi": text, "sv": text})
        return render_survey(manifest_with(question), theme, base_url="", api_url="")["sv/index.html"].decode()

    assert "Kerro <b>lisää</b>" not in asking("Kerro <b>lisää</b>")  # escaped, whether made now or shared
    assert "Kerro &lt;b&gt;lisää&lt;/b&gt;" in asking("Kerro <b>lisää</b>")
    assert "Kerro vielä" in asking("Kerro vielä")
    assert "Kerro &lt;b&gt;lisää" not in asking("Kerro vielä")


def test_a_question_rendered_for_one_theme_is_never_reused_for_anothers_templates(tmp_path: Path) -> None:
    folder = tmp_path / "messu-kioski"
    (folder / "templates" / "questions").mkdir(parents=True)
    (folder / "theme.yaml").write_text("name: Messukioski\n", encoding="utf-8")
    (folder / "templates" / "questions" / "nps.html").write_text(
        '{% macro question(q, m) %}<div class="kioski-nps" data-question="{{ q.id }}"></div>{% endmacro %}\n',
        encoding="utf-8",
    )
    survey = manifest_with()
    plain = render_survey(survey, base_theme(), base_url="", api_url="")["fi/index.html"].decode()
    kiosk = render_survey(survey, load_theme(tmp_path, "messu-kioski"), base_url="", api_url="")["fi/index.html"]
    again = render_survey(survey, base_theme(), base_url="", api_url="")["fi/index.html"].decode()
    assert 'class="kioski-nps" data-question="recommend"' in kiosk.decode()
    assert "kioski-nps" not in plain and again == plain


def test_the_survey_page_is_compacted_as_one_whole_page_would_be() -> None:
    theme = base_theme()
    survey = store_survey()
    env = environment(tuple(theme.template_dirs))
    view = _survey(env, survey, "sv", "https://api.example")
    whole = view_with_sections(env, survey, "sv")
    page = page_view(survey, theme, "sv", "sv/", base_url="", title=f"{view.title} – {theme.tokens.name}")
    expected = compact_html(
        env.get_template("survey.html").render(page=page, survey=replace(view, sections_html=whole))
    )
    assert (
        render_survey(survey, theme, base_url="", api_url="https://api.example")["sv/index.html"].decode() == expected
    )


def view_with_sections(env: Environment, survey: Manifest, lang: str) -> Markup:
    """The language's questions rendered and left as they come, not compacted on their own."""
    view = survey_view(survey, lang, f"{lang}/", api_url="https://api.example")
    html = env.get_template("sections.html").render(
        sections=view.sections, question_html=partial(question_html, env, lang), m=catalog(lang)
    )
    return Markup(html)


def test_a_show_if_question_shared_by_surveys_keeps_each_surveys_own_note() -> None:
    def note_in(recommend_text: str) -> str:
        asked = Question(id="recommend", type="nps", page=0, min=0.0, max=10.0,
                         text={"fi": recommend_text, "sv": recommend_text})  # fmt: skip
        follow = Question(id="why", type="text", page=0, text={"fi": "Miksi?", "sv": "Varför?"},
                          show_if=Condition(question="recommend", op="lte", value=6))  # fmt: skip
        page = render_survey(manifest_with(asked, follow), base_theme(), base_url="", api_url="")["fi/index.html"]
        html = page.decode()
        return html[html.index('id="q-why.note"') : html.index("</p>", html.index('id="q-why.note"'))]

    assert "Suosittelisitko meitä" in note_in("Suosittelisitko meitä?")
    assert "Suosittelisitko Lähdettä" in note_in("Suosittelisitko Lähdettä?")
