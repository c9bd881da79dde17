"""The local server: the site and the API on one origin, durable before 202, across a crash."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
from collect_data import cafe_manifest, publish

from functions.collect.handler import CollectDeps, handle
from functions.local.events import http_api_event
from functions.local.server import LocalApp, LocalServer, _RequestHandler
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
app = LocalApp(site, lambda event: handle(event, None, deps))
server = LocalServer(("127.0.0.1", 0), app)
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


def test_two_requests_on_one_keep_alive_connection_both_succeed(running: tuple[str, SQLiteStore]) -> None:
    base, store = running
    conn = HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        ids = [str(uuid.uuid4()), str(uuid.uuid4())]
        sockets = []
        for response_id in ids:
            conn.request("POST", "/v1/surveys/sumppi-kaynti/responses",
                         json.dumps({"response_id": response_id, "answers": VALID}),
                         {"Content-Type": "application/json"})  # fmt: skip
            reply = conn.getresponse()
            assert (reply.status, json.loads(reply.read())) == (202, {"response_id": response_id})
            assert reply.getheader("Connection") is None and not reply.will_close
            sockets.append(conn.sock)
        conn.request("GET", "/sumppi-kaynti/fi/")
        page = conn.getresponse()
        assert page.status == 200 and b"Kerro k" in page.read()
        assert sockets[0] is not None and sockets[0] is sockets[1] is conn.sock  # one connection throughout
    finally:
        conn.close()
    assert {r.response_id for r in store.responses("sumppi-kaynti")} == set(ids)


def test_a_chunked_post_is_refused_and_its_connection_closed(running: tuple[str, SQLiteStore]) -> None:
    base, store = running
    conn = HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        body = json.dumps({"answers": VALID}).encode()
        conn.request("POST", "/v1/surveys/sumppi-kaynti/responses", iter([body]),
                     {"Content-Type": "application/json"}, encode_chunked=True)  # fmt: skip
        reply = conn.getresponse()
        reply.read()
        assert reply.status == 411 and reply.getheader("Connection") == "close"  # its chunks are not a request
    finally:
        conn.close()
    assert store.count("sumppi-kaynti") == 0


def test_many_threads_posting_over_keep_alive_land_exactly_once(running: tuple[str, SQLiteStore]) -> None:
    base, store = running
    ids = [str(uuid.uuid4()) for _ in range(120)]
    statuses: list[int] = []

    def client(mine: list[str]) -> None:
        conn = HTTPConnection(base.removeprefix("http://"), timeout=30)
        try:
            for response_id in mine + mine[:3]:  # some sent twice, as a browser's retry would
                body = json.dumps({"response_id": response_id, "answers": VALID})
                conn.request("POST", "/v1/surveys/sumppi-kaynti/responses", body, {"Content-Type": "application/json"})
                reply = conn.getresponse()
                reply.read()
                statuses.append(reply.status)
        finally:
            conn.close()

    # every id goes to two clients, so the same response is often in flight twice at once
    clients = [threading.Thread(target=client, args=(ids[n::12],)) for n in range(12)]
    clients += [threading.Thread(target=client, args=(ids[n::12][::-1],)) for n in range(12)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=120)
    assert statuses == [202] * (2 * len(ids) + 24 * 3)
    assert sorted(r.response_id for r in store.responses("sumppi-kaynti")) == sorted(ids)


def test_a_failed_commit_is_503_for_each_post_and_nothing_is_claimed(running: tuple[str, SQLiteStore]) -> None:
    base, store = running
    writer = store._writer_connection()
    writer.set_authorizer(lambda action, arg, *_: sqlite3.SQLITE_DENY if arg == "COMMIT" else sqlite3.SQLITE_OK)
    ids = [str(uuid.uuid4()) for _ in range(16)]
    replies: dict[str, tuple[int, str | None]] = {}

    def post(response_id: str) -> None:
        conn = HTTPConnection(base.removeprefix("http://"), timeout=30)
        try:
            body = json.dumps({"response_id": response_id, "answers": VALID})
            conn.request("POST", "/v1/surveys/sumppi-kaynti/responses", body, {"Content-Type": "application/json"})
            reply = conn.getresponse()
            reply.read()
            replies[response_id] = (reply.status, reply.getheader("Retry-After"))
        finally:
            conn.close()

    threads = [threading.Thread(target=post, args=(rid,)) for rid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert replies == {rid: (503, "5") for rid in ids}
    assert store.count("sumppi-kaynti") == 0

    writer.set_authorizer(None)  # the disk is back: the browsers' retries land, once each
    assert [http("POST", f"{base}/v1/surveys/sumppi-kaynti/responses", {"response_id": rid, "answers": VALID})[0]
            for rid in ids + ids[:4]] == [202] * 20  # fmt: skip
    assert store.count("sumppi-kaynti") == len(ids)


def test_closing_the_server_does_not_wait_for_an_idle_keep_alive_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_RequestHandler, "timeout", 300)  # far longer than the joins below wait
    app, _ = local_app(tmp_path)
    server = LocalServer(("127.0.0.1", 0), app)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    silent = socket.create_connection(("127.0.0.1", server.port), timeout=30)  # never sends a request
    try:
        idle.sendall(b"GET /sumppi-kaynti/fi/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = idle.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ") and b"Connection: close" not in first
        server.shutdown()
        closing = threading.Thread(target=server.server_close)
        closing.start()
        closing.join(timeout=60)
        assert not closing.is_alive(), "server_close waited for an idle connection"
        rest = b""
        while chunk := idle.recv(65536):  # the server closed the idle connection: EOF, no reply
            rest += chunk
        assert rest == b""
        # a connection the server had not yet accepted is reset rather than closed: both end it
        with contextlib.suppress(ConnectionResetError):
            assert silent.recv(1) == b""
    finally:
        idle.close()
        silent.close()
        serving.join(timeout=10)


def test_a_request_in_progress_at_close_is_answered_and_its_connection_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, store = local_app(tmp_path)
    server = LocalServer(("127.0.0.1", 0), app)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the post waits for the write lock, so it is in progress at close
    conn = HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        response_id = str(uuid.uuid4())
        conn.request("POST", "/v1/surveys/sumppi-kaynti/responses",
                     json.dumps({"response_id": response_id, "answers": VALID}),
                     {"Content-Type": "application/json"})  # fmt: skip
        deadline = time.monotonic() + 30
        while not any(not waiting for waiting in server._connections.values()):
            assert time.monotonic() < deadline, "the post never arrived"
            time.sleep(0.01)
        server.shutdown()
        closing = threading.Thread(target=server.server_close)
        closing.start()
        blocker.execute("COMMIT")
        reply = conn.getresponse()
        assert reply.status == 202 and reply.getheader("Connection") == "close"
        reply.read()
        closing.join(timeout=60)
        assert not closing.is_alive()
    finally:
        conn.close()
        serving.join(timeout=10)
    assert [r.response_id for r in store.responses("sumppi-kaynti")] == [response_id]


HEADERS = [("Content-Type", "application/json"), ("Accept-Language", "sv"), ("Accept-Encoding", "gzip")]


def _deps(tmp_path: Path, allowed_origins: tuple[str, ...] = ()) -> CollectDeps:
    """Deps for the site `_as_lambda_answers` publishes in `tmp_path`."""
    store = SQLiteStore.in_data_dir(tmp_path)
    return CollectDeps(DirectoryManifests(tmp_path / "site"), LocalQueue(store), allowed_origins=allowed_origins)


def _as_lambda_answers(tmp_path: Path, deps: CollectDeps, method: str, target: str, headers: list[tuple[str, str]],
                       body: bytes) -> None:  # fmt: skip
    """The local server's reply is, header for header, what the collect function answers on Lambda."""
    app = LocalApp(site(tmp_path), lambda event: handle(event, None, deps))
    reply = app(method, target, headers, body)
    answer = handle(http_api_event(method, target, headers, body), None, deps)
    assert (reply.status, reply.headers, reply.body) == (answer["statusCode"], list(answer["headers"].items()),
                                                         answer["body"].encode())  # fmt: skip


