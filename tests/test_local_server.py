"""The local server: the site and the API on one origin, durable before 202, across a crash."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from collect_data import cafe_manifest, publish

from functions.collect.handler import CollectDeps, handle
from functions.local.events import http_api_event
from functions.local.server import LocalApp, LocalServer
from functions.manifests import DirectoryManifests
from functions.queue import LocalQueue
from functions.sqlite_store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
VALID = {"recommend": 9, "satisfaction": 5, "visit": "coffee"}

SERVER_SCRIPT = """
import sys
from pathlib import Path
from functions.collect.handler import CollectDeps, handle, logger
from functions.local.server import LocalApp, LocalServer
from functions.manifests import DirectoryManifests
from functions.queue import LocalQueue
from functions.sqlite_store import SQLiteStore

site, data = Path(sys.argv[1]), Path(sys.argv[2])
logger.setLevel("WARNING")
store = SQLiteStore.in_data_dir(data)
deps = CollectDeps(manifests=DirectoryManifests(site), queue=LocalQueue(store))
server = LocalServer(("127.0.0.1", 0), LocalApp(site, lambda event: handle(event, None, deps)))
print(server.port, flush=True)
server.serve_forever(poll_interval=0.1)
"""


def site(tmp_path: Path) -> Path:
    root = publish(tmp_path / "site", cafe_manifest())
    (root / "sumppi-kaynti" / "fi").mkdir()
    page = '<!doctype html><html lang="fi"><h1>Kerro käynnistäsi</h1>'
    (root / "sumppi-kaynti" / "fi" / "index.html").write_text(page, encoding="utf-8")
    (root / "sumppi-kaynti" / "qr").mkdir()
    (root / "sumppi-kaynti" / "qr" / "kassa.svg").write_text("<svg/>", encoding="utf-8")
    (root / ".palaute-build.json").write_text("{}", encoding="utf-8")
    return root


def local_app(tmp_path: Path) -> tuple[LocalApp, SQLiteStore]:
    root = site(tmp_path)
    store = SQLiteStore.in_data_dir(tmp_path / "data")
    deps = CollectDeps(manifests=DirectoryManifests(root), queue=LocalQueue(store))
    return LocalApp(root, lambda event: handle(event, None, deps)), store


JSON = [("Content-Type", "application/json"), ("Host", "127.0.0.1:8000")]


def test_a_survey_page_is_its_folders_index(tmp_path: Path) -> None:
    app, _ = local_app(tmp_path)
    page = app("GET", "/sumppi-kaynti/fi/", [], b"")
    assert page.status == 200 and b"Kerro k" in page.body
    assert ("Content-Type", "text/html; charset=utf-8") in page.headers
    assert app("GET", "/sumppi-kaynti/qr/kassa.svg", [], b"").headers[0] == ("Content-Type", "image/svg+xml")


def test_a_folder_without_its_slash_is_redirected_keeping_the_query(tmp_path: Path) -> None:
    app, _ = local_app(tmp_path)
    reply = app("GET", "/sumppi-kaynti/fi?tp=kassa", [], b"")
    assert reply.status == 301 and ("Location", "/sumppi-kaynti/fi/?tp=kassa") in reply.headers


@pytest.mark.parametrize("target", ["/../data/palaute.sqlite3", "/%2e%2e/data/palaute.sqlite3", "/.palaute-build.json",
                                    "/sumppi-kaynti/../../data/palaute.sqlite3", "/ei-ole/", "/sumppi-kaynti/sv/"])
def test_nothing_outside_the_built_site_is_served(tmp_path: Path, target: str) -> None:
    app, store = local_app(tmp_path)
    store.put(__import__("collect_data").stored(str(uuid.uuid4())))
    assert app("GET", target, [], b"").status == 404


def test_a_post_to_the_api_runs_the_collect_handler_and_is_on_disk(tmp_path: Path) -> None:
    app, store = local_app(tmp_path)
    reply = app("POST", "/v1/surveys/sumppi-kaynti/responses", JSON, json.dumps({"answers": VALID}).encode())
    assert reply.status == 202
    response_id = json.loads(reply.body)["response_id"]
    assert [r.response_id for r in SQLiteStore(store.path).responses("sumppi-kaynti")] == [response_id]


def test_a_form_post_lands_on_the_same_origins_thank_you_page(tmp_path: Path) -> None:
    app, _ = local_app(tmp_path)
    form = [("Content-Type", "application/x-www-form-urlencoded")]
    reply = app("POST", "/v1/surveys/sumppi-kaynti/responses", form, b"recommend=9&satisfaction=5&tp=kassa")
    assert reply.status == 303 and ("Location", "/sumppi-kaynti/fi/thanks/?tp=kassa") in reply.headers


def test_the_report_route_says_501_when_the_report_function_is_absent(tmp_path: Path) -> None:
    app, _ = local_app(tmp_path)
    reply = app("GET", "/v1/surveys/sumppi-kaynti/report?format=json", [], b"")
    assert reply.status == 501 and b"report function" in reply.body


def test_a_post_to_a_page_is_405(tmp_path: Path) -> None:
    app, _ = local_app(tmp_path)
    assert app("POST", "/sumppi-kaynti/fi/", JSON, b"{}").status == 405


def test_the_event_looks_like_api_gateways() -> None:
    event = http_api_event("post", "/v1/surveys/sumppi-kaynti/responses?x=1&x=2",
                           [("Content-Type", "application/json"), ("X-Tag", "a"), ("x-tag", "b"),
                            ("Cookie", "kieli=fi; kassa=1")], b"{\"answers\": {}}")  # fmt: skip
    assert event["version"] == "2.0" and event["requestContext"]["http"]["method"] == "POST"
    assert event["rawPath"] == "/v1/surveys/sumppi-kaynti/responses"
    assert event["headers"]["x-tag"] == "a,b" and event["queryStringParameters"] == {"x": "1,2"}
    assert event["cookies"] == ["kieli=fi", "kassa=1"]
    assert event["body"] == '{"answers": {}}' and event["isBase64Encoded"] is False


def test_a_body_that_is_not_utf8_travels_base64_encoded() -> None:
    raw = "hyvää".encode("latin-1")
    event = http_api_event("POST", "/v1/x", [("Content-Type", "application/json")], raw)
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == raw


def http(method: str, url: str, body: Any = None, ctype: str = "application/json") -> tuple[int, bytes]:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[str, SQLiteStore]]:
    app, store = local_app(tmp_path)
    server = LocalServer(("127.0.0.1", 0), app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}", store
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_concurrent_posts_over_real_http_are_all_stored(running: tuple[str, SQLiteStore]) -> None:
    base, store = running
    statuses: list[int] = []

    def post(count: int) -> None:
        for _ in range(count):
            statuses.append(http("POST", f"{base}/v1/surveys/sumppi-kaynti/responses", {"answers": VALID})[0])

    threads = [threading.Thread(target=post, args=(10,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [202] * 80
    assert store.count("sumppi-kaynti") == 80


def test_an_oversized_post_is_413_over_real_http(running: tuple[str, SQLiteStore]) -> None:
    base, _ = running
    huge = b'{"answers": {"improve": "' + b"a" * (5 * 1024 * 1024) + b'"}}'
    try:
        status, _ = http("POST", f"{base}/v1/surveys/sumppi-kaynti/responses", huge)
    except (ConnectionError, urllib.error.URLError):
        pytest.fail("the server should answer 413, not drop the connection")
    assert status == 413


def start_server(site_dir: Path, data: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-c", SERVER_SCRIPT, str(site_dir), str(data)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    assert port.isdigit(), "the server did not start"
    return process, f"http://127.0.0.1:{port}"


def test_every_202_survives_the_server_being_killed_mid_stream(tmp_path: Path) -> None:
    root, data = site(tmp_path), tmp_path / "data"
    process, base = start_server(root, data)
    acknowledged: list[str] = []
    stop = threading.Event()

    def post() -> None:
        while not stop.is_set():
            response_id = str(uuid.uuid4())
            try:
                status, _ = http("POST", f"{base}/v1/surveys/sumppi-kaynti/responses",
                                 {"response_id": response_id, "answers": VALID})  # fmt: skip
            except OSError:
                return  # the server is gone: this post was never acknowledged
            if status == 202:
                acknowledged.append(response_id)

    clients = [threading.Thread(target=post) for _ in range(6)]
    for client in clients:
        client.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)  # no chance to flush or close anything
    process.wait(timeout=10)
    stop.set()
    for client in clients:
        client.join(timeout=20)
    assert len(acknowledged) >= 150

    restarted, base = start_server(root, data)
    try:
        assert http("POST", f"{base}/v1/surveys/sumppi-kaynti/responses", {"answers": VALID})[0] == 202
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
    stored = {r.response_id for r in SQLiteStore.in_data_dir(data).responses("sumppi-kaynti")}
    assert set(acknowledged) <= stored
    assert len(stored) >= len(acknowledged) + 1

