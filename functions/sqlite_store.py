"""The response store on one machine: one SQLite file (`.palaute/palaute.sqlite3`), WAL mode.

Durability is the point: every `put` is its own committed transaction with `synchronous=FULL`,
so when it returns the response is in the write-ahead log on disk and survives the process
being killed the next instant. The primary key on `response_id` makes `put` idempotent, the
same guarantee DynamoDB's conditional put gives on AWS.

Threads: the local server answers each request on its own thread. Connections are pooled and
lent to one thread at a time (SQLite connections must not be used concurrently), writers wait
for each other through `busy_timeout`, and WAL lets reports read while responses are written.
The report function's token table lives in the same file; this module only touches `responses`.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from functions.response import StoredResponse
from functions.timestamps import sortable_utc

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    response_id TEXT PRIMARY KEY,
    survey      TEXT NOT NULL,
    received_at TEXT NOT NULL,  -- sortable_utc(): text order is time order
    document    TEXT NOT NULL   -- StoredResponse as JSON
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey, received_at, response_id);
"""
DATABASE_NAME = "palaute.sqlite3"
"""The file under `--data` (default `.palaute/`); report tokens live in it too."""
BUSY_TIMEOUT_MS = 15_000
FETCH_ROWS = 500


class SQLiteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._connection() as conn:
            conn.executescript(SCHEMA)

    @classmethod
    def in_data_dir(cls, data: Path) -> SQLiteStore:
        return cls(data / DATABASE_NAME)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)  # fmt: skip
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        with self._lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        finally:
            self._idle.put(conn)

    def put(self, response: StoredResponse) -> bool:
        with self._connection() as conn:
            cursor = conn.execute(
                "INSERT INTO responses (response_id, survey, received_at, document) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (response_id) DO NOTHING",
                (response.response_id, response.survey, sortable_utc(response.received_at),
                 response.model_dump_json()),
            )  # fmt: skip
            return cursor.rowcount == 1

    def _rows(self, sql: str, params: tuple[str, ...]) -> Iterator[StoredResponse]:
        with self._connection() as conn:
            cursor = conn.execute(sql, params)
            try:
                while rows := cursor.fetchmany(FETCH_ROWS):
                    for (document,) in rows:
                        yield StoredResponse.model_validate_json(document)
            finally:
                cursor.close()

    def responses(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[StoredResponse]:
        """`since` ≤ received_at < `until`, oldest first."""
        low = sortable_utc(since) if since else ""
        high = sortable_utc(until) if until else "~"
        yield from self._rows(
            "SELECT document FROM responses WHERE survey = ? AND received_at >= ? AND received_at < ?"
            " ORDER BY received_at, response_id",
            (survey, low, high),
        )

    def all_responses(self) -> Iterator[StoredResponse]:
        """Every survey's responses (for export), survey by survey, oldest first."""
        yield from self._rows("SELECT document FROM responses ORDER BY survey, received_at, response_id", ())

    def surveys(self) -> list[str]:
        with self._connection() as conn:
            return [row[0] for row in conn.execute("SELECT DISTINCT survey FROM responses ORDER BY survey")]

    def count(self, survey: str) -> int:
        with self._connection() as conn:
            return int(conn.execute("SELECT count(*) FROM responses WHERE survey = ?", (survey,)).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for conn in connections:
            conn.close()
