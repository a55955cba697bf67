"""``manage.py serve`` restarts its task worker when it dies, and says so in its log and /healthz.

A real server process with a real ``db_worker`` child, on an SQLite file of its own (the test
database lives in this process's memory, out of their reach): the worker is killed with SIGKILL,
a new one must take its place, and a task enqueued afterwards must run.
"""

import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
# Generous: the machine may be busy. Every wait below polls a condition and returns as soon as
# it holds; these only bound how long a broken build takes to fail.
DEADLINE_SECONDS = 90
LISTENING = re.compile(r"is running at http://127\.0\.0\.1:(\d+)/")
RUNNING = re.compile(r"The task worker is running \(pid (\d+)\)")
RESTARTED = re.compile(r"Restarted the task worker \(pid (\d+)\), restart number 1\.")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int | None
    log: Path
    env: dict[str, str]
    database: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def healthz(self) -> dict[str, Any] | None:
        if self.port is None:
            # Port 0: the system picks a free one (no window for another process to take it
            # first), and the banner says which.
            found = LISTENING.search(self.output())
            if found is None:
                return None
            self.port = int(found.group(1))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/healthz")
            return dict(json.loads(conn.getresponse().read()))
        except OSError:
            return None
        finally:
            conn.close()


def _wait_for[T](what: str, served: Served, probe: Callable[[], T | None]) -> T:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"serve exited with {served.process.returncode}\n{served.output()}")
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}\n{served.output()}")


def _worker_pids(served: Served) -> list[int]:
    return [int(pid) for pid in RUNNING.findall(served.output())]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    database = tmp_path / "db.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        WATERCOOLER_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=settings.SECRET_KEY,
    )
    subprocess.run(
        [sys.executable, MANAGE, "migrate", "--noinput", "--verbosity=0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, MANAGE, "serve", "--host=127.0.0.1", "--port=0", "--no-access-log"],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, None, log, env, database)
    try:
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _enqueue(served: Served) -> uuid.UUID:
    """Enqueue a real task from another process, as a request handler would."""
    done = subprocess.run(
        [
            sys.executable,
            MANAGE,
            "shell",
            "--no-imports",
            "-c",
            "from watercooler.announcements.tasks import publish_due_announcements_task as t;"
            " print(t.enqueue().id)",
        ],
        cwd=settings.BASE_DIR,
        env=served.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return uuid.UUID(done.stdout.strip().splitlines()[-1])


def _task_row(served: Served, task_id: uuid.UUID) -> tuple[str, list[str]] | None:
    with sqlite3.connect(served.database, timeout=10) as db:
        row = db.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (task_id.hex,),
        ).fetchone()
    return None if row is None else (row[0], json.loads(row[1]))


def _finished(served: Served, task_id: uuid.UUID) -> tuple[str, list[str]] | None:
    row = _task_row(served, task_id)
    return row if row is not None and row[0] in ("SUCCESSFUL", "FAILED") else None


def test_a_killed_worker_is_restarted_and_runs_tasks_enqueued_afterwards(served: Served) -> None:
    first = _wait_for("the first worker", served, lambda: _worker_pids(served))[0]
    health = _wait_for("/healthz", served, served.healthz)
    assert health["worker"] == {
        "state": "running",
        "restarts": 0,
        "last_exit_code": None,
        "down_seconds": None,
    }

    os.kill(first, signal.SIGKILL)

    # The line after the new worker's start: once it is written, the restart is complete.
    restarted = _wait_for("the restart", served, lambda: RESTARTED.search(served.output()))
    second = int(restarted.group(1))
    assert second != first
    assert _worker_pids(served) == [first, second]
    assert f"The task worker (pid {first}) was killed by SIGKILL (exit code -9)" in served.output()
    after = served.healthz()
    assert after is not None
    assert after["worker"]["state"] == "running"
    assert after["worker"]["restarts"] == 1
    assert after["worker"]["last_exit_code"] == -9

    task_id = _enqueue(served)
    status, worker_ids = _wait_for("the task to run", served, lambda: _finished(served, task_id))
    assert status == "SUCCESSFUL"
    assert len(worker_ids) == 1

    # Stopping the server stops its worker for good: no restart, no orphan.
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=30) == 0, served.output()
    assert _worker_pids(served) == [first, second]
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)
