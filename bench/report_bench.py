"""The report benchmark's measurements, each run by `bench/report.py` in a fresh process of its own.

Input: `bench/synthetic.py` responses (10 questions, 5 touchpoints, 12 weeks, 10 % comments),
written once to NDJSON under bench/.data/. Each measurement runs in its own process, so its
peak RSS (`getrusage`) is its own:

1. The full report (`Aggregator`: every question, touchpoint/language/hidden breakdowns, weekly
   trend) read from NDJSON through `functions/report/ndjson.py`: msgspec per block of lines into
   Structs made from the manifest (`functions/report/shape.py`), no dict and no record per line,
   the file cut in two byte ranges aggregated in two processes and merged. Then rendering HTML
   and JSON from the finished report. The same in one process beside it, and its CPU time (user +
   system, the child's included) since the cores are shared.
2. The same lines through `parse_response` (what the stores do), on a slice,
   to show what validation per line would cost.
3. The narrow question DuckDB answers, NPS per touchpoint per ISO week (Europe/Helsinki), in
   plain Python and in DuckDB over the same file; the two answers must agree.
DuckDB is a peer, not a dependency: when `import duckdb` fails it is skipped.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/report_bench.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.figures import VENV_PYTHON
from bench.synthetic import report_manifest_json

ZONE = "Europe/Helsinki"


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _full(path: Path, limit: int, workers: int | None = None) -> dict[str, Any]:
    """The whole file (`limit` is its line count: `responses_file(limit)`) through the report core."""
    from functions.manifest import parse_manifest
    from functions.report.html import render_html
    from functions.report.json import render_json
    from functions.report.ndjson import WORKERS, aggregate_ndjson

    manifest = parse_manifest(json.dumps(report_manifest_json()))
    cpu, started = _cpu_seconds(), time.perf_counter()
    report = aggregate_ndjson(manifest, path, workers=WORKERS if workers is None else workers).report()
    aggregated, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    if report.responses != limit:
        raise RuntimeError(f"{path} holds {report.responses:,} responses, not {limit:,}")
    started = time.perf_counter()
    html, document = render_html(manifest, report), render_json(report)
    rendered = time.perf_counter() - started
    nps = {tp: g.questions["recommend"].score for tp, g in report.breakdowns.touchpoint.items()}  # type: ignore[attr-defined]
    return {
        "seconds": aggregated,
        "cpu_seconds": cpu,
        "children_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "render_seconds": rendered,
        "responses": report.responses,
        "html_bytes": len(html),
        "json_bytes": len(document),
        "nps_by_touchpoint": nps,
    }


def _validated(path: Path, limit: int) -> dict[str, Any]:
    from functions.response import parse_response

    started = time.perf_counter()
    with path.open("rb") as lines:
        for count, line in enumerate(lines, 1):
            parse_response(line)
            if count == limit:
                break
    return {"seconds": time.perf_counter() - started, "responses": limit}


def _narrow(path: Path, limit: int) -> dict[str, Any]:
    """NPS per touchpoint per ISO week in plain Python: the question DuckDB answers."""
    from zoneinfo import ZoneInfo

    zone, weeks, counts = ZoneInfo(ZONE), {}, {}  # type: ignore[var-annotated]
    started = time.perf_counter()
    with path.open("rb") as lines:
        for count, line in enumerate(lines, 1):
            data = json.loads(line)
            stamp = data["received_at"][:13]  # cache the week per UTC hour
            week = weeks.get(stamp)
            if week is None:
                year, number, _ = datetime.fromisoformat(data["received_at"]).astimezone(zone).isocalendar()
                week = weeks[stamp] = f"{year}-W{number:02d}"
            score = data["answers"].get("recommend")
            cell = counts.setdefault((data.get("tp"), week), [0, 0, 0])
            cell[0] += 1
            cell[1] += score >= 9
            cell[2] += score <= 6
            if count == limit:
                break
    result = {f"{tp}|{week}": round(100 * (c[1] - c[2]) / c[0], 6) for (tp, week), c in counts.items()}
    return {"seconds": time.perf_counter() - started, "cells": result}


def _duckdb(path: Path, limit: int) -> dict[str, Any]:
    import duckdb

    started = time.perf_counter()
    rows = (
        duckdb.connect()
        .execute(
            f"""
        WITH answers AS (
            SELECT tp, CAST(answers->>'recommend' AS INTEGER) AS score,
                   timezone('{ZONE}', CAST(received_at AS TIMESTAMPTZ)) AS local
            FROM read_json(?, format = 'newline_delimited',
                           columns = {{tp: 'VARCHAR', received_at: 'VARCHAR', answers: 'JSON'}})
            LIMIT {limit})
        SELECT tp, isoyear(local) || '-W' || lpad(CAST(week(local) AS VARCHAR), 2, '0') AS week,
               100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score)
        FROM answers GROUP BY ALL""",
            [str(path)],
        )
        .fetchall()
    )
    return {
        "seconds": time.perf_counter() - started,
        "cells": {f"{tp}|{week}": round(nps, 6) for tp, week, nps in rows},
    }


def _full_one_process(path: Path, limit: int) -> dict[str, Any]:
    return _full(path, limit, workers=1)


CHILDREN = {
    "full": _full,
    "full-one-process": _full_one_process,
    "validated": _validated,
    "narrow": _narrow,
    "duckdb": _duckdb,
}


def child(name: str, path: Path, limit: int) -> dict[str, Any]:
    """Run one measurement in a fresh process; its peak RSS is then its own."""
    done = subprocess.run(
        [
            str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable),
            __file__,
            "--child",
            name,
            str(path),
            str(limit),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    return dict(json.loads(done.stdout))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "--child" or sys.argv[2] not in CHILDREN:
        sys.exit(f"usage: {sys.argv[0]} --child {{{','.join(CHILDREN)}}} FILE LIMIT (the benchmark is bench/report.py)")
    result = CHILDREN[sys.argv[2]](Path(sys.argv[3]), int(sys.argv[4]))
    result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(json.dumps(result))
