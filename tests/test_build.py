"""`palaute build`: the output layout, reproducible bytes, incremental rebuilds, and clear failures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from functions.manifest import parse_manifest
from site_builder.build import build_site
from site_builder.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.stem for p in (ROOT / "survey_specs").glob("*.yaml"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example specs and themes a test may change."""
    shutil.copytree(ROOT / "survey_specs", tmp_path / "survey_specs")
    shutil.copytree(ROOT / "themes", tmp_path / "themes")
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(project: Path, out: str = "dist", **urls: str) -> tuple[int, str]:
    args = ["build", "--specs", str(project / "survey_specs"), "--themes", str(project / "themes")]
    args += ["--out", str(project / out)]
    for name, value in urls.items():
        args += [f"--{name.replace('_', '-')}", value] if value else [f"--{name}"]  # "" for a flag
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_every_example_builds_into_the_contract_layout(project: Path) -> None:
    code, output = build(project, base_url="https://kysely.example.fi", api_url="https://api.example.fi")
    assert code == 0, output
    for survey in EXAMPLES:
        site = project / "dist" / survey
        manifest = parse_manifest((site / "form.json").read_bytes())
        for lang in manifest.languages:
            assert (site / lang / "index.html").is_file()
            assert (site / lang / "thanks" / "index.html").is_file()
        default_page = (site / "index.html").read_text(encoding="utf-8")
        assert f'lang="{manifest.default_language}"' in default_page
        for touchpoint in manifest.touchpoints:
            assert (site / "qr" / f"{touchpoint.id}.svg").is_file()
            assert (site / "qr" / f"{touchpoint.id}.png").is_file()
            assert (site / "signs" / f"{touchpoint.id}.html").is_file()


def test_the_same_input_gives_byte_identical_output(project: Path) -> None:
    assert build(project, "first", base_url="https://kysely.example.fi")[0] == 0
    assert build(project, "second", base_url="https://kysely.example.fi")[0] == 0
    first, second = tree(project / "first"), tree(project / "second")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_rebuild_with_nothing_changed_writes_nothing(project: Path) -> None:
    specs, themes, out = project / "survey_specs", project / "themes", project / "dist"
    build_site(specs, themes, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build_site(specs, themes, out)
    assert again.built == [] and again.written == 0
    assert sorted(again.skipped) == EXAMPLES
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_one_changed_spec_rebuilds_only_its_survey(project: Path) -> None:
    specs, themes, out = project / "survey_specs", project / "themes", project / "dist"
    build_site(specs, themes, out)
    old_version = json.loads((out / "messu-tyytyvaisyys" / "form.json").read_text())["version"]
    spec = specs / "messu-tyytyvaisyys.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Mukavaa messupäivää.", "Hyvää messupäivää!"), "utf-8")
    again = build_site(specs, themes, out)
    assert again.built == ["messu-tyytyvaisyys"]
    assert "Hyvää messupäivää!" in (out / "messu-tyytyvaisyys" / "fi" / "thanks" / "index.html").read_text("utf-8")
    assert json.loads((out / "messu-tyytyvaisyys" / "form.json").read_text())["version"] != old_version


def test_a_changed_theme_rebuilds_the_surveys_that_wear_it(project: Path) -> None:
    specs, themes, out = project / "survey_specs", project / "themes", project / "dist"
    build_site(specs, themes, out)
    theme = themes / "messu" / "theme.yaml"
    theme.write_text(theme.read_text(encoding="utf-8") + "# uusi messukausi\n", encoding="utf-8")
    assert build_site(specs, themes, out).built == ["messu-tyytyvaisyys"]


def test_a_removed_spec_takes_its_survey_out_of_the_site(project: Path) -> None:
    specs, themes, out = project / "survey_specs", project / "themes", project / "dist"
    build_site(specs, themes, out)
    (specs / "digikypsyys.yaml").unlink()
    assert build_site(specs, themes, out).removed == ["digikypsyys"]
    assert not (out / "digikypsyys").exists()


def test_the_form_posts_to_the_collect_api(project: Path) -> None:
    assert build(project, api_url="https://api.example.fi/")[0] == 0
    page = (project / "dist" / "lahde-asiakaskokemus" / "sv" / "index.html").read_text(encoding="utf-8")
    assert 'action="https://api.example.fi/v1/surveys/lahde-asiakaskokemus/responses"' in page


def test_the_manifest_carries_what_the_functions_need(project: Path) -> None:
    assert build(project)[0] == 0
    manifest = parse_manifest((project / "dist" / "lahde-asiakaskokemus" / "form.json").read_bytes())
    assert manifest.languages == ["fi", "sv", "en"]
    assert [t.id for t in manifest.touchpoints] == [
        "myymala-kamppi",
        "myymala-tampere",
        "verkkokauppa",
        "asiakaspalvelu",
    ]
    recommend = manifest.question("recommend")
    assert recommend is not None and (recommend.min, recommend.max, recommend.required) == (0, 10, True)
    reason = manifest.question("reason")
    assert reason is not None and reason.show_if is not None
    topics = manifest.question("topics")
    assert topics is not None and topics.max_choices == 2 and [o.id for o in topics.options][:2] == ["price", "service"]
    quiz = parse_manifest((project / "dist" / "digikypsyys" / "form.json").read_bytes()).quiz
    assert quiz is not None and [o.id for o in quiz.outcomes][-1] == "edellakavija"


