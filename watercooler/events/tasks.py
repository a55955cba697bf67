"""Background work of events: reminders before the start.

``send_event_reminders`` is idempotent (each event is claimed by a conditional UPDATE of
``reminded_at``), so the task scheduled for an event, the worker and the periodic
``manage.py send_event_reminders`` may all run it and nobody is reminded twice. Actions schedule
it (``schedule_reminder``); it needs only the models, queries and signals, not the actions.
"""

import datetime as dt
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from watercooler.events import queries, signals
from watercooler.events.models import Event, Rsvp, RsvpStatus

logger = logging.getLogger(__name__)

REMINDER_LEAD = dt.timedelta(hours=1)


def send_event_reminders(
    *, now: dt.datetime | None = None, lead: dt.timedelta = REMINDER_LEAD
) -> int:
    """Remind the people going (confirmed) to each event starting within ``lead`` from ``now``,
    once per event; returns how many people were reminded. Idempotent: an event is claimed by a
    conditional UPDATE (``reminded_at IS NULL``), so overlapping workers never send twice.
    People who may no longer see the event (left a secret community) are left out."""
    now = now or timezone.now()
    reminded = 0
    due = Event.objects.filter(
        reminded_at__isnull=True,
        cancelled_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + lead,
    ).order_by("starts_at", "pk")
    for event in due:
        with transaction.atomic():
            claimed = Event.objects.filter(pk=event.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            going = Rsvp.objects.filter(
                event_id=event.pk, status=RsvpStatus.GOING, waitlisted_at__isnull=True
            ).values_list("user_id", flat=True)
            recipients = sorted(queries.people_who_can_see(event, going))
            if not recipients:
                continue
            reminded += len(recipients)
            signals.send_on_commit(signals.event_reminder_due, event=event, user_ids=recipients)
    return reminded


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
    run_after = max(starts_at - REMINDER_LEAD, timezone.now())
    try:
        task_.using(run_after=run_after).enqueue()
    except Exception:
        logger.exception("Could not schedule the reminder of event %s", event_id)
