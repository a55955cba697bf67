"""The SQLite backend's pool: a closed connection is reused by the next thread, never with a
transaction left open, and in-memory databases are left alone."""

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest
from django.db import connections
from pytest_django import DjangoDbBlocker

from watercooler.core.sqlite_pool.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """These tests open databases of their own, outside the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path: Path) -> DatabaseWrapper:
    # Settings of their own (the suite may run on PostgreSQL), with Django's defaults filled in.
    database = {
        "ENGINE": "watercooler.core.sqlite_pool",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
    }
    settings = connections.configure_settings({"default": database})["default"]
    return DatabaseWrapper(settings, alias="pool-test")


def _in_thread[T](work: Callable[[], T]) -> T:
    """``work()`` run in a thread of its own; its result, or its exception raised here."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return cast(T, outcome["result"])  # what run() stored: work()'s own result


def test_the_next_thread_takes_the_closed_connection(tmp_path: Path) -> None:
    path = tmp_path / "pool.sqlite3"

    def open_use_close() -> object:
        db = _wrapper(path)
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS t (x integer)")
        raw = db.connection
        db.close()
        return raw

    first = _in_thread(open_use_close)
    second = _in_thread(open_use_close)
    assert first is second
    assert DatabaseWrapper._pools[str(path)] == [first]


def test_a_transaction_left_open_is_rolled_back_before_reuse(tmp_path: Path) -> None:
    path = tmp_path / "rollback.sqlite3"
    db = _wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x integer)")
    db.set_autocommit(False)
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    raw = db.connection
    assert raw.in_transaction
    db.close()
    assert not raw.in_transaction
    again = _wrapper(path)
    with again.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)
    assert again.connection is raw
    again.close()


def test_in_memory_databases_are_not_pooled() -> None:
    db = _wrapper(Path(":memory:"))
    with db.cursor() as cursor:
        cursor.execute("SELECT 1")
    db.close()
    assert ":memory:" not in DatabaseWrapper._pools


def _begin(db: DatabaseWrapper) -> None:
    """What ``transaction.atomic`` does on SQLite: BEGIN IMMEDIATE under autocommit."""
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_write_transactions_queue_on_the_lock_and_it_is_always_released(tmp_path: Path) -> None:
    path = tmp_path / "writes.sqlite3"
    first = _wrapper(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x integer)")
    lock = first._write_lock()
    _begin(first)  # BEGIN IMMEDIATE: takes the lock
    assert lock.locked()
    order: list[str] = []

    def second_writer() -> None:
        db = _wrapper(path)
        _begin(db)  # waits for the first to commit
        order.append("second began")
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        db.commit()
        db.set_autocommit(True)
        db.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(0.3)
    assert thread.is_alive()  # queued behind the first transaction, not failing
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    order.append("first committed")
    first.commit()
    thread.join(5)
    assert order == ["first committed", "second began"]
    assert not lock.locked()
    first.set_autocommit(True)
    _begin(first)
    first.rollback()
    assert not lock.locked()
    first.set_autocommit(True)
    _begin(first)
    first.close()  # closing inside a transaction rolls it back and frees the lock
    assert not lock.locked()
