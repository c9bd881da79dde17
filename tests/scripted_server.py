"""A loopback HTTP/1.1 server that answers from a script: the failures AWS has and moto does not.

Each request takes the next step of the script: an answer (status, headers, body), an answer
after which the server drops the connection without saying so (as a load balancer does with an
idle kept-alive one), a pause longer than the client's read timeout, or a dropped connection with
no answer at all. It keeps alive what the client keeps alive, and counts the connections it
accepted and the requests it saw.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Step:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    then_close: bool = False
    """Drop the connection after answering, without a `Connection: close`."""
    pause: float = 0.0
    drop: bool = False
    """Drop the connection without answering."""


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.script: list[Step] = []
        self.seen: list[Seen] = []
        self.connections = 0
        self.lock = threading.Lock()
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with scripted.lock:
                    scripted.connections += 1

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with scripted.lock:
                    scripted.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                              body))  # fmt: skip
                    step = scripted.script.pop(0) if scripted.script else Step(500, b"script ran out")
                if step.pause:
                    time.sleep(step.pause)
                if step.drop:
                    self.close_connection = True
                    return
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                if step.status != 304:
                    self.send_header("Content-Length", str(len(step.body)))
                self.end_headers()
                if step.status != 304:
                    self.wfile.write(step.body)
                if step.then_close:
                    self.close_connection = True

            do_GET = do_POST = _answer

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up on a paused answer: expected, not worth a traceback

        self.server = Server(("127.0.0.1", 0), Handler)
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{self.scheme}://{host!s}:{port}"

    def answer(self, *steps: Step) -> None:
        with self.lock:
            self.script.extend(steps)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="scripted")
def scripted_fixture() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.stop()
