"""The `palaute` command line: thin wrappers over library calls, nothing a test would call directly."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="palaute",
    help="Branded, accessible customer-experience surveys.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# --- build, check, schema (site_builder) ---

# --- serve, export, import, redrive (functions.collect / functions.local) ---

# --- token, report (functions.report) ---

# --- deploy (infra) ---
