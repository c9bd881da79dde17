"""What is rendered once and shared — a language's questions between its page and the survey root, the
questions of surveys that ask the same — never carries one page's or one survey's own words to another."""

from __future__ import annotations

from example_surveys import base_theme, manifest_with, store_survey

from functions.manifest import Question
from site_builder.render import render_survey


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
