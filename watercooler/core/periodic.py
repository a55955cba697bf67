"""Work the task worker does on a schedule: apps register jobs (``register``) in their
``AppConfig.ready``, and one task, ``periodic_tick``, runs those that are due and enqueues
itself again a minute later. ``manage.py serve`` starts the chain with its worker; in scale-out
``manage.py run_periodic`` from cron does the same work (docs/deploy.md, "Scheduled work").

Each job is claimed with a conditional UPDATE of its ``PeriodicRun`` row, so however many
workers tick, one runs it per period, and never while an earlier run of it goes on. A job that
raises is logged and recorded on its row; the others still run, and the chain goes on.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from watercooler.core.models import PeriodicRun

logger = logging.getLogger(__name__)

TICK = dt.timedelta(minutes=1)
# A run not finished after this long is taken for dead, and the job may run again.
STALE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], object]


JOBS: dict[str, Job] = {}


def register(name: str, every: dt.timedelta, run: Callable[[], object]) -> None:
    JOBS[name] = Job(name, every, run)


def _claim(job: Job, now: dt.datetime) -> bool:
    """Whether this caller runs ``job`` now: its period has passed since it last started (or
    the clock went back), and that run has finished, or started so long ago (``STALE``) that
    its worker must have died."""
    PeriodicRun.objects.get_or_create(
        name=job.name,
        defaults={"last_started_at": now - job.every, "last_finished_at": now - job.every},
    )
    due = Q(last_started_at__lte=now - job.every) | Q(last_started_at__gt=now)
    free = Q(last_finished_at__gte=F("last_started_at")) | Q(last_started_at__lte=now - STALE)
    return bool(PeriodicRun.objects.filter(due, free, name=job.name).update(last_started_at=now))


def run_due(now: dt.datetime | None = None) -> dict[str, object]:
    """Run every registered job whose period has passed; returns each run job's result (an
    exception's description for one that failed)."""
    now = now or timezone.now()
    results: dict[str, object] = {}
    for job in list(JOBS.values()):
        if not _claim(job, now):
            continue
        error = ""
        try:
            results[job.name] = job.run()
        except Exception as exc:  # one failing job must not stop the others or the chain
            logger.exception("The periodic job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"[:300]
            results[job.name] = error
        PeriodicRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_error=error
        )
    return results


def _task_path() -> str:
    return periodic_tick.module_path


def is_scheduled() -> bool:
    return DBTaskResult.objects.filter(
        task_path=_task_path(), status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def schedule(run_after: dt.datetime | None = None) -> None:
    """Enqueue the next tick, unless one is waiting already (the database backend only: the
    immediate backend of tests would run it at once, forever)."""
    backend = periodic_tick.get_backend()
    if not backend.supports_defer:
        return
    waiting = DBTaskResult.objects.filter(
        task_path=_task_path(), status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        periodic_tick.using(run_after=run_after or timezone.now()).enqueue()


@task
def periodic_tick() -> dict[str, object]:
    try:
        return run_due()
    finally:
        schedule(timezone.now() + TICK)
