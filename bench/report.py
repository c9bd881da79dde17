"""Report: a million synthetic responses from NDJSON through the aggregation core, beside DuckDB.

The measurements themselves live in `bench/report_bench.py` (written with the report function:
each runs in its own process, so its peak RSS is its own); this module holds them to the
budgets of issue 7 and sets them beside the peers:

- ours: the full report (`Aggregator`, every question, every breakdown, weekly trend) from
  NDJSON through `functions/report/ndjson.py` (blocks of lines decoded by msgspec into Structs
  made from the manifest, each response counted once into its cell, the file split in two byte
  ranges aggregated in two processes and merged), wall time, CPU time and peak RSS of both
  processes; the same in one process beside it;
- DuckDB (bench-only: `.venv/bin/pip install duckdb`) computing NPS per touchpoint per ISO week
  from the same file, and the same narrow question as a plain `json.loads` loop.

Budgets: within 2× of DuckDB's time, peak RSS ≤ 300 MB (decimal megabytes, as the issue says).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/report.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import profile
from bench.figures import CannotRun, Figure, Run, main
from bench.synthetic import responses_file

TIME_FACTOR = 2.0
RSS_BUDGET_MB = 300.0
MIB_TO_MB = 1.048576


def _children() -> Any:
    try:
        from bench import report_bench
    except ImportError as err:
        raise CannotRun(f"bench/report_bench.py (the report measurements) is missing: {err}") from err
    return report_bench


def measure(run: Run, args: argparse.Namespace) -> None:
    bench = _children()
    count = 100_000 if args.quick else args.responses
    started = time.perf_counter()
    path = responses_file(count)
    run.note(
        f"{count:,} responses in {path} ({path.stat().st_size / 1e6:,.0f} MB, "
        f"ready in {time.perf_counter() - started:.1f} s)"
    )
    try:
        full = bench.child("full", path, count)
    except RuntimeError as err:
        raise CannotRun(f"the aggregation core does not run: {err}") from err
    try:
        duck: dict[str, Any] | None = bench.child("duckdb", path, count)
    except RuntimeError as err:
        duck = None
        run.skip("DuckDB", f"{err} (install it for the bench: .venv/bin/pip install duckdb)")
    narrow = bench.child("narrow", path, count)
    _figures(run, count, full, duck, narrow)
    single = bench.child("full-one-process", path, count)
    run.add(
        Figure(
            "  the same in one process (wall)",
            single["seconds"],
            "s",
            note=f"CPU {single['cpu_seconds']:.1f} s, peak RSS {single['rss_mib'] * MIB_TO_MB:,.0f} MB",
        )
    )
    slice_ = min(count, 100_000)
    validated = bench.child("validated", path, slice_)
    run.add(
        Figure(
            "  parse_response per line (not on this path)",
            validated["seconds"] / slice_ * 1e6,
            "µs",
            note=f"measured on {slice_:,} lines",
        )
    )
    if duck is not None:
        agree = narrow["cells"] == duck["cells"]
        run.note(f"NPS per touchpoint per week: {len(duck['cells'])} cells; json.loads loop and DuckDB agree: {agree}")
    if duck is not None and full["seconds"] > TIME_FACTOR * duck["seconds"] and profile.available():
        _profile(run, bench)


def _figures(run: Run, count: int, full: dict[str, Any], duck: dict[str, Any] | None,
             narrow: dict[str, Any]) -> None:  # fmt: skip
    peer = "DuckDB NPS/touchpoint/week" if duck else ""
    run.add(
        Figure(
            f"aggregation core, {count:,} responses from NDJSON (wall)",
            full["seconds"],
            "s",
            TIME_FACTOR * duck["seconds"] if duck else None,
            peer=peer,
            peer_value=duck["seconds"] if duck else None,
            note=f"{count / full['seconds']:,.0f} responses/s; budget is 2× DuckDB",
        )
    )
    run.add(
        Figure(
            "  peak RSS of both processes",
            (full["rss_mib"] + full["children_rss_mib"]) * MIB_TO_MB,
            "MB",
            RSS_BUDGET_MB,
            peer=peer,
            peer_value=duck["rss_mib"] * MIB_TO_MB if duck else None,
        )
    )
    run.add(Figure("  per response", full["seconds"] / count * 1e6, "µs", note=f"CPU {full['cpu_seconds']:.1f} s"))
    run.add(
        Figure(
            "  render HTML + JSON from the finished report",
            full["render_seconds"],
            "s",
            note=f"{full['html_bytes'] / 1024:,.0f} KiB HTML, {full['json_bytes'] / 1024:,.0f} KiB JSON",
        )
    )
    run.add(
        Figure(
            "json.loads loop, NPS per touchpoint per week (wall)",
            narrow["seconds"],
            "s",
            peer=peer,
            peer_value=duck["seconds"] if duck else None,
            note=f"peak RSS {narrow['rss_mib'] * MIB_TO_MB:,.0f} MB",
        )
    )


def _profile(run: Run, bench: Any) -> None:
    """Where the aggregation's time goes, on 100,000 responses in one process (this one)."""
    path = responses_file(100_000)
    lines = profile.top_frames(lambda: bench._full(path, 100_000, workers=1))
    for line in lines:
        run.note(line)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--responses", type=int, default=1_000_000, help="how many synthetic responses")


if __name__ == "__main__":
    main("report", measure, _options)
