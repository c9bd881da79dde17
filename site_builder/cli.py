"""The `palaute` command line: thin wrappers over library calls, nothing a test would call directly."""

from __future__ import annotations

import json
import sys
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from site_builder.problems import BuildFailed, Problem

if TYPE_CHECKING:
    from rich.console import Console


@cache
def _console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


class _Messages:
    """What the producer is told, on stderr. A line with markup (`[red]error[/red]`) goes through rich;
    a plain line is written as it is, so a build with nothing to do never imports rich."""

    def print(self, text: str, *, markup: bool = False, highlight: bool = False) -> None:
        if markup:
            _console().print(text, markup=True, highlight=highlight)
        else:
            typer.echo(text, err=True)


err = _Messages()

SpecsOpt = Annotated[Path, typer.Option("--specs", help="Folder of survey specs (*.yaml).")]
ThemesOpt = Annotated[Path, typer.Option("--themes", help="Folder of brand themes.")]
LIST_BUILT_UP_TO = 20
"""A build of more surveys than this is summed up in one line unless --verbose asks for every name."""

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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Name every survey built, however many.")] = False,
) -> None:
    """Compile every survey spec and its theme into a static site."""
    from site_builder.build import build_site

    started = time.perf_counter()
    try:
        result = build_site(specs, themes, out, base_url=base_url, api_url=api_url)
    except BuildFailed as failure:
        fail(failure.problems)
    if verbose or len(result.built) <= LIST_BUILT_UP_TO:
        for survey in result.built:
            err.print(f"built {survey} → {out / survey}")
    else:  # an agency's thousand surveys would bury the problems and the note below
        first = ", ".join(result.built[:3])
        err.print(f"built {len(result.built)} surveys → {out}/ ({first}, …; --verbose names them all)")
    if result.built:
        err.print(f"{result.written} files written in {time.perf_counter() - started:.2f} s")
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

if TYPE_CHECKING:
    from functions.transfer import ExportableStore

DataOpt = Annotated[Path, typer.Option("--data", help="Local data folder: the SQLite file and the built site.")]
AwsOpt = Annotated[bool, typer.Option("--aws", help="Use the deployed DynamoDB table instead of --data.")]
TableOpt = Annotated[str, typer.Option("--table", envvar="RESPONSES_TABLE", help="DynamoDB responses table (--aws).")]
RegionOpt = Annotated[str | None, typer.Option("--region", envvar="AWS_REGION", help="AWS region (--aws).")]


def _store(data: Path, aws: bool, table: str, region: str | None) -> ExportableStore:
    """The store named on the command line: the local SQLite file, or with --aws the DynamoDB table."""
    if not aws:
        from functions.sqlite_store import SQLiteStore

        return SQLiteStore.in_data_dir(data)
    if not table:
        err.print("[red]error[/red] --aws needs the table: --table NAME or RESPONSES_TABLE", markup=True)
        raise typer.Exit(1)
    import boto3

    from functions.dynamodb_store import DynamoDBStore

    return DynamoDBStore(boto3.client("dynamodb", region_name=region), table)


@app.command()
def serve(
    specs: SpecsOpt = Path("survey_specs"),
    themes: ThemesOpt = Path("themes"),
    data: DataOpt = Path(".palaute"),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8000,
    watch: Annotated[bool, typer.Option("--watch/--no-watch", help="Rebuild when specs or themes change.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", help="Log every request.")] = False,
) -> None:
    """Build the site and serve it with the collect and report API on one local origin."""
    from functions.local.serve import ServeError, ServeOptions
    from functions.local.serve import serve as run_server

    try:
        status = run_server(ServeOptions(specs, themes, data, host, port, watch, verbose))
    except ServeError as failure:
        err.print(f"[red]error[/red] {failure}", markup=True)
        raise typer.Exit(1) from None
    raise typer.Exit(status)


