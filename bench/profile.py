"""Where the time went when a budget is missed: pyinstrument's samples as the top frames.

Two flat lists are printed: functions by self time (where the CPU actually was) and by total
time (which call chains were expensive), import machinery left out of the second. pyinstrument
is a bench-only tool (`.venv/bin/pip install pyinstrument`); without it the profile is skipped.

Run alone on a snippet in a fresh process: `python bench/profile.py -c "import functions.collect.handler"`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/profile.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

LEFT_OUT = ("<frozen importlib", "importlib/__init__", "<string>", __file__)
"""Frames left out of the totals: import machinery, and the snippet and this profiler themselves."""


def available() -> bool:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return False
    return True


def _self_time(frame: Any) -> float:
    value = frame.total_self_time
    return float(value() if callable(value) else value)


def _where(frame: Any, caller: str) -> str:
    if frame.file_path_short == "<built-in>":  # `loads` alone could be json's or marshal's (a .pyc)
        return f"{frame.function} (built-in, from {caller.split(' (')[0]})"
    return f"{frame.function} ({frame.file_path_short}:{frame.line_no})"


def flat(root: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Self and total seconds per function; a recursive function's total counts its outermost call only."""
    own: dict[str, float] = {}
    total: dict[str, float] = {}

    def visit(frame: Any, active: frozenset[str], caller: str) -> None:
        if frame.is_synthetic:  # "[self]" leaves: already in their parent's self time
            return
        where = _where(frame, caller)
        own[where] = own.get(where, 0.0) + _self_time(frame)
        wrapper = frame.function.startswith("<") and str(Path(__file__).parent) in (frame.file_path or "")
        if where not in active and not wrapper and not any(mark in (frame.file_path or "") for mark in LEFT_OUT):
            total[where] = total.get(where, 0.0) + float(frame.time)
        for child in frame.children:
            visit(child, active | {where}, where)

    if root is not None:
        visit(root, frozenset(), "")
    return own, total


def top_frames(work: Callable[[], object], limit: int = 12) -> list[str]:
    """Run `work` under pyinstrument and describe its top frames, one line each."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        work()
    finally:
        profiler.stop()
    session = profiler.last_session
    root = session.root_frame() if session else None
    return describe(root, limit)


def describe(root: Any, limit: int) -> list[str]:
    own, total = flat(root)
    whole = float(root.time) if root is not None else 0.0
    lines = [f"profile: {whole * 1000:.0f} ms sampled", "top frames by self time:"]
    lines += [f"  {ms * 1000:8.1f} ms  {where}" for where, ms in sorted(own.items(), key=lambda kv: -kv[1])[:limit]]
    lines.append("top frames by total time (import machinery left out):")
    ranked = sorted(total.items(), key=lambda kv: -kv[1])[:limit]
    lines += [f"  {ms * 1000:8.1f} ms  {where}" for where, ms in ranked]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Top frames of a Python snippet, profiled in this process.")
    parser.add_argument("-c", dest="code", required=True)
    parser.add_argument("--limit", type=int, default=12)
    args = parser.parse_args()
    if not available():
        sys.exit("pyinstrument is not installed: .venv/bin/pip install pyinstrument")
    sys.stdout.write("\n".join(top_frames(lambda: exec(args.code, {"__name__": "__profiled__"}), args.limit)) + "\n")
