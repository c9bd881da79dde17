"""`palaute serve` end to end: the real build, served, collecting and reporting on one origin."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

import pytest
from collect_data import stored
from test_local_server import ROOT, http

from functions.local.serve import LocalService, ServeOptions
from functions.local.server import _RequestHandler
from functions.sqlite_store import SQLiteStore, StoreClosed

SPEC = """\
id: kahvila-palaute
theme: kauppaketju
languages: [fi, sv]
title:
  fi: Kerro käynnistäsi
  sv: Berätta om ditt besök
touchpoints:
  - id: kassa
    label: {fi: Kassa, sv: Kassan}
questions:
  - id: recommend
    type: nps
    required: true
    text:
      fi: Kuinka todennäköisesti suosittelisit kahvilaamme ystävällesi?
      sv: Hur troligt är det att du skulle rekommendera vårt kafé till en vän?
  - id: improve
    type: text
    multiline: true
    show_if: {question: recommend, lte: 6}
    text: {fi: Mitä voisimme tehdä paremmin?, sv: Vad kan vi göra bättre?}
thanks:
  fi: Kiitos! Nähdään taas.
  sv: Tack! Vi ses igen.
"""


class Served:
    """`palaute serve` in a subprocess on a free port, with its printed lines."""

    def __init__(self, tmp_path: Path, *extra: str) -> None:
        (tmp_path / "specs").mkdir(exist_ok=True)
        (tmp_path / "specs" / "kahvila-palaute.yaml").write_text(SPEC, encoding="utf-8")
        palaute = Path(sys.executable).parent / "palaute"
        command = [str(palaute), "serve", "--specs", str(tmp_path / "specs"), "--themes", str(ROOT / "themes"),
                   "--data", str(tmp_path / "data"), "--port", "0", *extra]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.base = ""
        deadline = time.monotonic() + 60
        assert self.process.stdout is not None
        while not self.base and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if line.startswith("Palaute is serving on "):
                self.base = line.split()[4].rstrip("/")
        assert self.base, "\n".join(self.lines)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def line_after(self, prefix: str) -> str:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = [line.strip() for line in self.lines if line.strip().startswith(prefix)]
            if found:
                return found[-1].removeprefix(prefix).strip()
            time.sleep(0.05)
        raise AssertionError(f"no line starting {prefix!r} in {self.lines}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def test_palaute_serve_builds_serves_collects_and_reports_on_one_origin(tmp_path: Path) -> None:
    served = Served(tmp_path, "--no-watch")
    try:
        status, page = http("GET", f"{served.base}/kahvila-palaute/fi/")
        assert status == 200
        assert 'action="/v1/surveys/kahvila-palaute/responses"' in page.decode()
        assert served.line_after("fi:") == f"{served.base}/kahvila-palaute/fi/"
        assert served.line_after("touchpoint kassa:") == f"{served.base}/kahvila-palaute/?tp=kassa"
        assert Path(served.line_after("QR code:")).is_file()

        form = urlencode({"lang": "sv", "tp": "kassa", "recommend": "4", "improve": "Längre öppettider",
                          "website": ""}).encode()  # fmt: skip
        request = urllib.request.Request(f"{served.base}/v1/surveys/kahvila-palaute/responses", data=form,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as landed:  # follows the 303
            assert landed.url == f"{served.base}/kahvila-palaute/sv/thanks/?tp=kassa"
            assert "Tack! Vi ses igen." in landed.read().decode()

        token = served.line_after("token (new; earlier ones stop working):")
        report = urllib.request.Request(f"{served.base}/v1/surveys/kahvila-palaute/report?format=json",
                                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        with urllib.request.urlopen(report, timeout=30) as answer:
            assert json.loads(answer.read())["responses"] == 1
    finally:
        assert served.stop() == 0  # SIGTERM is a graceful stop
    [stored] = SQLiteStore.in_data_dir(tmp_path / "data").responses("kahvila-palaute")
    assert stored.answers == {"recommend": 4, "improve": "Längre öppettider"} and stored.lang == "sv"


def test_palaute_serve_rebuilds_when_a_spec_changes(tmp_path: Path) -> None:
    served = Served(tmp_path)
    try:
        spec = tmp_path / "specs" / "kahvila-palaute.yaml"
        deadline = time.monotonic() + 30
        page = ""
        while "Kerro käynnistäsi meille" not in page and time.monotonic() < deadline:
            # saved again each second: the watcher may still be starting when the first save happens
            spec.write_text(SPEC.replace("fi: Kerro käynnistäsi", "fi: Kerro käynnistäsi meille"), encoding="utf-8")
            time.sleep(1)
            page = http("GET", f"{served.base}/kahvila-palaute/fi/")[1].decode()
        assert "Kerro käynnistäsi meille" in page
    finally:
        assert served.stop() == 0


def test_stopping_serve_does_not_wait_for_an_idle_keep_alive_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_RequestHandler, "timeout", 300)  # far longer than the join below waits
    options = ServeOptions(specs=tmp_path / "specs", themes=ROOT / "themes", data=tmp_path / "data", port=0,
                           watch=False)  # fmt: skip
    service = LocalService(options, out=io.StringIO())
    running = threading.Thread(target=service.run, daemon=True)
    running.start()
    conn = HTTPConnection("127.0.0.1", service.server.port, timeout=30)
    try:
        conn.request("GET", "/")
        reply = conn.getresponse()
        assert reply.status == 200 and not reply.will_close
        reply.read()  # the connection stays open, waiting for a next request that never comes
        service.stop()
        running.join(timeout=60)
        assert not running.is_alive(), "serve waited for an idle connection"
        with pytest.raises(StoreClosed):
            service.store.put(stored(str(uuid.uuid4())))
    finally:
        conn.close()


def test_sigterm_under_keep_alive_load_stops_serve_and_every_202_is_stored(tmp_path: Path) -> None:
    served = Served(tmp_path, "--no-watch")
    acknowledged: list[str] = []
    stop = threading.Event()
    answers = {"recommend": 9}

    def client() -> None:
        conn = HTTPConnection(served.base.removeprefix("http://"), timeout=30)
        try:
            while not stop.is_set():
                response_id = str(uuid.uuid4())
                body = json.dumps({"response_id": response_id, "answers": answers})
                conn.request(
                    "POST", "/v1/surveys/kahvila-palaute/responses", body, {"Content-Type": "application/json"}
                )
                reply = conn.getresponse()
                reply.read()
                if reply.status == 202:
                    acknowledged.append(response_id)
                if reply.will_close:
                    return
        except (OSError, HTTPException):
            return  # the server closed the connection: the post in flight was not acknowledged
        finally:
            conn.close()

    clients = [threading.Thread(target=client) for _ in range(8)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 100 and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert served.stop() == 0  # SIGTERM mid-stream: a graceful stop, not a hang
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
    assert len(acknowledged) >= 100
    stored_ids = {r.response_id for r in SQLiteStore.in_data_dir(tmp_path / "data").responses("kahvila-palaute")}
    assert set(acknowledged) <= stored_ids
