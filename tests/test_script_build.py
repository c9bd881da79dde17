"""The survey script as the build ships it: one hashed file, light pages, the server's own words.

Every example page must arrive within the first 14 KiB a phone's connection delivers: its HTML
(with the inlined stylesheet) and the script, both gzipped at level 9.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from page_tree import by_id, parse_page, question_element, text_of

from functions.collect.messages import PROBLEMS
from site_builder.build import build_site
from site_builder.script import minify_js, script_texts, survey_script

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 14 * 1024


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = build_site(ROOT / "survey_specs", ROOT / "themes", out, base_url="https://kysely.example.fi",
                        api_url="https://api.example.fi")  # fmt: skip
    assert result.problems == []
    return out


def survey_pages(dist: Path) -> list[Path]:
    return sorted(p for p in dist.glob("*/**/*.html") if "signs" not in p.parts)


def test_every_example_page_and_the_script_fit_in_14_kib_gzipped(dist: Path) -> None:
    pages = survey_pages(dist)
    assert len(pages) == 29  # 3 surveys × languages × (survey, thanks), the default pages, 5 outcomes × 2
    script = len(gzip.compress(survey_script().data, 9))
    for page in pages:
        html = len(gzip.compress(page.read_bytes(), 9))
        assert html + script <= BUDGET, f"{page.relative_to(dist)}: {html} + {script} bytes gzipped"


def test_every_page_loads_the_one_hashed_script_deferred_from_its_survey_folder(dist: Path) -> None:
    name = survey_script().name
    assert re.fullmatch(r"survey\.[0-9a-f]{10}\.js", name)
    for page in survey_pages(dist):
        survey = dist / page.relative_to(dist).parts[0]
        scripts = [e for e in parse_page(page.read_bytes()).iter("script")]
        assert len(scripts) == 1 and "defer" in scripts[0].attrib, page
        assert (page.parent / scripts[0].get("src", "")).resolve() == (survey / "assets" / name).resolve()
    assert (dist / "digikypsyys" / "assets" / name).read_bytes() == survey_script().data


def test_minifying_drops_comment_lines_and_indentation_and_nothing_else() -> None:
    source = "// Kysely\n(function () {\n    // sisällä\n    const url = 'https://kysely.lahde.fi/'; // jää\n}());\n"
    assert minify_js(source) == "(function () {\nconst url = 'https://kysely.lahde.fi/'; // jää\n}());\n"


def test_the_shipped_script_keeps_no_comment_lines_and_no_multiline_strings() -> None:
    shipped = survey_script().data.decode()
    assert not any(line.startswith("//") or line != line.strip() for line in shipped.splitlines())
    assert shipped.count("`") == 0, "a template literal could span lines the minifier joins"
    assert "/*" not in shipped


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_validation_messages_are_the_collect_functions_own(lang: str) -> None:
    problems = script_texts(lang)["problems"]
    assert isinstance(problems, dict)
    for code, text in problems.items():
        if code in PROBLEMS:
            assert text == PROBLEMS[code][lang], code


def test_the_page_carries_its_languages_words_for_the_script(dist: Path) -> None:
    form = next(parse_page((dist / "lahde-asiakaskokemus" / "sv" / "index.html").read_bytes()).iter("form"))
    texts = json.loads(form.get("data-texts", ""))
    assert texts["progress"] == "Sida {n} av {total}"
    assert texts["problems"]["required"] == "Den här frågan är obligatorisk."
    assert texts["queued"].startswith("Ditt svar har sparats")


def test_a_quiz_page_carries_the_outcome_ranges_and_what_scores(dist: Path) -> None:
    page = parse_page((dist / "digikypsyys" / "fi" / "index.html").read_bytes())
    ranges = json.loads(next(page.iter("form")).get("data-outcomes", ""))
    assert [(r["id"], r["min"], r["max"]) for r in ranges][:2] == [("aloittelija", None, 3.0), ("kokeilija", 4.0, 5.0)]
    assert "data-scored" in question_element(page, "leadership").attrib
    assert "data-scored" not in question_element(page, "strategy").attrib
    scores = [i.get("data-score") for i in question_element(page, "tools").iter("input")]
    assert scores == ["1", "1", "1"]


def test_a_choice_limit_is_on_the_question_for_the_script(dist: Path) -> None:
    page = parse_page((dist / "lahde-asiakaskokemus" / "fi" / "index.html").read_bytes())
    topics = question_element(page, "topics")
    assert topics.get("data-max") == "2" and "data-min" not in topics.attrib


def test_each_quiz_outcome_has_a_thank_you_page_that_needs_no_script(dist: Path) -> None:
    page = parse_page((dist / "digikypsyys" / "sv" / "thanks" / "rakentaja" / "index.html").read_bytes())
    outcome = by_id(page)["outcome"]
    assert "hidden" not in outcome.attrib
    assert text_of(next(outcome.iter("h2"))) == "Byggare"
    assert next(page.iter("template"), None) is None
    assert text_of(next(page.iter("title"))).startswith("Byggare – Tack för svaren!")
    switch = [a for a in page.iter("a") if a.get("hreflang") == "fi"]
    assert switch[0].get("href") == "../../../fi/thanks/rakentaja/"


def test_only_a_survey_with_a_kiosk_touchpoint_carries_the_kiosk_screens(dist: Path) -> None:
    messu = parse_page((dist / "messu-tyytyvaisyys" / "en" / "index.html").read_bytes())
    dialog = next(messu.iter("dialog"))
    assert text_of(next(dialog.iter("h2"))) == "Are you still there?"
    assert text_of(next(dialog.iter("button"))) == "Continue answering"
    thanks = next(e for e in messu.iter("div") if "data-kiosk-thanks" in e.attrib)
    assert "hidden" in thanks.attrib and text_of(thanks) == "Thank you! Enjoy the fair."
    lahde = (dist / "lahde-asiakaskokemus" / "en" / "index.html").read_text(encoding="utf-8")
    assert "<dialog" not in lahde and "data-kiosk-thanks" not in lahde


def test_the_error_summary_is_an_alert_named_by_its_heading(dist: Path) -> None:
    page = parse_page((dist / "messu-tyytyvaisyys" / "fi" / "index.html").read_bytes())
    summary = next(e for e in page.iter("div") if "data-error-summary" in e.attrib)
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    assert text_of(by_id(page)[summary.get("aria-labelledby", "")]) == "Tarkista vastauksesi"
