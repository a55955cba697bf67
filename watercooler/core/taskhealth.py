"""The task queue's health, for ``/healthz``: how long the oldest due task has waited, and counts.

A due task is a READY row of django-tasks-db's table whose ``run_after`` has passed (or that had
none). It is due since ``max(run_after, enqueued_at)``: a task enqueued with a ``run_after``
already in the past is due from its enqueueing. The lag is measured in the database, so it is the
same whichever process asks, however many workers run and wherever they run.

Two queries, both on partial indexes: the READY rows (django-tasks-db's own ordering index) and
the FAILED rows by ``finished_at`` (core's migration 0002).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

# "Recent" failures: those that finished within this window.
FAILED_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class QueueHealth:
    ready: int
    oldest_due_lag_seconds: float
    failed_last_hour: int


def queue_health(now: dt.datetime | None = None) -> QueueHealth:
    now = now or timezone.now()
    no_run_after = get_date_max()
    due = DBTaskResult.objects.filter(
        Q(run_after__lte=now) | Q(run_after=no_run_after), status=TaskResultStatus.READY
    )
    figures = due.aggregate(
        ready=Count("pk"),
        oldest=Min(
            Case(
                When(run_after=no_run_after, then=F("enqueued_at")),
                default=Greatest("run_after", "enqueued_at"),
            )
        ),
    )
    oldest: dt.datetime | None = figures["oldest"]
    lag = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_WINDOW
    ).count()
    return QueueHealth(
        ready=figures["ready"], oldest_due_lag_seconds=round(lag, 1), failed_last_hour=failed
    )
