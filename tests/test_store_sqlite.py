"""The local response store: one SQLite file, durable, idempotent, ordered, safe from many threads."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from collect_data import NOW, stored

from functions.queue import LocalQueue
from functions.sqlite_store import SQLiteStore


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
