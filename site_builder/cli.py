"""The `palaute` command line: thin wrappers over library calls, nothing a test would call directly."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from site_builder.problems import BuildFailed, Problem

err = Console(stderr=True, highlight=False, soft_wrap=True)

SpecsOpt = Annotated[Path, typer.Option("--specs", help="Folder of survey specs (*.yaml).")]
ThemesOpt = Annotated[Path, typer.Option("--themes", help="Folder of brand themes.")]

app = typer.Typer(
    name="palaute",
    help="Branded, accessible customer-experience surveys.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# --- build, check, schema (site_builder) ---


def fail(problems: list[Problem]) -> None:
    """Print every problem and exit 1: a user error, never a traceback."""
    for problem in problems:
        err.print(f"[red]error[/red] {problem}", markup=True, highlight=False)
    err.print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
    raise typer.Exit(1)


@app.command()
def build(
    specs: SpecsOpt = Path("survey_specs"),
    themes: ThemesOpt = Path("themes"),
    out: Annotated[Path, typer.Option("--out", help="Where the static site goes.")] = Path("dist"),
    base_url: Annotated[
        str, typer.Option("--base-url", help="Public URL the site is served from (QR codes, links).")
    ] = "",
    api_url: Annotated[str, typer.Option("--api-url", help="URL of the collect API; empty for the same origin.")] = "",
) -> None:
    """Compile every survey spec and its theme into a static site."""
    from site_builder.build import build_site

    try:
        result = build_site(specs, themes, out, base_url=base_url, api_url=api_url)
    except BuildFailed as failure:
        fail(failure.problems)
    for survey in result.built:
        err.print(f"built {survey} → {out / survey}")
    if result.skipped:
        err.print(f"unchanged: {len(result.skipped)} survey{'s' if len(result.skipped) != 1 else ''}")
    for survey in result.removed:
        err.print(f"removed {out / survey} (its spec is gone)")
    if not base_url:
        err.print("note: no --base-url, so QR codes and signs carry links relative to the site root")
    if result.problems:
        fail(result.problems)


@app.command()
def check(specs: SpecsOpt = Path("survey_specs"), themes: ThemesOpt = Path("themes")) -> None:
    """Validate every spec and theme without writing anything."""
    from site_builder.build import check_site

    try:
        passed, problems = check_site(specs, themes)
    except BuildFailed as failure:
        fail(failure.problems)
    for survey in passed:
        err.print(f"ok {survey}")
    if problems:
        fail(problems)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a survey spec, for editors' autocompletion."""
    from site_builder.spec import SurveySpec

    document = SurveySpec.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "Palaute survey spec"
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


# --- serve, export, import, redrive (functions.collect / functions.local) ---

# --- token, report (functions.report) ---

# --- deploy (infra) ---
