"""Background work of announcements: publishing (now or when a scheduled one comes due), the
realtime fan-out and must-read reminders. Every task is idempotent (claims rows with a
conditional UPDATE), so the worker may run one twice, and the periodic ``manage.py
send_reminders`` may overlap with it.

Task arguments are JSON (ids, not objects), as ``django.tasks`` backends require.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.tasks import task
from django.utils import timezone

from watercooler.announcements import signals
from watercooler.announcements.events import announcement_event
from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.announcements.queries import audience_queryset
from watercooler.core import events as realtime
from watercooler.core.events import user_group
from watercooler.core.signals import send_signal_on_commit
from watercooler.feed.models import Post

# Audiences up to this size get their realtime event straight after commit; larger ones from a
# background task, so a 10,000-person announcement does not hold the author's request.
DIRECT_FANOUT_LIMIT = 200


def _insert_receipts(announcement: Announcement) -> None:
    """One receipt per audience member in a single ``INSERT … SELECT``: the database copies the
    ids itself, so 10,000 people cost one statement and no Python objects (``bulk_create`` spent
    about a second building and binding them). The SELECT is the ORM's own SQL for
    ``audience_queryset`` with its parameters; only table and column names are interpolated."""
    select_sql, params = (
        audience_queryset(announcement).order_by().values("pk").query.sql_with_params()
    )
    qn = connection.ops.quote_name
    table = qn(AnnouncementReceipt._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({qn('announcement_id')}, {qn('user_id')})"  # noqa: S608
        f" SELECT %s, audience.* FROM ({select_sql}) audience"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [announcement.pk, *params])


def publish_announcement(announcement_id: int, *, now: dt.datetime | None = None) -> bool:
    """Publish one due announcement; False when it is not due or someone else published it.

    The claim is a conditional UPDATE (``published_at IS NULL AND publish_at <= now``): on SQLite
    writers are serialised, on PostgreSQL a concurrent claimer waits for the row lock and then
    finds the condition false, so exactly one caller resolves the audience.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Announcement.objects.filter(
            pk=announcement_id, published_at__isnull=True, publish_at__lte=now
        ).update(published_at=now)
        if not claimed:
            return False
        announcement = Announcement.objects.select_related("post").get(pk=announcement_id)
        _insert_receipts(announcement)
        recipient_ids = list(
            AnnouncementReceipt.objects.filter(announcement_id=announcement_id)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        announcement.audience_size = len(recipient_ids)
        announcement.save(update_fields=["audience_size"])
        # The announcement's post enters the audience's feeds now, not when it was written.
        Post.objects.filter(pk=announcement.post_id).update(created_at=now, last_activity_at=now)
        announcement.post.created_at = now
        _after_publish(announcement, recipient_ids)
    return True


def _after_publish(announcement: Announcement, recipient_ids: list[int]) -> None:
    """Needs the publishing transaction committed. Three independent steps, so a failing
    signal receiver (notifications) does not stop the realtime event or the reminder."""

    def notify() -> None:
        signals.announcement_published.send(
            sender=Announcement, announcement=announcement, recipients=recipient_ids
        )

    def fan_out() -> None:
        if len(recipient_ids) <= DIRECT_FANOUT_LIMIT:
            deliver_published_event(announcement.pk, recipient_ids)
        else:
            deliver_announcement_published_task.enqueue(announcement.pk)

    def schedule_reminders() -> None:
        task = send_announcement_reminders_task
        if (
            announcement.remind_after
            and announcement.published_at
            and (task.get_backend().supports_defer)
        ):
            task.using(run_after=announcement.published_at + announcement.remind_after).enqueue()

    for step in (notify, fan_out, schedule_reminders):
        transaction.on_commit(step, robust=True)


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind, once, everyone who has not acknowledged a must-read announcement whose reminder
    delay has passed. Returns how many people were reminded. Idempotent: a receipt is claimed by
    setting ``reminded_at`` in a conditional UPDATE, so overlapping runs never remind twice."""
    now = now or timezone.now()
    reminded = 0
    waiting = AnnouncementReceipt.objects.filter(
        announcement=OuterRef("pk"), acknowledged_at__isnull=True, reminded_at__isnull=True
    )
    due = (
        Announcement.objects.filter(
            must_read=True, remind_after__isnull=False, published_at__isnull=False
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Exists(waiting))
    )
    for announcement in due.select_related("post"):
        assert announcement.published_at is not None
        assert announcement.remind_after is not None
        if announcement.published_at + announcement.remind_after > now:
            continue
        with transaction.atomic():
            # Claim first, then read what was claimed: the UPDATE is atomic on both databases,
            # so two overlapping runs split the receipts instead of both reminding everyone.
            claimed = AnnouncementReceipt.objects.filter(
                announcement=announcement,
                acknowledged_at__isnull=True,
                reminded_at__isnull=True,
                user__is_active=True,
            ).update(reminded_at=now)
            if not claimed:
                continue
            recipients = list(
                AnnouncementReceipt.objects.filter(announcement=announcement, reminded_at=now)
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
            if not recipients:
                continue
            reminded += len(recipients)
            send_signal_on_commit(
                signals.announcement_reminder_due,
                sender=Announcement,
                announcement=announcement,
                recipients=recipients,
            )
    return reminded


# Groups per send_event_now call in the fan-out, so progress is logged and memory stays flat.
FANOUT_BATCH = 1_000


def publish_due_announcements(*, now: dt.datetime | None = None) -> int:
    """Publish every announcement whose publish time has come; returns how many this call
    published. Safe to run from many workers at once: each row is claimed by
    ``announcements.publish_announcement``'s conditional UPDATE, and on PostgreSQL the candidate
    scan skips rows another worker holds (``select_for_update(skip_locked=True)``)."""
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
                published += publish_announcement(row, now=now)
    else:
        for pk in list(due.values_list("pk", flat=True)):
            published += publish_announcement(pk, now=now)
    return published


def send_announcement_reminders(*, now: dt.datetime | None = None) -> int:
    """Send the due must-read reminders (see ``announcements.send_due_reminders``)."""
    return send_due_reminders(now=now)


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
    event = announcement_event(announcement)
    for start in range(0, len(recipient_ids), FANOUT_BATCH):
        realtime.send_event_now(
            [user_group(uid) for uid in recipient_ids[start : start + FANOUT_BATCH]], event
        )
    return len(recipient_ids)


@task
def publish_announcement_task(announcement_id: int) -> bool:
    """Enqueued with ``run_after=publish_at`` when a scheduled announcement is created."""
    return publish_announcement(announcement_id)


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