@pytest.mark.parametrize(
    "target, body, ctype",
    [
        ("/v1/surveys/sumppi-kaynti/responses",
         json.dumps({"response_id": "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f", "answers": VALID}).encode(), None),
        ("/v1/surveys/sumppi-kaynti/responses?x=1", b"recommend=9&satisfaction=5&tp=kassa",
         "application/x-www-form-urlencoded"),
        ("/v1/surveys/sumppi-kaynti/responses", b'{"answers": {"recommend": 11}}', None),
        ("/v1/surveys/sumppi-kaynti/responses", b"recommend=11", "application/x-www-form-urlencoded"),
        ("/v1/surveys/ei-ole/responses", b"{}", None),
        ("/v1/surveys/sumppi-kaynti/responses", b"{}", "text/plain"),
        ("/v1/surveys/sumppi-kaynti/responses", b"{" + b" " * 70_000 + b"}", None),
    ],
    ids=["202", "303", "400-json", "400-form", "404", "415", "413"],
)  # fmt: skip
def test_a_post_through_the_server_is_answered_as_on_lambda(
    tmp_path: Path, target: str, body: bytes, ctype: str | None
) -> None:
    deps = _deps(tmp_path)
    headers = [*HEADERS[1:], ("Content-Type", ctype)] if ctype else HEADERS
    _as_lambda_answers(tmp_path, deps, "POST", target, headers, body)


