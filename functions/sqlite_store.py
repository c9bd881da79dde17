"""The response store on one machine: one SQLite file (`.palaute/palaute.sqlite3`), WAL mode.

Durability is the point: `put` returns only once its response is in a committed transaction
with `synchronous=FULL`, so it is in the write-ahead log on disk and survives the process being
killed the next instant. The primary key on `response_id` makes `put` idempotent, the same
guarantee DynamoDB's conditional put gives on AWS.

Group commit: the fsync is what a put costs, so puts that arrive while a commit is in progress
share the next one. There is no writer thread and no timer: the first caller to find nobody
writing becomes the writer, commits everything waiting (up to `MAX_BATCH` a transaction) until
its own response is in, then hands over; a lone put commits at once. Every put of a batch learns
that batch's outcome: a failed transaction is rolled back and raises in each of its callers, so
nothing is acknowledged that is not on disk. Duplicate ids in one batch are one row; the first
gets True, as if they had come one after another.

Threads: the local server answers each request on its own thread. Reads use pooled connections,
lent to one thread at a time (SQLite connections must not be used concurrently); the writer has
its own. Other processes' writers are waited for through `busy_timeout`, and WAL lets reports
read while responses are written. The report function's token table lives in the same file;
this module only touches `responses`.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from functions.response import StoredResponse, parse_response
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
MAX_BATCH = 64
"""Responses in one transaction at most: bounds the time a batch holds the write lock."""
INSERT = (
    "INSERT INTO responses (response_id, survey, received_at, document) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (response_id) DO NOTHING"
)


class StoreClosed(sqlite3.ProgrammingError):
    """A put after `close()`: it was not stored."""


@dataclass(eq=False)
class _Put:
    """One caller's response on its way through a batch; `done` once the batch's outcome is known."""

    row: tuple[str, str, str, str]
    done: bool = False
    inserted: bool = False
    error: BaseException | None = None


class SQLiteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._turn = threading.Condition(threading.Lock())
        """Guards `_waiting`, `_writing` and `_closed`; writers notify it after each batch."""
        self._waiting: list[_Put] = []
        self._writing = False
        self._closed = False
        self._writer: sqlite3.Connection | None = None
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
        """Store the response once it is committed; False when its id was already stored.

        Raises what the commit raised (`sqlite3.Error`, `OSError`) when the response's batch
        failed, in which case the response is not stored; `StoreClosed` after `close()`.
        """
        mine = _Put((response.response_id, response.survey, sortable_utc(response.received_at),
                     response.to_json()))  # fmt: skip
        with self._turn:
            if self._closed:
                raise StoreClosed("the response store is closed")
            self._waiting.append(mine)
            while not mine.done and self._writing:
                self._turn.wait()
            if not mine.done:
                self._writing = True
        if not mine.done:
            self._write_until(mine)
        if mine.error is not None:
            raise mine.error
        return mine.inserted

    def _write_until(self, mine: _Put) -> None:
        """As the writer: commit the waiting puts, a batch at a time, until `mine` is done; then hand over."""
        try:
            while not mine.done:
                with self._turn:
                    batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    self._commit(batch)
                finally:
                    with self._turn:
                        self._turn.notify_all()
        finally:
            with self._turn:
                self._writing = False
                self._turn.notify_all()  # a waiter whose put is not done yet becomes the writer

    def _commit(self, batch: list[_Put]) -> None:
        """One transaction for the batch; each put learns the outcome. Never raises for a database error."""
        try:
            conn = self._writer_connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                inserted = [conn.execute(INSERT, put.row).rowcount == 1 for put in batch]
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):  # SQLite rolls back by itself when it cannot
                        conn.execute("ROLLBACK")
                raise
        except BaseException as err:
            for put in batch:
                put.error, put.done = err, True
            if not isinstance(err, Exception):
                raise
            return
        for put, new in zip(batch, inserted, strict=True):
            put.inserted, put.done = new, True

    def _writer_connection(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = self._connect()
        return self._writer

    def _rows(self, sql: str, params: tuple[str, ...]) -> Iterator[StoredResponse]:
        with self._connection() as conn:
            cursor = conn.execute(sql, params)
            try:
                while rows := cursor.fetchmany(FETCH_ROWS):
                    for (document,) in rows:
                        yield parse_response(document)
            finally:
                cursor.close()

    def responses(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[StoredResponse]:
        """`since` ≤ received_at < `until`, oldest first."""
        for _, document in self.documents(survey, since, until):
            yield parse_response(document)

    def documents(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[tuple[str, str]]:
        """As `responses`, but each as (response_id, its JSON as stored), unparsed: the report's fast
        path parses it with orjson and checks it itself (`functions/report/documents.py`)."""
        low = sortable_utc(since) if since else ""
        high = sortable_utc(until) if until else "~"
        with self._connection() as conn:
            cursor = conn.execute(
                "SELECT response_id, document FROM responses WHERE survey = ? AND received_at >= ? AND received_at < ?"
                " ORDER BY received_at, response_id",
                (survey, low, high),
            )
            try:
                while rows := cursor.fetchmany(FETCH_ROWS):
                    yield from rows
            finally:
                cursor.close()

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
        """Refuse new puts, let the batch in progress (and any put already waiting) finish, then close."""
        with self._turn:
            self._closed = True
            while self._writing or self._waiting:
                if not self._writing:  # waiters between two writers: one of them takes over at once
                    self._turn.wait(0.05)
                else:
                    self._turn.wait()
        with self._lock:
            connections, self._all = self._all, []
            self._writer = None
        for conn in connections:
            conn.close()
