"""Build throughput: `palaute build` on N synthetic surveys, cold, no-op and one-spec-changed.

Each survey has 10 questions on 2 pages, 2 languages and 3 touchpoints (each with a QR code and a
printable sign). Times are the `palaute build` command as a user runs it (a fresh process, so
interpreter start and imports count), median of several runs; the library call `build_site` is
timed too, which shows what the command costs beyond the build itself. Peers, on the same specs
and the same pages: a plain Jinja2 loop (`bench/jinja_loop.py`) and Hugo (`bench/hugo_site.py`).

Budgets (issue 7): 1,000 surveys cold ≤ 5 s on 2 cores; our pages/s ≥ Hugo's; no-op rebuild
≤ 0.5 s; one changed spec ≤ 0.3 s; time linear in N (the cost of one more survey does not grow).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/build_throughput.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import debian, hugo_site
from bench.figures import (
    ROOT,
    VENV_PYTHON,
    CannotRun,
    Figure,
    Run,
    compile_own_code,
    main,
    run_command,
    seconds,
    timing_of,
)
from bench.synthetic import spec_text, write_specs, write_theme

PALAUTE = ROOT / ".venv" / "bin" / "palaute"
COLD_BUDGET_1000 = 5.0
NOOP_BUDGET = 0.5
CHANGED_BUDGET = 0.3
LINEAR_SLACK = 1.25
"""Linear: the marginal cost of one more survey stays flat; at larger sizes it may be at most this much higher."""


@dataclass
class Sizes:
    cold: float
    noop: float
    changed: float
    pages: int
    cold_cpu: float


def _stopwatch(command: list[str], cpu: list[float] | None = None) -> float:
    """Wall seconds of a command; its CPU seconds are appended to `cpu` when given."""
    done = run_command(command)
    if done.returncode != 0:
        raise CannotRun(f"{' '.join(command[:2])} exited {done.returncode}: {(done.stderr or done.stdout)[-600:]}")
    if cpu is not None:
        cpu.append(done.cpu)
    return done.wall


def _build_command(specs: Path, themes: Path, out: Path) -> list[str]:
    return [str(PALAUTE), "build", "--specs", str(specs), "--themes", str(themes), "--out", str(out),
            "--base-url", "https://surveys.example.org", "--api-url", "https://api.example.org"]  # fmt: skip


def html_pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


def measure_ours(run: Run, n: int, specs: Path, themes: Path, out: Path, runs: int) -> Sizes:
    command = _build_command(specs, themes, out)
    cold, cold_cpu = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cold.append(_stopwatch(command, cold_cpu))
    pages = html_pages(out)
    noop_cpu: list[float] = []
    noop = timing_of([_stopwatch(command, noop_cpu) for _ in range(runs + 2)])
    changed, changed_cpu = [], []
    for revision in range(1, runs + 3):
        (specs / "kauppa-0000.yaml").write_text(spec_text(0, revision), encoding="utf-8")
        changed.append(_stopwatch(command, changed_cpu))
    cold_t, changed_t = timing_of(cold), timing_of(changed)
    label = f"{n:,} surveys"
    cpu = statistics.median(cold_cpu)
    run.add(
        Figure(
            f"palaute build cold, {label}",
            cold_t.median,
            "s",
            COLD_BUDGET_1000 if n == 1000 else None,
            note=f"{pages:,} HTML pages; CPU {cpu:.2f} s, {cpu / n * 1000:.1f} ms per survey",
        )
    )
    run.add(
        Figure(
            f"palaute build no-op rebuild, {label}",
            noop.median,
            "s",
            NOOP_BUDGET,
            note=f"CPU {statistics.median(noop_cpu):.2f} s",
        )
    )
    run.add(
        Figure(
            f"palaute build one spec changed, {label}",
            changed_t.median,
            "s",
            CHANGED_BUDGET,
            note=f"CPU {statistics.median(changed_cpu):.2f} s",
        )
    )
    _library_rebuilds(run, label, specs, themes, out)
    _serial_cpu(run, label, specs, themes, out.parent / f"serial-{n}")
    return Sizes(cold_t.median, noop.median, changed_t.median, pages, cpu)


SERIAL_SAMPLE = 200
"""Surveys built one after another in this process for the per-survey CPU figure."""


def _serial_cpu(run: Run, label: str, specs: Path, themes: Path, out: Path) -> None:
    """CPU per survey built serially in this process, after a warm-up survey: no start-up, no workers, and
    CPU time, so the figure holds on a machine other work is loading too (median of 3)."""
    from site_builder.build import BuildOptions, _build_chunk

    options = BuildOptions(themes, "https://surveys.example.org", "https://api.example.org")
    paths = sorted(specs.glob("*.yaml"))[: SERIAL_SAMPLE + 1]
    samples = []
    for _ in range(3):
        shutil.rmtree(out, ignore_errors=True)
        _build_chunk(paths[:1], options, out)
        start = time.process_time()
        _build_chunk(paths[1:], options, out)
        samples.append((time.process_time() - start) / (len(paths) - 1))
    shutil.rmtree(out, ignore_errors=True)
    run.add(Figure(f"  serial in-process CPU per survey, {label}", statistics.median(samples) * 1000, "ms"))


def _library_rebuilds(run: Run, label: str, specs: Path, themes: Path, out: Path) -> None:
    """The same rebuilds through `build_site` in this process: what is left without start-up and imports."""
    from site_builder.build import build_site

    def build() -> float:
        start = time.perf_counter()
        build_site(specs, themes, out, base_url="https://surveys.example.org", api_url="https://api.example.org")
        return time.perf_counter() - start

    build()  # imports and caches warm, as in a long-lived `palaute serve`
    noop = timing_of([build() for _ in range(5)])
    changed = []
    for revision in range(100, 105):
        (specs / "kauppa-0000.yaml").write_text(spec_text(0, revision), encoding="utf-8")
        changed.append(build())
    run.add(Figure(f"  build_site() in-process no-op, {label}", noop.median, "s"))
    run.add(Figure(f"  build_site() in-process one changed, {label}", timing_of(changed).median, "s"))


def measure_jinja(specs: Path, out: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of the plain Jinja2 loop."""
    samples, cpu = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        samples.append(_stopwatch([str(VENV_PYTHON), str(ROOT / "bench" / "jinja_loop.py"), str(specs), str(out)], cpu))
    return timing_of(samples).median, statistics.median(cpu)


