"""Background work of events: reminders before the start.

``send_event_reminders`` is idempotent (each event is claimed by a conditional UPDATE of
``reminded_at``), so the task scheduled for an event, the worker and the periodic
``manage.py send_event_reminders`` may all run it and nobody is reminded twice.
"""

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from watercooler.events import actions

logger = logging.getLogger(__name__)


def send_event_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind everyone going to an event that starts within ``actions.REMINDER_LEAD``."""
    return actions.send_due_reminders(now=now)


@task
def send_event_reminders_task() -> int:
    """Enqueued with ``run_after = starts_at - REMINDER_LEAD`` when an event is created or
    moved; it reminds for every due event, not only the one that scheduled it."""
    return send_event_reminders()


def schedule_reminder(event_id: int, starts_at: dt.datetime) -> None:
    """Enqueue the reminder run for ``starts_at - REMINDER_LEAD``. Backends that cannot defer
    (the immediate backend in tests) rely on ``manage.py send_event_reminders`` (cron), which is
    also the safety net if this task is lost. Called on commit."""
    task_ = send_event_reminders_task
    if not task_.get_backend().supports_defer:
        return
    run_after = max(starts_at - actions.REMINDER_LEAD, timezone.now())
    try:
        task_.using(run_after=run_after).enqueue()
    except Exception:
        logger.exception("Could not schedule the reminder of event %s", event_id)
