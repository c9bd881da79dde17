"""The HTTPS transport for the collect function's AWS calls: kept-alive, time-limited, retrying.

What botocore's standard retry mode and urllib3 pool would give, for one request at a time:

- one connection per host, kept alive across warm invocations, and opened afresh after a broken
  one (a kept-alive connection the server has since closed is retried at once, not counted);
- a 3 s connect and 5 s read timeout, and no attempt started after `deadline` seconds, so a call
  ends well inside the function's 10 s;
- up to 3 attempts with full-jitter exponential backoff (50 ms base, 1 s when throttled) on
  connection errors, 5xx, 429 and throttling codes; a 4xx client error is never retried;
- each attempt signed afresh (a retry after a pause must not reuse the old `X-Amz-Date`).

Errors are `AwsError`: the AWS error code and message parsed from the reply, never the body or
the request itself (which carry the response being queued and the signature). Jitter comes from
the OS (`SystemRandom`), so copies of a SnapStart snapshot do not retry in lockstep.
"""

from __future__ import annotations

import http.client
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import ssl

logger = logging.getLogger(__name__)

THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
    "PriorRequestNotComplete", "EC2ThrottledException",
})  # fmt: skip
"""botocore's standard mode's throttling codes (`retries/standard.py`)."""
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
THROTTLING_STATUSES = frozenset({429})
USER_AGENT = "palaute-collect (python http.client)"
_OS_RANDOM = random.SystemRandom()


class AwsError(Exception):
    """An AWS call that did not succeed: its code and message as AWS gave them, or the connection error."""

    def __init__(self, operation: str, code: str, message: str = "", status: int | None = None) -> None:
        super().__init__(operation, code, message, status)
        self.operation = operation
        self.code = code
        self.message = message
        self.status = status

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.operation} failed: {self.code}{status}" + (f": {self.message}" if self.message else "")


class Endpoint(NamedTuple):
    scheme: str
    hostname: str
    port: int | None = None

    @classmethod
    def from_url(cls, url: str) -> Endpoint:
        """An endpoint URL's scheme, host and port; a clear error for anything else."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as err:
            raise ValueError(f"AWS endpoint URL {url!r} is not a URL: {err}") from err
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"AWS endpoint URL {url!r} needs http:// or https:// and a host name")
        return cls(parts.scheme, parts.hostname, port)

    @property
    def host(self) -> str:
        """The Host header, as botocore derives it: lower case, no default port, IPv6 in brackets."""
        name = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        default = 443 if self.scheme == "https" else 80
        return name if self.port in (None, default) else f"{name}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}{path}"


class Reply(NamedTuple):
    status: int
    headers: Mapping[str, str]
    """Lower-case names."""
    body: bytes


def _status_as_code(reply: Reply) -> tuple[str, str]:
    return str(reply.status), ""


class Call(NamedTuple):
    """One AWS operation to send: a fresh set of headers per attempt comes from `headers`."""

    operation: str
    """For errors and logs, e.g. "SQS SendMessage"."""
    endpoint: Endpoint
    method: str
    target: str
    """Path and query, percent-encoded, as on the request line."""
    headers: Callable[[], dict[str, str]]
    body: bytes = b""
    error_codes: Callable[[Reply], tuple[str, str]] = _status_as_code
    """The (code, message) an error reply carries, in the service's protocol."""


class _TimedConnection(http.client.HTTPConnection):
    """Connects within `timeout`, then waits `read_timeout` for each read."""

    read_timeout = 5.0

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self.read_timeout)


class _TimedHTTPSConnection(http.client.HTTPSConnection):
    read_timeout = 5.0

    def connect(self) -> None:
        super().connect()  # the TLS handshake is still under the connect timeout
        self.sock.settimeout(self.read_timeout)


