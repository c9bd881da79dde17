"""The machine a figure was measured on: a figure without it means nothing.

The load average is part of it: other work on the same cores (a test run) slows every figure.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def usable_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def memory_total_mib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return None


def describe() -> str:
    memory = memory_total_mib()
    parts = [
        f"{usable_cores()} cores ({os.cpu_count()} online)",
        cpu_model(),
        f"{memory:,} MiB RAM" if memory else "",
        f"Python {platform.python_version()} ({platform.python_implementation()})",
        f"{platform.system()} {platform.release()}",
        f"load average {os.getloadavg()[0]:.2f}",
    ]
    return " · ".join(part for part in parts if part)


if __name__ == "__main__":
    sys.stdout.write(describe() + "\n")
