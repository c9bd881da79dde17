"""Run every benchmark (`make bench`), each in its own process, then summarise budgets and peers.

    .venv/bin/python bench/run.py                    # everything (about 10 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick            # smaller inputs, fewer runs: a smoke test
    .venv/bin/python bench/run.py --only collect     # some of them
    .venv/bin/python bench/run.py --markdown out.md  # also write the summary table as Markdown

Exits 0 when every benchmark ran (missed budgets included: they are findings, printed in the
summary), 1 when one could not run or could only partly run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/run.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.figures import ROOT, VENV_PYTHON, Figure, amount, say
from bench.machine import describe

BENCHMARKS = ["page_weight", "build_throughput", "collect", "report", "store_cost"]


def run_one(name: str, quick: bool, folder: Path) -> dict[str, Any]:
    out = folder / f"{name}.json"
    command = [str(VENV_PYTHON), str(ROOT / "bench" / f"{name}.py"), "--json", str(out)]
    command += ["--quick"] if quick else []
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    try:
        code = proc.wait()
    except BaseException:  # stopped: let the benchmark stop what it started (servers, builds), then go
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        raise
    say(f"   ({name} took {time.perf_counter() - started:.0f} s, exit {code})\n")
    if out.is_file():
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result
    return {"benchmark": name, "status": "crashed", "reason": f"exit {code}, no figures written", "figures": []}


def _figure(data: dict[str, Any]) -> Figure:
    keys = ("name", "value", "unit", "budget", "higher_is_better", "peer", "peer_value", "note")
    return Figure(**{key: data[key] for key in keys if key in data})


def summary_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for result in results:
        for data in result["figures"]:
            figure = _figure(data)
            if figure.budget is None and figure.peer_value is None:
                continue
            bound = "≥" if figure.higher_is_better else "≤"
            budget = f"{bound} {amount(figure.budget, figure.unit)}" if figure.budget is not None else ""
            peer = f"{figure.peer}: {amount(figure.peer_value, figure.unit)}" if figure.peer_value is not None else ""
            ratio = f"{figure.ratio:.3g}×" if figure.ratio is not None else ""
            rows.append([result["benchmark"], figure.name.strip(), amount(figure.value, figure.unit), budget,
                         figure.verdict, peer, ratio])  # fmt: skip
    return rows


def markdown(rows: list[list[str]]) -> str:
    head = ["benchmark", "figure", "ours", "budget", "verdict", "peer", "ours/peer"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="Run Palaute's benchmarks and summarise them.")
    parser.add_argument("--quick", action="store_true", help="smaller inputs and fewer runs")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--markdown", type=Path, help="write the summary table here as Markdown")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    say(f"Palaute benchmarks on {describe()}\n")
    with tempfile.TemporaryDirectory(prefix="palaute-bench-") as tmp:
        results = [run_one(name, args.quick, Path(tmp)) for name in args.only or BENCHMARKS]
    rows = summary_rows(results)
    say("== summary: budgets and peers")
    for row in rows:
        say("  " + "  ".join(cell for cell in row if cell))
    failed = [r for r in results if r["status"] != "ran"]
    for result in failed:
        say(f"  {result['benchmark']}: {result['status'].upper()}: {result['reason']}")
    missed = [row for row in rows if row[4] == "MISSED"]
    say(
        f"{len(results) - len(failed)} of {len(results)} benchmarks ran; {len(missed)} budget(s) missed; "
        f"machine at the end: {describe()}"
    )
    if args.markdown:
        args.markdown.write_text(markdown(rows), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