# --- failures: a clear message, exit status 1, no traceback ---------------------------------


def failing_build(project: Path) -> str:
    code, output = build(project)
    assert code == 1, output
    assert "Traceback" not in output
    return output


def test_a_missing_theme_fails_naming_the_spec_line(project: Path) -> None:
    spec = project / "survey_specs" / "messu-tyytyvaisyys.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("theme: messu", "theme: mesu"), encoding="utf-8")
    output = failing_build(project)
    assert "messu-tyytyvaisyys.yaml:3" in output and 'theme "mesu" not found' in output
    assert 'did you mean "messu"?' in output


def test_bad_yaml_fails_with_its_line(project: Path) -> None:
    spec = project / "survey_specs" / "digikypsyys.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("languages: [fi, sv]", "languages: [fi, sv"), "utf-8")
    output = failing_build(project)
    assert "digikypsyys.yaml" in output and "not valid YAML" in output


def test_an_unknown_question_type_fails(project: Path) -> None:
    spec = project / "survey_specs" / "messu-tyytyvaisyys.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("type: rating", "type: slider"), encoding="utf-8")
    assert 'unknown type "slider"' in failing_build(project)


def test_duplicate_ids_fail(project: Path) -> None:
    spec = project / "survey_specs" / "messu-tyytyvaisyys.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("id: demo_rating", "id: satisfaction"), "utf-8")
    assert 'question id "satisfaction" is used twice' in failing_build(project)


def test_a_bad_colour_fails_naming_the_theme_file(project: Path) -> None:
    theme = project / "themes" / "messu" / "theme.yaml"
    text = theme.read_text(encoding="utf-8")
    start = text.index("primary:")
    theme.write_text(text[:start] + 'primary: "#12345G"\n' + text[text.index("\n", start) + 1 :], encoding="utf-8")
    output = failing_build(project)
    assert "theme.yaml" in output and "primary" in output


def test_an_unreadable_logo_fails(project: Path) -> None:
    theme_dir = project / "themes" / "messu"
    for logo in theme_dir.glob("*.svg"):
        logo.write_text("<svg><g></svg", encoding="utf-8")
    output = failing_build(project)
    assert "logo" in output.lower()


def test_a_spec_whose_id_differs_from_its_file_name_fails(project: Path) -> None:
    spec = project / "survey_specs" / "digikypsyys.yaml"
    spec.rename(project / "survey_specs" / "digi.yaml")
    assert 'differs from the file name "digi.yaml"' in failing_build(project)


def test_check_validates_without_writing(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", "--specs", str(project / "survey_specs"), "--themes", str(project / "themes")]
    )
    assert result.exit_code == 0, result.output
    assert not (project / "dist").exists()
    assert all(f"ok {survey}" in result.output for survey in EXAMPLES)


def test_schema_is_json_schema_of_the_spec() -> None:
    result = CliRunner().invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"id", "theme", "languages", "pages", "questions", "touchpoints", "quiz"} <= set(schema["properties"])
    assert schema["properties"]["id"]["pattern"] == "^[a-z0-9][a-z0-9-]*$"


def test_built_files_are_readable_by_a_web_server(project: Path) -> None:
    assert build(project)[0] == 0
    modes = {p.stat().st_mode & 0o777 for p in (project / "dist").rglob("*") if p.is_file()}
    assert all(mode & 0o044 == 0o044 for mode in modes), sorted(oct(m) for m in modes)


def test_a_large_build_is_summed_up_so_problems_stay_visible(project: Path) -> None:
    spec = (project / "survey_specs" / "messu-tyytyvaisyys.yaml").read_text(encoding="utf-8")
    for n in range(24):  # more surveys than the command lists one by one
        copy = spec.replace("id: messu-tyytyvaisyys", f"id: messu-{n:02d}", 1)
        (project / "survey_specs" / f"messu-{n:02d}.yaml").write_text(copy, encoding="utf-8")
    (project / "survey_specs" / "rikki.yaml").write_text("id: rikki\ntitle: [\n", encoding="utf-8")

    code, output = build(project)
    assert code == 1
    assert "built messu-00 →" not in output and "--verbose names them all" in output
    assert f"built {len(EXAMPLES) + 24} surveys" in output
    assert "rikki.yaml:3" in output or "rikki.yaml:2" in output

    shutil.rmtree(project / "dist")
    code, verbose = build(project, verbose="")
    assert all(f"built messu-{n:02d} →" in verbose for n in range(24))
