"""The local response store: one SQLite file, durable, idempotent, ordered, safe from many threads."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from collect_data import NOW, stored

from functions.queue import LocalQueue, QueueUnavailable
from functions.sqlite_store import SQLiteStore, StoreClosed


def test_a_response_is_stored_once_by_its_id(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    assert store.put(stored("5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f")) is True
    later_retry = stored("5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f", NOW + timedelta(minutes=2))
    assert store.put(later_retry) is False
    assert [r.received_at for r in store.responses("sumppi-kaynti")] == [NOW]


def test_responses_come_back_in_received_order_within_the_window(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    for minutes in (30, 10, 20, 40):
        store.put(stored(str(uuid.uuid4()), NOW + timedelta(minutes=minutes)))
    store.put(stored(str(uuid.uuid4()), NOW, survey="tyotyyli"))
    times = [r.received_at for r in store.responses("sumppi-kaynti")]
    assert times == sorted(times) and len(times) == 4
    since, until = NOW + timedelta(minutes=20), NOW + timedelta(minutes=40)
    window = list(store.responses("sumppi-kaynti", since=since, until=until))
    assert [r.received_at - NOW for r in window] == [timedelta(minutes=20), timedelta(minutes=30)]


def test_the_stored_response_round_trips_unchanged(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    original = stored("0b7d4c1e-8f2a-4e6b-9c3d-5a1f7e9b2c4d", lang="sv", tp="poyta-qr", outcome="tutkija", score=7.0,
                      answers={"recommend": 4, "improve": "Längre öppettider", "wellbeing": {"staff": 4}})  # fmt: skip
    store.put(original)
    assert list(SQLiteStore.in_data_dir(tmp_path).responses("sumppi-kaynti")) == [original]


def test_the_file_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    store.put(stored(str(uuid.uuid4())))
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_put_is_visible_to_another_connection_at_once(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    LocalQueue(store).send(stored("7a3e9c1b-5d2f-4b8a-9e6c-1f4d7b2a8c3e"))
    with sqlite3.connect(tmp_path / "palaute.sqlite3") as other:
        assert other.execute("SELECT count(*) FROM responses").fetchone()[0] == 1


def test_many_threads_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    ids = [str(uuid.uuid4()) for _ in range(400)]
    results: list[bool] = []

    def write(chunk: list[str]) -> None:
        for response_id in chunk:
            results.append(store.put(stored(response_id)))
            results.append(store.put(stored(response_id)))  # every response retried once

    threads = [threading.Thread(target=write, args=(ids[i::16],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count(True) == 400 and results.count(False) == 400
    assert store.count("sumppi-kaynti") == 400


def test_reports_can_read_while_responses_are_written(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    for _ in range(520):  # more than one fetch of rows, so the read stays open
        store.put(stored(str(uuid.uuid4())))
    reading = store.responses("sumppi-kaynti")
    next(reading)
    store.put(stored(str(uuid.uuid4())))  # a write while a read is open does not wait for it
    assert sum(1 for _ in reading) >= 519


def test_surveys_and_all_responses_list_every_survey(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    store.put(stored(str(uuid.uuid4())))
    store.put(stored(str(uuid.uuid4()), survey="tyotyyli"))
    assert store.surveys() == ["sumppi-kaynti", "tyotyyli"]
    assert [r.survey for r in store.all_responses()] == ["sumppi-kaynti", "tyotyyli"]


# Group commit: puts that arrive while a commit is in progress share the next transaction.


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)


class _Batches:
    """The store's batches as they are committed (sizes), and a lock another connection can hold."""

    def __init__(self, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        commit = store._commit

        def spy(batch: list[Any]) -> None:
            self.sizes.append(len(batch))
            commit(batch)

        monkeypatch.setattr(store, "_commit", spy)
        self.store = store
        self.blocker = sqlite3.connect(store.path, isolation_level=None)

    def hold_the_write_lock(self) -> None:
        self.blocker.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.blocker.execute("COMMIT")

    def waiting(self) -> int:
        with self.store._turn:
            return len(self.store._waiting)


def _put_in_thread(store: SQLiteStore, response_id: str, outcomes: dict[int, object], key: int) -> threading.Thread:
    def put() -> None:
        try:
            outcomes[key] = store.put(stored(response_id))
        except Exception as err:
            outcomes[key] = err

    thread = threading.Thread(target=put)
    thread.start()
    return thread


def test_puts_waiting_behind_a_commit_share_the_next_one_and_duplicates_are_one_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    batches = _Batches(store, monkeypatch)
    batches.hold_the_write_lock()  # the first writer waits in BEGIN, so the others queue up behind it
    outcomes: dict[int, object] = {}
    first = _put_in_thread(store, str(uuid.uuid4()), outcomes, 0)
    _until(lambda: batches.sizes == [1], "the first put is being written")
    twice = str(uuid.uuid4())
    ids = [str(uuid.uuid4()) for _ in range(6)] + [twice, twice]
    threads = [_put_in_thread(store, rid, outcomes, n) for n, rid in enumerate(ids, start=1)]
    _until(lambda: batches.waiting() == len(ids), "every put is waiting")
    batches.release()
    for thread in [first, *threads]:
        thread.join(timeout=30)
    assert batches.sizes == [1, len(ids)]  # two transactions for nine puts
    assert [outcomes[n] for n in range(7)] == [True] * 7
    assert sorted([outcomes[7], outcomes[8]], key=str) == [False, True]  # the same id twice in one batch
    assert store.count("sumppi-kaynti") == 8


def test_a_failed_transaction_fails_exactly_its_batch_and_stores_none_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    batches = _Batches(store, monkeypatch)
    poison = str(uuid.uuid4())
    batches.hold_the_write_lock()
    batches.blocker.execute(f"CREATE TRIGGER poison BEFORE INSERT ON responses WHEN NEW.response_id = '{poison}'"
                            " BEGIN SELECT RAISE(ABORT, 'injected'); END")  # fmt: skip
    outcomes: dict[int, object] = {}
    alone = str(uuid.uuid4())
    first = _put_in_thread(store, alone, outcomes, 0)
    _until(lambda: batches.sizes == [1], "the first put is being written")
    ids = [str(uuid.uuid4()) for _ in range(3)] + [poison] + [str(uuid.uuid4()) for _ in range(3)]
    threads = [_put_in_thread(store, rid, outcomes, n) for n, rid in enumerate(ids, start=1)]
    _until(lambda: batches.waiting() == len(ids), "every put is waiting")
    batches.release()
    for thread in [first, *threads]:
        thread.join(timeout=30)
    assert batches.sizes == [1, len(ids)]
    assert outcomes[0] is True
    assert all(isinstance(outcomes[n], sqlite3.IntegrityError) for n in range(1, len(ids) + 1)), outcomes
    assert {r.response_id for r in store.responses("sumppi-kaynti")} == {alone}  # nothing of the batch

    batches.blocker.execute("DROP TRIGGER poison")
    assert [store.put(stored(rid)) for rid in ids] == [True] * len(ids)  # the retries land
    assert store.count("sumppi-kaynti") == 1 + len(ids)


def test_a_refused_commit_is_rolled_back_and_raised_in_every_caller(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    writer = store._writer_connection()
    writer.set_authorizer(lambda action, arg, *_: sqlite3.SQLITE_DENY if arg == "COMMIT" else sqlite3.SQLITE_OK)
    ids = [str(uuid.uuid4()) for _ in range(12)]
    outcomes: dict[int, object] = {}
    threads = [_put_in_thread(store, rid, outcomes, n) for n, rid in enumerate(ids)]
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == len(ids)
    assert all(isinstance(outcome, sqlite3.DatabaseError) for outcome in outcomes.values()), outcomes
    with pytest.raises(sqlite3.DatabaseError):  # a lone put too, on the writer left behind by the failures
        store.put(stored(str(uuid.uuid4())))
    assert store.count("sumppi-kaynti") == 0 and not writer.in_transaction

    writer.set_authorizer(None)
    assert all(store.put(stored(rid)) for rid in ids)
    assert store.count("sumppi-kaynti") == len(ids)


def test_the_queue_answers_unavailable_when_the_commit_fails(tmp_path: Path) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    store._writer_connection().set_authorizer(lambda action, *_: sqlite3.SQLITE_DENY
                                              if action == sqlite3.SQLITE_INSERT else sqlite3.SQLITE_OK)  # fmt: skip
    with pytest.raises(QueueUnavailable):
        LocalQueue(store).send(stored(str(uuid.uuid4())))
    assert store.count("sumppi-kaynti") == 0


def test_close_lets_the_batch_in_progress_finish_then_refuses_puts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore.in_data_dir(tmp_path)
    batches = _Batches(store, monkeypatch)
    batches.hold_the_write_lock()
    outcomes: dict[int, object] = {}
    pending = _put_in_thread(store, "5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f", outcomes, 0)
    _until(lambda: batches.sizes == [1], "the put is being written")
    closer = threading.Thread(target=store.close)
    closer.start()
    _until(lambda: store._closed, "close has begun")
    with pytest.raises(StoreClosed):
        store.put(stored(str(uuid.uuid4())))
    assert closer.is_alive() and pending.is_alive()  # close waits for the commit in progress
    batches.release()
    pending.join(timeout=30)
    closer.join(timeout=30)
    assert outcomes == {0: True} and not closer.is_alive()
    with sqlite3.connect(store.path) as other:
        assert other.execute("SELECT count(*) FROM responses").fetchone()[0] == 1