class AwsHttps:
    """The connections and the retry policy. Thread-safe, one request at a time: a Lambda serves one event at once."""

    def __init__(
        self, *, connect_timeout: float = 3.0, read_timeout: float = 5.0, attempts: int = 3, deadline: float = 8.0,
        sleep: Callable[[float], None] = time.sleep, jitter: Callable[[], float] = _OS_RANDOM.random,
        clock: Callable[[], float] = time.monotonic, tls: ssl.SSLContext | None = None,
    ) -> None:  # fmt: skip
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.attempts = attempts
        self.deadline = deadline
        self.sleep = sleep
        self.jitter = jitter
        self.clock = clock
        self._connections: dict[Endpoint, http.client.HTTPConnection] = {}
        self._lock = threading.Lock()
        self._tls = tls

    def tls_context(self) -> ssl.SSLContext:
        """The verifying TLS context, made on first use: loading the CA bundle costs ~50 ms."""
        if self._tls is None:
            import ssl

            self._tls = ssl.create_default_context()
        return self._tls

    def open_connections(self) -> int:
        with self._lock:
            return sum(1 for connection in self._connections.values() if connection.sock is not None)

    def close(self) -> None:
        """Close every kept-alive connection (before a SnapStart snapshot: a restored copy must open its own)."""
        with self._lock:
            for connection in self._connections.values():
                connection.close()
            self._connections.clear()

    def send(self, call: Call) -> Reply:
        """The first reply that is not worth retrying, or the last one; `AwsError` when no reply came."""
        started = self.clock()
        attempt = 1
        while True:
            reply: Reply | None = None
            headers = call.headers()  # signed now; `AwsError` if there are no credentials to sign with
            try:
                reply = self._exchange(call, headers)
            except (OSError, http.client.HTTPException) as err:
                code, status = "ConnectionError", None
                failure = AwsError(call.operation, code, f"{type(err).__name__}: {err}")
            else:
                code, status = call.error_codes(reply)[0] if reply.status >= 400 else "", reply.status
                if not _retryable(reply.status, code):
                    return reply
            throttled = code in THROTTLING_CODES or status in THROTTLING_STATUSES
            delay = self.jitter() * min((1.0 if throttled else 0.05) * 2 ** (attempt - 1), 20.0)
            if attempt == self.attempts or self.clock() - started + delay > self.deadline:
                if reply is not None:
                    return reply  # the caller reads the error from it
                raise failure
            what = code if status is None else f"{code} (HTTP {status})"
            logger.warning("%s failed: %s (attempt %d of %d); retrying in %.2f s",
                           call.operation, what, attempt, self.attempts, delay)  # fmt: skip
            self.sleep(delay)
            attempt += 1

    def _exchange(self, call: Call, headers: dict[str, str]) -> Reply:
        with self._lock:
            connection = self._connections.get(call.endpoint)
            reused = connection is not None and connection.sock is not None
            if connection is None:
                connection = self._connect(call.endpoint)
                self._connections[call.endpoint] = connection
            try:
                return self._round_trip(connection, call, headers)
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                connection.close()
                if not reused:
                    raise
            except BaseException:
                connection.close()
                raise
            try:  # the kept-alive connection had been closed by the other end: once more, on a new one
                return self._round_trip(connection, call, headers)
            except BaseException:
                connection.close()
                raise

    def _connect(self, endpoint: Endpoint) -> http.client.HTTPConnection:
        connection: _TimedConnection | _TimedHTTPSConnection
        if endpoint.scheme == "https":
            connection = _TimedHTTPSConnection(endpoint.hostname, endpoint.port, timeout=self.connect_timeout,
                                               context=self.tls_context())  # fmt: skip
        else:
            connection = _TimedConnection(endpoint.hostname, endpoint.port, timeout=self.connect_timeout)
        connection.read_timeout = self.read_timeout
        return connection

    @staticmethod
    def _round_trip(connection: http.client.HTTPConnection, call: Call, headers: dict[str, str]) -> Reply:
        headers = {**headers, "Host": call.endpoint.host, "User-Agent": USER_AGENT}
        connection.request(call.method, call.target, body=call.body or None, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return Reply(response.status, {name.lower(): value for name, value in response.getheaders()}, body)


def _retryable(status: int, code: str) -> bool:
    if status < 400:
        return False
    if status in TRANSIENT_STATUSES or status in THROTTLING_STATUSES:
        return True
    return code in THROTTLING_CODES or code in TRANSIENT_CODES
