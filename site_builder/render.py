"""Pages of one survey: its manifest and theme in, every file of `dist/<survey>/` out (but form.json,
QR codes and signs, which `outputs.py` and `signs.py` make).

Output is reproducible: the same manifest and theme give the same bytes, so nothing here
reads the clock. Templates come from the theme chain first, then the built-in ones; every
value is escaped except the manifest's sanitised `*_html` fields and the theme's checked CSS.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache, lru_cache, partial
from pathlib import Path

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from markupsafe import Markup

from functions.manifest import Manifest
from site_builder.compact import compact_html
from site_builder.messages import catalog
from site_builder.page_shells import Slots, builtin_only, filled, forget_shells, page_bytes
from site_builder.page_slots import page_slots, survey_slots, thanks_slots
from site_builder.page_views import (
    SurveyView,
    page_view,
    replaced,
    survey_view,
    survey_view_at,
    thanks_title,
    thanks_view,
)
from site_builder.question_views import QuestionView
from site_builder.script import survey_script
from site_builder.theme import BUILTIN_TEMPLATES, Theme, builtin_template_names


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs; a cache that cannot be read or written is no cache, not an error.

    Jinja stores each template's source checksum with its code, so an edited template compiles afresh.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache_dir() -> Path:
    """Outside any site folder (nothing here is ever published): `$XDG_CACHE_HOME/palaute/templates`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "palaute" / "templates"


@cache
def _bytecode_cache() -> BytecodeCache | None:
    """The template cache, if its folder is ours and private: code read from it is run."""
    folder = template_cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to find
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022 or not os.access(folder, os.W_OK | os.X_OK):
        return None
    return _TemplateCache(str(folder), pattern="%s.jinja")


@lru_cache(maxsize=64)
def environment(template_dirs: tuple[Path, ...] = ()) -> Environment:
    """Templates from the theme chain (child first), then the built-in ones: the first found wins.

    Templates are not checked for edits on every use: `build_site` starts each build (a rebuild of
    `palaute serve` too) with `forget_templates()`, so an edited template is read afresh then.
    """
    loaders = [FileSystemLoader(str(folder)) for folder in (*template_dirs, BUILTIN_TEMPLATES)]
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
        auto_reload=False,
    )


def render_survey(manifest: Manifest, theme: Theme, *, base_url: str, api_url: str) -> dict[str, bytes]:
    """Relative path in the survey folder → bytes: the pages per language, the default page, the assets.

    A quiz also gets a thank-you page per outcome (`<lang>/thanks/<outcome>/`): the collect function
    sends a form post there, so the respondent sees their outcome without any script.
    """
    env = environment(tuple(theme.template_dirs))
    files: dict[str, bytes] = {}
    outcomes = [outcome.id for outcome in manifest.quiz.outcomes] if manifest.quiz else []
    surveys: dict[str, SurveyView] = {}
    for lang in manifest.languages:
        survey = surveys[lang] = _survey(env, manifest, lang, api_url)
        files[f"{lang}/index.html"] = _survey_page(env, manifest, theme, survey, f"{lang}/", base_url)
        files[f"{lang}/thanks/index.html"] = _thanks_page(env, manifest, theme, lang, base_url)
        for outcome in outcomes:
            page = _thanks_page(env, manifest, theme, lang, base_url, outcome)
            files[f"{lang}/thanks/{outcome}/index.html"] = page
    root = survey_view_at(surveys[manifest.default_language], "")  # the first language's, made above
    files["index.html"] = _survey_page(env, manifest, theme, root, "", base_url)
    for name, data in sorted(theme.assets.items()):
        files[f"assets/{name}"] = data
    script = survey_script()
    files[f"assets/{script.name}"] = script.data
    return files


def _survey(env: Environment, manifest: Manifest, lang: str, api_url: str) -> SurveyView:
    """The survey page's view in `lang` at `<lang>/`, its questions rendered once for every copy of the page."""
    survey = survey_view(manifest, lang, f"{lang}/", api_url=api_url)
    html = env.get_template("sections.html").render(
        sections=survey.sections, question_html=partial(question_html, env, lang), m=catalog(lang)
    )
    return replaced(survey, sections_html=Markup(compact_html(html).strip()))  # autoescaped; compacted once


@lru_cache(maxsize=4096)
def question_html(env: Environment, lang: str, question: QuestionView) -> Markup:
    """`questions/<type>.html`'s `question` macro for this view: it sees only the view and the language's
    messages, so the same view (a chain's stores asking the same question) is rendered once; and views that
    differ only in the question's text (a store named in it) share a shell."""
    macro = env.get_template(f"questions/{question.type}.html").module.question  # type: ignore[attr-defined]
    if builtin_only(env, _QUESTION_TEMPLATES):
        slots = Slots()
        marked = replaced(question, text=slots.add(question.text))
        key = ("question", env, lang, marked)
        html = filled(key, slots, lambda: str(macro(marked, catalog(lang))), compacted=False)
        if html is not None:
            return Markup(html)  # autoescaped by the macro, the text by `filled`
    return Markup(macro(question, catalog(lang)))  # autoescaped


_QUESTION_TEMPLATES = tuple(name for name in builtin_template_names() if name.startswith("questions/"))
"""Every question template: a question's macro imports the shared ones (`_field.html`, `_scale.html`)."""


def forget_templates() -> None:
    """Read every template afresh, and render every question anew, on the next use (an edited theme)."""
    environment.cache_clear()
    question_html.cache_clear()
    forget_shells()


_SURVEY_TEMPLATES = ("survey.html", "layout.html", "header.html", "notices.html")
_THANKS_TEMPLATES = ("thanks.html", "layout.html", "header.html")


def _survey_page(
    env: Environment, manifest: Manifest, theme: Theme, survey: SurveyView, path: str, base_url: str
) -> bytes:
    title = f"{survey.title} – {theme.tokens.name}"
    page = page_view(manifest, theme, survey.lang, path, base_url=base_url, title=title)
    return page_bytes(
        env, "survey.html", _SURVEY_TEMPLATES, {"page": (page, page_slots), "survey": (survey, survey_slots)}
    )


def _thanks_page(
    env: Environment, manifest: Manifest, theme: Theme, lang: str, base_url: str, outcome: str | None = None
) -> bytes:
    path = f"{lang}/thanks/{outcome}/" if outcome else f"{lang}/thanks/"
    page = page_view(manifest, theme, lang, path, base_url=base_url, title=thanks_title(manifest, lang, outcome))
    thanks = thanks_view(manifest, lang, outcome)
    return page_bytes(
        env, "thanks.html", _THANKS_TEMPLATES, {"page": (page, page_slots), "thanks": (thanks, thanks_slots)}
    )
