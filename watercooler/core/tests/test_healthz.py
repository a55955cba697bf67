"""/healthz reports the task queue: 200 with its figures when work flows, 503 naming the problem
when the oldest due task waits too long or the database does not answer."""

import datetime as dt
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from pytest_django import Settings

pytestmark = pytest.mark.django_db


def _task(
    *,
    enqueued_ago: dt.timedelta,
    run_after: dt.datetime | None = None,
    status: str = TaskResultStatus.READY,
    finished_ago: dt.timedelta | None = None,
) -> DBTaskResult[[], int]:  # publish_due_announcements_task's row
    now = timezone.now()
    row = DBTaskResult.objects.create(
        task_path="watercooler.announcements.tasks.publish_due_announcements_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
        status=status,
        finished_at=None if finished_ago is None else now - finished_ago,
    )
    # enqueued_at is auto_now_add: set the past afterwards.
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - enqueued_ago)
    return row


def _healthz() -> tuple[int, dict[str, Any]]:
    response = Client().get("/healthz")
    return response.status_code, response.json()


def test_a_flowing_queue_answers_200_with_its_figures() -> None:
    now = timezone.now()
    _task(enqueued_ago=dt.timedelta(seconds=20))  # due since it was enqueued
    # Scheduled for later: waiting for it is no lag, however long ago it was enqueued.
    _task(enqueued_ago=dt.timedelta(days=3), run_after=now + dt.timedelta(hours=1))
    _task(enqueued_ago=dt.timedelta(seconds=5), run_after=now - dt.timedelta(seconds=2))
    _task(
        enqueued_ago=dt.timedelta(minutes=10),
        status=TaskResultStatus.FAILED,
        finished_ago=dt.timedelta(minutes=5),
    )
    _task(
        enqueued_ago=dt.timedelta(hours=3),
        status=TaskResultStatus.FAILED,
        finished_ago=dt.timedelta(hours=2),
    )
    _task(
        enqueued_ago=dt.timedelta(hours=3),
        status=TaskResultStatus.SUCCESSFUL,
        finished_ago=dt.timedelta(hours=2),
    )

    status, body = _healthz()

    assert status == 200, body
    assert body["status"] == "ok"
    assert body["problems"] == []
    tasks = body["tasks"]
    assert tasks["ready"] == 2
    assert tasks["failed_last_hour"] == 1
    assert tasks["max_lag_seconds"] == 300
    assert 19 <= tasks["oldest_due_lag_seconds"] < 120
    # Nothing supervises a worker in this process (serve is not running here).
    assert "worker" not in body


def test_an_empty_queue_has_no_lag() -> None:
    status, body = _healthz()
    assert status == 200, body
    assert body["tasks"] == {
        "ready": 0,
        "oldest_due_lag_seconds": 0.0,
        "failed_last_hour": 0,
        "max_lag_seconds": 300,
    }


def test_a_due_task_waiting_past_the_threshold_answers_503_naming_the_lag(
    settings: Settings,
) -> None:
    settings.HEALTHZ_MAX_TASK_LAG_SECONDS = 60
    now = timezone.now()
    # A scheduled announcement: enqueued a day ago, due 10 minutes ago, never run.
    _task(enqueued_ago=dt.timedelta(days=1), run_after=now - dt.timedelta(minutes=10))

    status, body = _healthz()

    assert status == 503, body
    assert body["status"] == "failing"
    assert len(body["problems"]) == 1
    problem = body["problems"][0]
    assert problem.startswith("task_lag:"), problem
    assert "more than 60 s" in problem
    # Due since its run_after (10 minutes), not since it was enqueued (a day).
    assert 599 <= body["tasks"]["oldest_due_lag_seconds"] < 700


def test_a_database_that_does_not_answer_gives_503_without_its_error_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server at db.internal:5432 as admin")

    client = Client()
    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["problems"] == ["database: not answering"]
    assert "db.internal" not in response.content.decode()
    assert "tasks" not in body
