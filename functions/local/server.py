"""The local HTTP server: the built site and the `/v1` API on one origin, on 127.0.0.1.

`/v1/...` requests become API Gateway v2 events handed to the same `handle` functions Lambda
runs (collect, and report when that function is installed); everything else is a file of the
built site. Each connection gets a thread. The collect function keeps no per-event state, so its
calls run side by side and concurrent posts meet in the store, which commits them together. The
report function resolves through Powertools' resolver, which keeps the current event in class
attributes, so report calls take turns.

Connections are HTTP/1.1 keep-alive with Nagle off and one write per reply (a reply held back
for a delayed ACK costs 40 ms). A connection idle for `_RequestHandler.timeout` is closed, and
closing the server closes the idle ones at once and lets those mid-request answer first (with
`Connection: close`), so neither an idle browser tab nor a load tool holds up a shutdown.
"""

from __future__ import annotations

import base64
import contextlib
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from functions.local.events import http_api_event
from functions.local.static import static_reply

ApiHandler = Callable[[dict[str, Any]], dict[str, Any]]
REPORT_PATH = re.compile(r"^/v1/surveys/[^/]+/report/?$")
READ_LIMIT = 1024 * 1024
"""Bytes of a request body handed on at most; the handler refuses far smaller bodies with 413."""
DRAIN_LIMIT = 10 * 1024 * 1024
"""An oversized body is read and dropped up to this (API Gateway's own cap), so the client gets its
413 instead of a connection reset; beyond it the connection is simply closed."""
LINGER_SECONDS = 1.0
"""How long input still arriving after a refusal is read and dropped before the connection closes."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def _from_api(response: dict[str, Any]) -> Reply:
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode("utf-8")
    headers = [(str(k), str(v)) for k, v in (response.get("headers") or {}).items()]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers += [(str(name), str(v)) for v in values]
    headers += [("Set-Cookie", str(cookie)) for cookie in response.get("cookies") or []]
    return Reply(int(response.get("statusCode", 200)), headers, raw)


def _not_installed(event: dict[str, Any]) -> dict[str, Any]:
    message = '{"error": "not_implemented", "message": "the report function (functions.report) is not installed"}'
    return {"statusCode": 501, "headers": {"Content-Type": "application/json"}, "body": message}


class LocalApp:
    """One request in, one reply out: routing only, so tests can call it without sockets."""

    def __init__(self, site_dir: Path, collect: ApiHandler, report: ApiHandler | None = None) -> None:
        """`collect` must be safe on many threads at once (it answers every `/v1` request but the report)."""
        self.site_dir = site_dir
        self.collect = collect
        self.report = report or _not_installed
        self._report_lock = threading.Lock()

    def __call__(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Reply:
        path = target.split("?", 1)[0]
        if path == "/v1" or path.startswith("/v1/"):
            event = http_api_event(method, target, headers, body)
            if not REPORT_PATH.match(path):
                return _from_api(self.collect(event))
            with self._report_lock:
                return _from_api(self.report(event))
        if method not in ("GET", "HEAD"):
            return Reply(405, [("Allow", "GET, HEAD")])
        static = static_reply(self.site_dir, target)
        return Reply(static.status, list(static.headers.items()), static.body)


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer
    server_version = "palaute"
    protocol_version = "HTTP/1.1"  # keep-alive: no new connection and thread per request
    disable_nagle_algorithm = True
    wbufsize = -1  # buffered: a reply's headers and body leave in one write, flushed per request
    timeout = 10  # an idle or stalled client cannot hold a thread (or a graceful shutdown) for long

    def handle(self) -> None:
        if self.server.track(self, idle=True):
            try:
                super().handle()
            finally:
                self.server.untrack(self)

    def handle_one_request(self) -> None:
        if not self.server.track(self, idle=True):  # the server is closing: no more requests here
            self.close_connection = True
            return
        super().handle_one_request()

    def parse_request(self) -> bool:
        if not self.server.track(self, idle=False):  # closed as idle while the request line came in:
            self.close_connection = True  # unanswered and not acted on, so the client may retry
            return False
        return super().parse_request()

    def handle_expect_100(self) -> bool:
        answer = super().handle_expect_100()
        self.wfile.flush()  # the interim reply must not wait in the buffer for the final one
        return answer

    def _dispatch(self) -> None:
        self._unread = False
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = self._unread = True  # the chunks would be taken for the next request
            self._write(Reply(411, [("Content-Type", "text/plain")], b"Send a Content-Length.\n"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = self._unread = True
            self._write(Reply(400, [("Content-Type", "text/plain")], b"Bad Content-Length.\n"))
            return
        body = self.rfile.read(min(length, READ_LIMIT + 1))
        if length > len(body):
            self._drain(length - len(body))
        try:
            reply = self.server.app(self.command, self.path, list(self.headers.items()), body)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            reply = Reply(500, [("Content-Type", "text/plain")], b"Internal error; see the server log.\n")
        self._write(reply)

    def _drain(self, remaining: int) -> None:
        self.close_connection = True
        if remaining > DRAIN_LIMIT:
            self._unread = True
            return
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 64 * 1024))
            if not chunk:
                return
            remaining -= len(chunk)

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection or self.server.closing:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        if self._unread:
            self._linger()

    def _linger(self) -> None:
        """Half-close, then drop what the client is still sending, for a moment (RFC 9112 §9.6).

        Closing a socket with input still unread makes the kernel answer with a reset, and a reset
        can destroy the reply in the client's buffers before it is read: the client would see a
        broken pipe instead of its 411 or 413.
        """
        self.wfile.flush()
        deadline = time.monotonic() + LINGER_SECONDS
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(LINGER_SECONDS)
            while time.monotonic() < deadline and self.connection.recv(64 * 1024):
                pass
        except OSError:
            pass  # reset or timed out: either way there is nothing more to wait for

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{format % args}\n")  # no client address: no IPs, even in logs


class LocalServer(ThreadingHTTPServer):
    """Non-daemon connection threads, joined on close: a SIGTERM lets in-flight posts finish.

    `server_close` first closes the connections waiting for their next request, so it waits
    only for requests actually in progress.
    """

    daemon_threads = False
    request_queue_size = 128  # a burst of connecting clients (kiosks, a load test) must not overflow the backlog
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: LocalApp, log_requests: bool = False) -> None:
        super().__init__(address, _RequestHandler)
        self.app = app
        self.log_requests = log_requests
        self.closing = False
        self._connections: dict[_RequestHandler, bool] = {}
        """Open connections, each True while it waits for its next request."""
        self._connections_lock = threading.Lock()

    def track(self, handler: _RequestHandler, idle: bool) -> bool:
        """Note whether the connection is idle; False when the server is closing (the caller then closes it)."""
        with self._connections_lock:
            if self.closing:
                return False
            self._connections[handler] = idle
            return True

    def untrack(self, handler: _RequestHandler) -> None:
        with self._connections_lock:
            self._connections.pop(handler, None)

    def server_close(self) -> None:
        """Stop listening, close idle connections now, and wait for requests in progress to be answered."""
        with self._connections_lock:
            self.closing = True
            idle = [handler for handler, waiting in self._connections.items() if waiting]
        for handler in idle:
            with contextlib.suppress(OSError):  # the client may have closed it already
                handler.connection.shutdown(socket.SHUT_RDWR)  # its blocked read returns: no request
        super().server_close()

    @property
    def port(self) -> int:
        return int(self.server_address[1])
