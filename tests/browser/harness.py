"""Shared pieces of the browser suite: a `palaute serve` process per module, Chromium's launch settings."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PALAUTE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@dataclass(frozen=True)
class ExampleSurvey:
    """What the suite needs to know of an example spec to visit its pages."""

    id: str
    languages: list[str]
    touchpoints: list[str]
    outcomes: list[str]
    """A quiz's outcome ids: each has its own thank-you page, thanks/<outcome>/."""


def example_spec(survey: str, specs: Path = ROOT / "survey_specs") -> dict[str, Any]:
    """An example spec as plain data, for texts a test expects on screen (thanks, outcome titles)."""
    data: Any = YAML(typ="safe").load((specs / f"{survey}.yaml").read_text(encoding="utf-8"))
    return dict(data)


def example_surveys(specs: Path = ROOT / "survey_specs") -> list[ExampleSurvey]:
    """The example specs, read at collection time so every page can be its own test."""
    surveys = []
    for path in sorted(specs.glob("*.yaml")):
        data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        touchpoints = [str(tp["id"]) for tp in data.get("touchpoints") or []]
        outcomes = [str(outcome["id"]) for outcome in (data.get("quiz") or {}).get("outcomes", [])]
        surveys.append(ExampleSurvey(str(data["id"]), [str(lang) for lang in data["languages"]], touchpoints, outcomes))
    return surveys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running `palaute serve`: its base URL and its data folder (the SQLite store lives there)."""

    url: str
    data: Path
    process: subprocess.Popen[bytes]

    def responses(self, survey: str) -> list[sqlite3.Row]:
        """Every stored response of a survey, read straight from the SQLite file."""
        with sqlite3.connect(self.data / "palaute.sqlite3") as db:
            db.row_factory = sqlite3.Row
            return list(db.execute("SELECT * FROM responses WHERE survey = ? ORDER BY received_at", (survey,)))

    def wait_for_responses(self, survey: str, count: int, timeout: float = 10.0) -> list[sqlite3.Row]:
        """The survey's responses once at least `count` are stored (the queue step may lag the 202)."""
        deadline = time.monotonic() + timeout
        rows = self.responses(survey)
        while len(rows) < count and time.monotonic() < deadline:
            time.sleep(0.1)
            rows = self.responses(survey)
        return rows

    def post_response(self, survey: str, body: dict[str, Any]) -> int:
        """POST a JSON response to the collect API, as the survey page's script would; the HTTP status."""
        request = urllib.request.Request(
            f"{self.url}/v1/surveys/{survey}/responses", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as err:
            return int(err.code)

    def token(self, survey: str) -> str:
        palaute = Path(sys.executable).with_name("palaute")
        out = subprocess.run([str(palaute), "token", survey, "--data", str(self.data)], capture_output=True,
                             text=True, check=True, timeout=60)  # fmt: skip
        return out.stdout.split()[-1]


def start_server(data: Path, specs: Path = ROOT / "survey_specs", themes: Path = ROOT / "themes") -> Server:
    port = free_port()
    palaute = Path(sys.executable).with_name("palaute")
    data.mkdir(parents=True, exist_ok=True)
    log = (data / "serve.log").open("wb")
    process = subprocess.Popen(
        [str(palaute), "serve", "--specs", str(specs), "--themes", str(themes), "--data", str(data),
         "--host", "127.0.0.1", "--port", str(port), "--no-watch"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("palaute serve exited: " + (data / "serve.log").read_text(errors="replace")[-800:])
        try:
            with urllib.request.urlopen(url + "/messu-tyytyvaisyys/fi/", timeout=2) as reply:
                if reply.status == 200:
                    return Server(url, data, process)
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("palaute serve did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def copy_examples(target: Path) -> tuple[Path, Path]:
    """The example specs and themes copied where a test may change them."""
    shutil.copytree(ROOT / "survey_specs", target / "survey_specs")
    shutil.copytree(ROOT / "themes", target / "themes")
    return target / "survey_specs", target / "themes"
