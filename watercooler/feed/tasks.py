"""Background work of the feed: publishing scheduled announcements, their realtime fan-out and
must-read reminders. Every task is idempotent (claims rows with a conditional UPDATE), so the
worker may run one twice, and the periodic ``manage.py send_reminders`` may overlap with it.

Task arguments are JSON (ids, not objects), as ``django.tasks`` backends require.
"""

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from watercooler.core import events as realtime
from watercooler.core.events import user_group
from watercooler.feed import announcements
from watercooler.feed.models import Announcement, AnnouncementReceipt

logger = logging.getLogger(__name__)

# Groups per send_now call in the fan-out, so progress is logged and memory stays flat.
FANOUT_BATCH = 1_000


def publish_due_announcements(*, now: dt.datetime | None = None) -> int:
    """Publish every announcement whose publish time has come; returns how many this call
    published. Safe to run from many workers at once: each row is claimed by
    ``announcements.publish_announcement``'s conditional UPDATE, and on PostgreSQL the candidate
    scan skips rows another worker holds (``select_for_update(skip_locked=True)``)."""
    from django.db import connection, transaction

    now = now or timezone.now()
    due = Announcement.objects.filter(published_at__isnull=True, publish_at__lte=now).order_by(
        "publish_at", "pk"
    )
    published = 0
    if connection.features.has_select_for_update_skip_locked:
        while True:
            with transaction.atomic():
                row = due.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
                if row is None:
                    break
                published += announcements.publish_announcement(row, now=now)
    else:
        for pk in list(due.values_list("pk", flat=True)):
            published += announcements.publish_announcement(pk, now=now)
    return published


def send_announcement_reminders(*, now: dt.datetime | None = None) -> int:
    """Send the due must-read reminders (see ``announcements.send_due_reminders``)."""
    return announcements.send_due_reminders(now=now)


def deliver_published_event(announcement_id: int, recipient_ids: list[int] | None = None) -> int:
    """Send ``announcement.published`` to each recipient's own group (``user.<id>``), which every
    socket of theirs joins already. One group_send per person is more messages than a shared
    group, but needs no new group membership in the consumer and never shows an announcement to
    a socket outside the audience; large audiences run this in a task, off the request."""
    announcement = Announcement.objects.select_related("post").filter(pk=announcement_id).first()
    if announcement is None or announcement.published_at is None:
        return 0
    if recipient_ids is None:
        recipient_ids = list(
            AnnouncementReceipt.objects.filter(announcement_id=announcement_id)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
    event = announcements.announcement_event(announcement)
    for start in range(0, len(recipient_ids), FANOUT_BATCH):
        realtime.send_now(
            [user_group(uid) for uid in recipient_ids[start : start + FANOUT_BATCH]], event
        )
    return len(recipient_ids)


@task
def publish_announcement_task(announcement_id: int) -> bool:
    """Enqueued with ``run_after=publish_at`` when a scheduled announcement is created."""
    return announcements.publish_announcement(announcement_id)


@task
def publish_due_announcements_task() -> int:
    return publish_due_announcements()


@task
def send_announcement_reminders_task() -> int:
    """Enqueued with ``run_after=published_at + remind_after`` when a must-read is published."""
    return send_announcement_reminders()


@task
def deliver_announcement_published_task(announcement_id: int) -> int:
    return deliver_published_event(announcement_id)