@app.command("export")
def export_responses(
    file: Annotated[Path, typer.Argument(help="NDJSON file to write ('-' for stdout).")],
    data: DataOpt = Path(".palaute"),
    aws: AwsOpt = False,
    table: TableOpt = "",
    region: RegionOpt = None,
    survey: Annotated[str | None, typer.Option("--survey", help="Only this survey's responses.")] = None,
) -> None:
    """Write stored responses as NDJSON, one response per line."""
    from functions.transfer import export_responses as export

    store = _store(data, aws, table, region)
    if str(file) == "-":
        count = export(store, sys.stdout, survey)
    else:
        partial = file.with_name(file.name + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            count = export(store, out, survey)
        partial.replace(file)
    err.print(f"exported {count} response{'s' if count != 1 else ''}")


@app.command("import")
def import_responses(
    file: Annotated[Path, typer.Argument(help="NDJSON file from 'palaute export' ('-' for stdin).")],
    data: DataOpt = Path(".palaute"),
    aws: AwsOpt = False,
    table: TableOpt = "",
    region: RegionOpt = None,
) -> None:
    """Store responses from NDJSON; a response already stored (same response_id) is skipped."""
    from functions.transfer import import_responses as load

    store = _store(data, aws, table, region)
    try:
        handle = sys.stdin if str(file) == "-" else file.open(encoding="utf-8")
    except OSError as unreadable:
        err.print(f"[red]error[/red] cannot read {file}: {unreadable.strerror}", markup=True)
        raise typer.Exit(1) from None
    with handle:
        summary = load(store, handle)
    err.print(f"imported {summary.new} new, skipped {summary.duplicates} already stored")
    for line in summary.problems:
        err.print(f"[red]error[/red] {file}: {line}", markup=True)
    if summary.problems:
        raise typer.Exit(1)


@app.command()
def redrive(
    queue_url: Annotated[str, typer.Option("--queue-url", envvar="QUEUE_URL", help="The response queue.")],
    dlq_url: Annotated[str | None, typer.Option("--dlq-url", help="Default: the queue's redrive policy.")] = None,
    region: RegionOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Move at most this many.")] = 10_000,
) -> None:
    """Move responses parked in the dead-letter queue back to the response queue."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from functions.collect.redrive import redrive as move

    try:
        result = move(boto3.client("sqs", region_name=region), queue_url, dlq_url, limit)
    except (BotoCoreError, ClientError, ValueError) as failure:
        err.print(f"[red]error[/red] {failure}", markup=True)
        raise typer.Exit(1) from None
    err.print(f"moved {result.moved} message{'s' if result.moved != 1 else ''} from {result.dlq_url} to {queue_url}")


# --- token, report (functions.report) ---

if TYPE_CHECKING:
    from functions.report import ReportFile
    from functions.report.sources import Sources

ReportDataOpt = Annotated[Path, typer.Option("--data", help="Local data folder (as for 'palaute serve').")]
ReportAwsOpt = Annotated[
    bool,
    typer.Option(
        "--aws", help="Use the deployed stack (MANIFEST_BUCKET, RESPONSES_TABLE, TOKENS_TABLE from the environment)."
    ),
]
ReportSiteOpt = Annotated[
    Path | None, typer.Option("--site", help="Built site holding <survey>/form.json (default: <data>/site, then dist).")
]


def _report_sources(survey: str, data: Path, aws: bool, site: Path | None, with_store: bool) -> Sources:
    from functions.report.sources import SourceError, open_aws, open_local

    try:
        return open_aws(survey, with_store) if aws else open_local(survey, data, site, with_store)
    except SourceError as problem:
        err.print(f"[red]error[/red] {problem}", markup=True, highlight=False)
        raise typer.Exit(1) from None


@app.command()
def token(
    survey: str, data: ReportDataOpt = Path(".palaute"), aws: ReportAwsOpt = False, site: ReportSiteOpt = None
) -> None:
    """Issue a report token for SURVEY and print it once; a new token revokes the previous one."""
    from functions.tokens import issue_token

    sources = _report_sources(survey, data, aws, site, with_store=False)
    if sources.manifest is None:
        err.print(f"note: no built survey {survey!r} found yet; the token works once it is published")
    value = issue_token(sources.tokens, survey)
    err.print(f"Report token for {survey} (shown only now; send it as 'Authorization: Bearer <token>'):")
    sys.stdout.write(value + "\n")


@app.command()
def report(
    survey: str,
    format: Annotated[str, typer.Option("--format", help="html, csv, xlsx or json.")] = "html",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write ('-' for stdout; default: <survey>-report-<date>.<format> here)."),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (report timezone).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD, inclusive.")] = None,
    touchpoint: Annotated[str | None, typer.Option("--touchpoint", help="Only this touchpoint's responses.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only responses given in this language.")] = None,
    data: ReportDataOpt = Path(".palaute"),
    aws: ReportAwsOpt = False,
    site: ReportSiteOpt = None,
    responses: Annotated[
        Path | None,
        typer.Option(
            "--responses", help="Report from this NDJSON file ('palaute export') instead of the stored responses."
        ),
    ] = None,
) -> None:
    """Write SURVEY's report (the same file the report link gives) from local data, AWS or an export file."""
    from typing import BinaryIO

    from functions.report import FORMATS, write_file_report, write_stored_report
    from functions.report.documents import CorruptResponse
    from functions.report.filters import FilterError, parse_filters
    from functions.report.ndjson import NdjsonError
    from functions.report.sources import site_folders

    if format not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    if responses is not None and not responses.is_file():
        err.print(f"[red]error[/red] cannot read {responses}: no such file", markup=True, highlight=False)
        raise typer.Exit(1)
    sources = _report_sources(survey, data, aws, site, with_store=responses is None)
    if sources.manifest is None:
        where = (
            "the manifest bucket" if aws else " or ".join(f"{p}/{survey}/form.json" for p in site_folders(data, site))
        )
        err.print(f"[red]error[/red] no built survey {survey!r}: looked in {where}", markup=True)
        raise typer.Exit(1)
    manifest = sources.manifest
    try:
        filters = parse_filters(manifest, start, end, touchpoint, lang)
    except FilterError as problem:
        raise typer.BadParameter(str(problem), param_hint=f"--{problem.parameter}") from None

    def write(file: BinaryIO) -> ReportFile:
        if responses is not None:
            return write_file_report(manifest, responses, format, file, filters)
        assert sources.store is not None
        return write_stored_report(manifest, sources.store, format, file, filters)

    target = out or Path(f"{survey}-report.{format}")
    partial = target.with_name(target.name + ".partial")
    try:
        if out is not None and str(out) == "-":
            _note_repeats(write(sys.stdout.buffer), responses)
            return
        with partial.open("wb") as file:
            made = write(file)
    except (NdjsonError, CorruptResponse, OSError) as problem:
        partial.unlink(missing_ok=True)
        what = f"{problem.filename}: {problem.strerror}" if isinstance(problem, OSError) else str(problem)
        err.print(f"[red]error[/red] {what}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    if out is None:
        target = target.with_name(made.filename)
    partial.replace(target)
    _note_repeats(made, responses)
    err.print(f"wrote {target}")


def _note_repeats(made: ReportFile, responses: Path | None) -> None:
    if made.repeated:
        err.print(
            f"note: {made.repeated:,} line(s) of {responses} repeat a response listed earlier in it"
            " (same response_id); each response is counted once, from its first line",
            highlight=False,
        )


# --- deploy (infra) ---


StackOpt = Annotated[str, typer.Option("--stack", help="CloudFormation stack name (made on the first deploy).")]
DeployRegionOpt = Annotated[str | None, typer.Option("--region", help="AWS region; default: the AWS environment's.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print the plan; change nothing on AWS.")]
AlarmEmailOpt = Annotated[str | None, typer.Option("--alarm-email", help="Who is told of responses not stored.")]


@app.command()
def deploy(
    stack: StackOpt,
    region: DeployRegionOpt = None,
    dry_run: DryRunOpt = False,
    specs: SpecsOpt = Path("survey_specs"),
    themes: ThemesOpt = Path("themes"),
    out: Annotated[Path, typer.Option("--out", help="Where the site is built before upload.")] = Path("dist"),
    alarm_email: AlarmEmailOpt = None,
) -> None:
    """Deploy to AWS: package the functions, create or update the stack, build and publish the site."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.deploy import AwsClients, DeployOptions
    from infra.deploy import deploy as run_deploy
    from infra.stack import DeployFailed

    parameters = {"AlarmEmail": alarm_email} if alarm_email is not None else {}
    options = DeployOptions(stack=stack, specs=specs, themes=themes, out=out, parameters=parameters, dry_run=dry_run)
    try:
        run_deploy(options, AwsClients.from_session(boto3.Session(region_name=region)), echo=typer.echo)
    except DeployFailed as failure:
        for problem in failure.problems:
            err.print(f"[red]error[/red] {problem}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    except (BotoCoreError, ClientError) as problem:
        err.print(f"[red]error[/red] AWS: {problem}", markup=True, highlight=False)
        raise typer.Exit(1) from None