@pytest.mark.parametrize("method, target", [("GET", "/v1/surveys/sumppi-kaynti/responses"),
                                            ("POST", "/v1/surveys/sumppi-kaynti/responses/"),
                                            ("POST", "/v1/surveys/a/b/responses"), ("GET", "/v1"),
                                            ("OPTIONS", "/v1/surveys/sumppi-kaynti/responses")])  # fmt: skip
def test_any_other_api_request_but_the_report_gets_the_collect_functions_404(
    tmp_path: Path, method: str, target: str
) -> None:
    deps = _deps(tmp_path)
    _as_lambda_answers(tmp_path, deps, method, target, HEADERS, b"{}")
    reply = local_app(tmp_path / "other")[0](method, target, HEADERS, b"{}")
    assert reply.status == 404 and reply.body == b'{"statusCode":404,"message":"Not found"}'


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
def test_with_allowed_origins_the_server_answers_cors_as_on_lambda(tmp_path: Path, method: str) -> None:
    deps = _deps(tmp_path, allowed_origins=("https://kysely.example",))
    headers = [*HEADERS, ("Origin", "https://kysely.example")]
    body = json.dumps({"response_id": "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f", "answers": VALID}).encode()
    _as_lambda_answers(tmp_path, deps, method, "/v1/surveys/sumppi-kaynti/responses", headers, body)
    reply = LocalApp(tmp_path / "site", lambda event: handle(event, None, deps))(
        method, "/v1/surveys/sumppi-kaynti/responses", headers, body
    )
    assert reply.status == {"OPTIONS": 204, "POST": 202}[method]
    assert ("Access-Control-Allow-Origin", "https://kysely.example") in reply.headers


def test_a_post_to_the_report_path_goes_to_the_report_function(tmp_path: Path) -> None:
    app, _ = local_app(tmp_path)
    assert app("POST", "/v1/surveys/sumppi-kaynti/report", HEADERS, b"{}").status == 501


class MeetingQueue(LocalQueue):
    """Lets no post commit until `parties` posts are committing at once."""

    def __init__(self, store: SQLiteStore, parties: int) -> None:
        super().__init__(store)
        self.meeting = threading.Barrier(parties, timeout=30)

    def send(self, response: Any) -> None:
        self.meeting.wait()
        super().send(response)


def test_posts_are_not_made_to_take_turns(tmp_path: Path) -> None:
    root = site(tmp_path)
    store = SQLiteStore.in_data_dir(tmp_path / "data")
    deps = CollectDeps(manifests=DirectoryManifests(root), queue=MeetingQueue(store, 4))
    app = LocalApp(root, lambda event: handle(event, None, deps))
    statuses: list[int] = []

    def post() -> None:
        statuses.append(app("POST", "/v1/surveys/sumppi-kaynti/responses", JSON,
                            json.dumps({"answers": VALID}).encode()).status)  # fmt: skip

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [202] * 4  # had one post waited for a lock the others held, the meeting would break
    assert len(list(SQLiteStore(store.path).responses("sumppi-kaynti"))) == 4
