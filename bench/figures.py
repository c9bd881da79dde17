"""How every benchmark measures and reports: medians, peak memory, budgets and the peer's figure.

A benchmark module builds a `Run`, adds `Figure`s to it as it measures (each printed at once,
so a slow benchmark shows progress), and calls `main()` at the bottom. `CannotRun` is the one
way to fail: the product part (or the benchmark's own setup) is missing, and the run exits 2.
A peer that cannot be measured is `skip`ped with its reason; that is not a failure.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import describe

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PEERS = ROOT / "bench" / ".peers"
"""npm packages and other peers installed for the benchmarks (git-ignored)."""
DATA = ROOT / "bench" / ".data"
"""Generated inputs worth keeping between runs, e.g. a million responses (git-ignored)."""


class CannotRun(Exception):
    """The benchmark could not run at all: the reason is printed and the module exits 2."""


@dataclass(frozen=True)
class Timing:
    median: float
    low: float
    high: float
    runs: int

    def __str__(self) -> str:
        return f"median {seconds(self.median)} (min {seconds(self.low)}, max {seconds(self.high)}, {self.runs} runs)"


def timed(work: Callable[[], object], runs: int, warmup: int = 0) -> Timing:
    """Median wall time of `runs` calls of `work`, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        work()
    samples: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return timing_of(samples)


def timing_of(samples: list[float]) -> Timing:
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples))


@dataclass(frozen=True)
class Finished:
    """A command run to its end: wall seconds, CPU seconds of it and its descendants, and its output."""

    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(command: list[str], timeout: float = 900, **options: Any) -> Finished:
    """Run a command in its own process group, killed with all its workers if we time out or are stopped.

    CPU time (its own and its reaped workers') is reported beside wall time: on a machine shared
    with other work, CPU seconds move far less than wall seconds do.
    """
    cpu0, start = children_cpu(), time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **options)  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return Finished(time.perf_counter() - start, children_cpu() - cpu0, proc.returncode, out, err)


OWN_CODE = ("site_builder", "functions")
"""Palaute's own packages; its dependencies' bytecode is written by pip at install."""


def compile_own_code() -> None:
    """Write Palaute's .pyc, as `pip install` does: a user's `palaute` reads them. Python writes them
    itself on a first run too, unless PYTHONDONTWRITEBYTECODE is set (as on the machine measured):
    then every command would compile ~35 of our modules again, ~0.1 s."""
    for package in OWN_CODE:
        compileall.compile_dir(ROOT / package, quiet=1)


def drop_own_bytecode() -> None:
    """Remove Palaute's .pyc: the Lambda zip ships none (`infra/package.py`), so a cold start compiles
    our modules; measured children are then started with PYTHONDONTWRITEBYTECODE=1."""
    for package in OWN_CODE:
        for cache in (ROOT / package).rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)


def gzip9(data: bytes) -> int:
    """Bytes on the wire as `gzip -9` sends them (the GNU tool when present; zlib level 9 is within 0.1 %)."""
    tool = shutil.which("gzip")
    if tool is None:
        return len(gzip.compress(data, 9, mtime=0))
    return len(subprocess.run([tool, "-9", "-n", "-c"], input=data, capture_output=True, check=True).stdout)


def peak_rss_mib() -> float:
    """This process's peak resident set so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seconds(value: float) -> str:
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def amount(value: float, unit: str) -> str:
    if unit == "s":
        return seconds(value)
    if unit in ("B",) and value >= 1024:
        return f"{value / 1024:,.1f} KiB"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f} {unit}".rstrip()
    return f"{value:,.2f} {unit}".rstrip()


@dataclass
class Figure:
    """One measured figure; `budget` is an upper bound, or a lower one when `higher_is_better`."""

    name: str
    value: float
    unit: str
    budget: float | None = None
    higher_is_better: bool = False
    peer: str = ""
    peer_value: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        met = self.value >= self.budget if self.higher_is_better else self.value <= self.budget
        return "met" if met else "MISSED"

    @property
    def ratio(self) -> float | None:
        """Ours divided by the peer's (for times below 1 is better, for rates above 1 is)."""
        if self.peer_value is None or self.peer_value == 0:
            return None
        return self.value / self.peer_value

    def line(self) -> str:
        text = f"  {self.name:<52} {amount(self.value, self.unit):>14}"
        if self.budget is not None:
            bound = "≥" if self.higher_is_better else "≤"
            text += f"   budget {bound} {amount(self.budget, self.unit)}: {self.verdict}"
        if self.peer and self.peer_value is not None:
            text += f"   | {self.peer} {amount(self.peer_value, self.unit)}, ours/peer {self.ratio:.3g}×"
        if self.note:
            text += f"   ({self.note})"
        return text


@dataclass
class Run:
    benchmark: str
    quick: bool = False
    figures: list[Figure] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unmeasured: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        say(figure.line())
        return figure

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append((what, reason))
        say(f"  skipped {what}: {reason}")

    def missing(self, part: str, reason: str) -> None:
        """A part of the product this benchmark needs is not there (yet): the run will exit 2."""
        self.unmeasured.append((part, reason))
        say(f"  NOT MEASURABLE: {part}: {reason}")

    def note(self, text: str) -> None:
        self.notes.append(text)
        say(f"  · {text}")

    def as_json(self, status: str, reason: str = "") -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "status": status,
            "reason": reason,
            "machine": describe(),
            "quick": self.quick,
            "figures": [asdict(f) | {"verdict": f.verdict, "ratio": f.ratio} for f in self.figures],
            "skipped": self.skipped,
            "unmeasured": self.unmeasured,
            "notes": self.notes,
        }


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(
    benchmark: str,
    measure: Callable[[Run, argparse.Namespace], None],
    options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """Parse `--quick` and `--json`, print the machine, measure, and exit 0 (ran) or 2 (could not run, or a part)."""
    parser = argparse.ArgumentParser(description=f"Palaute benchmark: {benchmark}")
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller inputs, for a smoke test")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    if options:
        options(parser)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stopped)  # so `finally` blocks run and stop what we started
    run = Run(benchmark, quick=args.quick)
    say(f"== {benchmark}" + (" (quick)" if args.quick else ""))
    say(f"   machine: {describe()}")
    status, reason, code = "ran", "", 0
    try:
        measure(run, args)
    except CannotRun as err:
        status, reason, code = "not measurable", str(err), 2
        say(f"  NOT MEASURABLE: {err}")
    if status == "ran" and run.unmeasured:
        status, reason, code = "partly measurable", "; ".join(f"{p}: {r}" for p, r in run.unmeasured), 2
    if args.json:
        args.json.write_text(json.dumps(run.as_json(status, reason), indent=1, ensure_ascii=False) + "\n")
    sys.exit(code)
