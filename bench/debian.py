"""Debian packages the benchmarks use as a peer or a tool (`hugo`, `wrk`), installed when missing.

Installing may fail (no root, no network to the package mirror): the caller then skips that peer
and prints why, which is not a failure of the benchmark.
"""

from __future__ import annotations

import os
import shutil
import subprocess


def ensure(command: str, package: str) -> tuple[str | None, str]:
    """The command's path, installing `package` with apt-get when needed; or None and the reason."""
    found = shutil.which(command)
    if found:
        return found, ""
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", package],
                              capture_output=True, text=True, timeout=600, env=env)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"apt-get install {package} failed: {err}"
    found = shutil.which(command)
    if found:
        return found, ""
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    return None, f"apt-get install {package} exited {done.returncode}: {tail[0]}"