def measure_hugo(hugo: str, specs: Path, work: Path, runs: int) -> tuple[float, int]:
    site, out = work / "hugo-site", work / "hugo-out"
    hugo_site.write_site(specs, site)
    samples = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        samples.append(_stopwatch(hugo_site.command(hugo, site, out)))
    shutil.rmtree(site, ignore_errors=True)
    return timing_of(samples).median, html_pages(out)


def _peers(run: Run, n: int, ours: Sizes, specs: Path, work: Path, hugo: str | None, runs: int) -> None:
    rate = ours.pages / ours.cold
    jinja_out = work / f"jinja-{n}"
    jinja, jinja_cpu = measure_jinja(specs, jinja_out, runs)
    jinja_pages = html_pages(jinja_out)
    shutil.rmtree(jinja_out, ignore_errors=True)
    run.add(
        Figure(
            f"cold build time vs plain Jinja2 loop, {n:,} surveys",
            ours.cold,
            "s",
            peer="Jinja2 loop",
            peer_value=jinja,
            note=f"loop wrote {jinja_pages:,} pages",
        )
    )
    run.add(
        Figure(
            f"  cold build CPU vs plain Jinja2 loop CPU, {n:,} surveys",
            ours.cold_cpu,
            "s",
            peer="Jinja2 loop",
            peer_value=jinja_cpu,
        )
    )
    if hugo is None:
        run.add(
            Figure(
                f"pages/s, {n:,} surveys",
                rate,
                "pages/s",
                peer="Jinja2 loop",
                peer_value=jinja_pages / jinja,
                higher_is_better=True,
            )
        )
        return
    hugo_time, hugo_pages = measure_hugo(hugo, specs, work, runs)
    run.add(
        Figure(
            f"cold build time vs Hugo, {n:,} surveys",
            ours.cold,
            "s",
            peer="Hugo",
            peer_value=hugo_time,
            note=f"Hugo wrote {hugo_pages:,} pages",
        )
    )
    run.add(
        Figure(
            f"pages/s, {n:,} surveys",
            rate,
            "pages/s",
            budget=hugo_pages / hugo_time,
            higher_is_better=True,
            peer="Hugo",
            peer_value=hugo_pages / hugo_time,
            note=f"Jinja2 loop {jinja_pages / jinja:,.0f} pages/s",
        )
    )


