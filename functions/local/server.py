"""The local HTTP server: the built site and the `/v1` API on one origin, on 127.0.0.1.

`/v1/...` requests become API Gateway v2 events handed to the same `handle` functions Lambda
runs (collect, and report when that function is installed); everything else is a file of the
built site. Each request gets a thread, but handler calls are serialised: Powertools keeps the
current event in class attributes, and the queue step is one SQLite write anyway.
"""

from __future__ import annotations

import base64
import re
import sys
import threading
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
        self.site_dir = site_dir
        self.collect = collect
        self.report = report or _not_installed
        self._handler_lock = threading.Lock()

    def __call__(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Reply:
        path = target.split("?", 1)[0]
        if path == "/v1" or path.startswith("/v1/"):
            handler = self.report if REPORT_PATH.match(path) else self.collect
            event = http_api_event(method, target, headers, body)
            with self._handler_lock:
                return _from_api(handler(event))
        if method not in ("GET", "HEAD"):
            return Reply(405, [("Allow", "GET, HEAD")])
        static = static_reply(self.site_dir, target)
        return Reply(static.status, list(static.headers.items()), static.body)


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer
    server_version = "palaute"
    timeout = 10  # an idle or stalled client cannot hold a thread (or a graceful shutdown) for long

    def _dispatch(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._write(Reply(411, [("Content-Type", "text/plain")], b"Send a Content-Length.\n"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
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
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{format % args}\n")  # no client address: no IPs, even in logs


class LocalServer(ThreadingHTTPServer):
    """Non-daemon request threads, joined on close: a SIGTERM lets in-flight posts finish."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: LocalApp, log_requests: bool = False) -> None:
        super().__init__(address, _RequestHandler)
        self.app = app
        self.log_requests = log_requests

    @property
    def port(self) -> int:
        return int(self.server_address[1])