def _linearity(run: Run, sizes: dict[int, Sizes]) -> None:
    """Linear means one more survey costs the same at any N: compared on CPU seconds, which a busy machine
    disturbs far less than wall seconds (the wall figures are printed too)."""
    ns = sorted(sizes)
    if len(ns) < 2:
        run.note("one size only: linearity not measured (run without --quick)")
        return
    for small, large in itertools.pairwise(ns):
        run.note(
            f"cold {small:,}→{large:,} surveys: wall {seconds(sizes[small].cold)} → {seconds(sizes[large].cold)}, "
            f"CPU {seconds(sizes[small].cold_cpu)} → {seconds(sizes[large].cold_cpu)} "
            f"({large / small:.1f}× the surveys)"
        )
    marginal = [(sizes[b].cold_cpu - sizes[a].cold_cpu) / (b - a) for a, b in itertools.pairwise(ns)]
    if len(marginal) >= 2 and marginal[0] > 0:
        run.add(
            Figure(
                f"marginal CPU per survey {ns[-2]:,}→{ns[-1]:,} ÷ {ns[0]:,}→{ns[1]:,}",
                marginal[-1] / marginal[0],
                "×",
                LINEAR_SLACK,
                note=f"{marginal[0] * 1000:.1f} ms → {marginal[-1] * 1000:.1f} ms CPU per survey; 1× is linear",
            )
        )
    else:
        run.note(f"marginal CPU per survey {ns[0]:,}→{ns[1]:,}: {marginal[0] * 1000:.1f} ms")


def measure(run: Run, args: argparse.Namespace) -> None:
    if not PALAUTE.is_file():
        raise CannotRun(f"{PALAUTE} is missing (make the venv: make run)")
    sizes_wanted: list[int] = args.sizes or ([100] if args.quick else [100, 300, 1000])
    runs = 1 if args.quick else 3
    hugo, reason = debian.ensure("hugo", "hugo")
    if hugo is None:
        run.skip("Hugo", reason)
    else:
        run.note(hugo_site.hugo_version(hugo))
    compile_own_code()
    run.note("Palaute's .pyc written first, as pip writes them at install (see bench/figures.py)")
    results: dict[int, Sizes] = {}
    memory = Path("/dev/shm")
    where = str(memory) if memory.is_dir() and os.access(memory, os.W_OK) else None
    run.note(f"work folder on {'tmpfs (/dev/shm), as the issue measured Hugo' if where else 'the default temp folder'}")
    with tempfile.TemporaryDirectory(prefix="palaute-bench-build-", dir=where) as tmp:
        work = Path(tmp)  # ours and both peers read and write here: the same file system for all
        write_theme(work / "themes")
        for n in sizes_wanted:
            specs = work / f"specs-{n}"
            write_specs(specs, n)
            results[n] = measure_ours(run, n, specs, work / "themes", work / f"out-{n}", runs)
            _peers(run, n, results[n], specs, work, hugo, runs)
            shutil.rmtree(work / f"out-{n}", ignore_errors=True)
    _linearity(run, results)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", help="numbers of surveys (default 100 300 1000)")


if __name__ == "__main__":
    main("build throughput", measure, _options)
