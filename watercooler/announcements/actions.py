"""Writing announcements: creating (validated by ``check_create_announcement``), and each
person's receipt: seen, acknowledged, dismissed.

An announcement is a feed post plus targeting. Publishing (``tasks.publish_announcement``)
resolves the audience once into one ``AnnouncementReceipt`` per person; everything after that
(pinning, must-read, live counts, reminders) is a read or a single-row write on those receipts.
Counters on ``Announcement`` (``seen_count``, ``acknowledged_count``) move with ``F()`` in the
same transaction as the receipt they count, guarded by a conditional UPDATE so a double click
cannot count twice.

A community announcement (``community=``) is written by one of the community's owners and goes
to its active members; it is the same must-read, pinned, counted announcement, and its post
belongs to the community (so only people who may see the community's posts can open it).

The layering rules are the feed's: ``do_*`` write, check permission and send events on commit.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    F,
)
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from watercooler.announcements import tasks
from watercooler.announcements.events import AnnouncementStatsChanged
from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.announcements.policy import can_announce
from watercooler.announcements.queries import resolve_targets, target_names
from watercooler.announcements.tasks import publish_announcement
from watercooler.communities.models import Community
from watercooler.core.errors import Conflict, FieldErrors
from watercooler.core.events import send_event, user_group
from watercooler.core.markdown import find_mentions, render_markdown
from watercooler.feed.models import Audience, Post, PostKind
from watercooler.people.models import Department, Location, User

logger = logging.getLogger(__name__)


MAX_TITLE_LENGTH = 200


MAX_BODY_LENGTH = 20_000


# A publish time a little in the past is a form submitted a minute late; further back is a typo.
PAST_GRACE = dt.timedelta(hours=1)


MIN_REMIND_AFTER = dt.timedelta(hours=1)


MAX_REMIND_AFTER = dt.timedelta(days=30)


@dataclass(frozen=True)
class AnnouncementInput:
    """What ``check_create_announcement`` found valid, ready for ``do_create_announcement``."""

    title: str
    body: str
    departments: list[Department]
    locations: list[Location]
    roles: list[str]
    must_read: bool
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    remind_after: dt.timedelta | None
    community: Community | None = None


def check_create_announcement(
    *,
    actor: User,
    title: str,
    body: str,
    departments: list[str] | None = None,
    locations: list[str] | None = None,
    roles: list[str] | None = None,
    must_read: bool = False,
    publish_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    remind_after: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    community: Community | None = None,
) -> AnnouncementInput:
    """Permission and every value rule; raises PermissionDenied or a ValidationError naming
    each wrong field (all of them at once, so a form can mark them together). With
    ``community`` (loaded through ``announcement_community``) the audience is its active
    members, so departments, locations and roles must be left empty."""
    if community is not None:
        if not can_announce(actor, community):
            raise PermissionDenied("Only the community's owners can announce to its members.")
    elif not can_announce(actor):
        raise PermissionDenied("Only communications people and administrators can announce.")
    now = now or timezone.now()
    errors = FieldErrors()
    if community is not None:
        for target, chosen in (
            ("departments", departments),
            ("locations", locations),
            ("roles", roles),
        ):
            if target_names(chosen):
                errors.add(
                    target,
                    "A community announcement goes to the community's members: leave this empty.",
                )
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors.add("title", "Give the announcement a title.")
    elif len(title) > MAX_TITLE_LENGTH:
        errors.add("title", f"Keep the title to {MAX_TITLE_LENGTH} characters or fewer.")
    if not body:
        errors.add("body", "Write the announcement's text.")
    elif len(body) > MAX_BODY_LENGTH:
        errors.add("body", f"Keep the text to {MAX_BODY_LENGTH:,} characters or fewer.")

    found_departments, found_locations, role_values = resolve_targets(
        departments, locations, roles, errors
    )

    for name, value in (("publish_at", publish_at), ("expires_at", expires_at)):
        if value is not None and timezone.is_naive(value):
            errors.add(name, "Give a time zone with the time.")
    if "publish_at" not in errors and publish_at is not None and publish_at < now - PAST_GRACE:
        errors.add("publish_at", "The publish time is in the past.")
    effective_publish = publish_at if publish_at is not None and publish_at > now else now
    if (
        "expires_at" not in errors
        and "publish_at" not in errors
        and expires_at is not None
        and expires_at <= effective_publish
    ):
        errors.add("expires_at", "The announcement must expire after it is published.")
    if remind_after is not None:
        if not must_read:
            errors.add(
                "remind_after",
                "Reminders are for must-read announcements: tick must-read or leave this empty.",
            )
        elif not MIN_REMIND_AFTER <= remind_after <= MAX_REMIND_AFTER:
            errors.add("remind_after", "Remind after between 1 hour and 30 days.")
    errors.raise_if_any()
    return AnnouncementInput(
        title=title,
        body=body,
        departments=found_departments,
        locations=found_locations,
        roles=role_values,
        must_read=bool(must_read),
        publish_at=publish_at or now,
        expires_at=expires_at,
        remind_after=remind_after,
        community=community,
    )


def _render_body(body: str) -> str:
    """The body as sanitised HTML, rendered by the same Markdown renderer as every post
    (``core.markdown``), with @mentions of active people and #topics linked."""
    people = set(
        User.objects.filter(username__in=find_mentions(body), is_active=True).values_list(
            "username", flat=True
        )
    )

    def mention_url(username: str) -> str | None:
        return reverse("people:profile", args=[username]) if username in people else None

    def topic_url(name: str) -> str:
        try:
            return reverse("feed:topic", args=[name])
        except NoReverseMatch:
            return f"/topics/{name}/"

    body_html, _, _ = render_markdown(body, mention_url=mention_url, topic_url=topic_url)
    return body_html


def do_create_announcement(
    *,
    actor: User,
    title: str,
    body: str,
    departments: list[str] | None = None,
    locations: list[str] | None = None,
    roles: list[str] | None = None,
    must_read: bool = False,
    publish_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    remind_after: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    community: Community | None = None,
) -> Announcement:
    """Create the post and the announcement; publish now when ``publish_at`` is due, else
    schedule it. With ``community``: to its active members, the post in the community. The post
    is created directly, not through the feed's post action: a scheduled announcement must not
    reach anyone's feed (nor trigger ``post_created`` mentions) before its publish time, and the
    feed shows an unpublished announcement's post to its author only."""
    now = now or timezone.now()
    data = check_create_announcement(
        actor=actor,
        title=title,
        body=body,
        departments=departments,
        locations=locations,
        roles=roles,
        must_read=must_read,
        publish_at=publish_at,
        expires_at=expires_at,
        remind_after=remind_after,
        now=now,
        community=community,
    )
    with transaction.atomic():
        post = Post.objects.create(
            author=actor,
            kind=PostKind.POST,
            audience=Audience.EVERYONE,
            body=data.body,
            body_html=_render_body(data.body),
            created_at=now,
            last_activity_at=now,
            community=data.community,
        )
        if data.community is not None:
            Community.objects.filter(pk=data.community.pk).update(
                post_count=F("post_count") + 1, last_activity_at=now
            )
        announcement = Announcement.objects.create(
            post=post,
            community=data.community,
            title=data.title,
            roles=data.roles,
            must_read=data.must_read,
            publish_at=data.publish_at,
            expires_at=data.expires_at,
            remind_after=data.remind_after,
        )
        if data.departments:
            announcement.departments.set(data.departments)
        if data.locations:
            announcement.locations.set(data.locations)
        if data.publish_at <= now:
            publish_announcement(announcement.pk, now=now)
        else:
            _schedule(announcement)
    announcement.refresh_from_db()
    return announcement


def _schedule(announcement: Announcement) -> None:
    """Enqueue the publish task for ``publish_at`` on commit. Backends that cannot defer (the
    immediate backend in tests) rely on ``publish_due_announcements`` (the worker's periodic
    run or ``manage.py send_reminders``), which is also the safety net if this task is lost."""
    run_after = announcement.publish_at
    pk = announcement.pk

    def enqueue() -> None:
        task = tasks.publish_announcement_task
        if not task.get_backend().supports_defer:
            return
        try:
            task.using(run_after=run_after).enqueue(pk)
        except Exception:
            logger.exception("Could not schedule announcement %s", pk)

    transaction.on_commit(enqueue, robust=True)


def _receipt(user: User, announcement: Announcement) -> AnnouncementReceipt:
    """The person's receipt, or 404: people outside the audience do not learn it exists."""
    receipt = AnnouncementReceipt.objects.filter(announcement=announcement, user=user).first()
    if receipt is None or announcement.published_at is None:
        raise Http404("No such announcement.")
    return receipt


def _send_stats_on_commit(announcement_id: int) -> None:
    row = (
        Announcement.objects.filter(pk=announcement_id)
        .values("post__author_id", "audience_size", "seen_count", "acknowledged_count")
        .get()
    )
    send_event(
        [user_group(row["post__author_id"])],
        AnnouncementStatsChanged(
            announcement_id=announcement_id,
            audience_size=row["audience_size"],
            seen_count=row["seen_count"],
            acknowledged_count=row["acknowledged_count"],
        ),
    )


def _mark_seen(receipt: AnnouncementReceipt, now: dt.datetime) -> bool:
    """Set seen_at once and count it; needs an open transaction."""
    if not AnnouncementReceipt.objects.filter(pk=receipt.pk, seen_at__isnull=True).update(
        seen_at=now
    ):
        return False
    Announcement.objects.filter(pk=receipt.announcement_id).update(seen_count=F("seen_count") + 1)
    receipt.seen_at = now
    return True


def do_mark_seen(
    *, user: User, announcement: Announcement, now: dt.datetime | None = None
) -> AnnouncementReceipt:
    """Record that ``user`` has seen it (first time only; later calls change nothing).
    404 outside the audience. Sends ``announcement.stats`` to the author when the count moves."""
    now = now or timezone.now()
    receipt = _receipt(user, announcement)
    if receipt.seen_at is not None:
        return receipt
    with transaction.atomic():
        if _mark_seen(receipt, now):
            _send_stats_on_commit(announcement.pk)
    return receipt


def do_acknowledge(
    *, user: User, announcement: Announcement, now: dt.datetime | None = None
) -> AnnouncementReceipt:
    """ "I have read this": must-read announcements only (else Conflict), once (a
    second time is Conflict, like reacting twice). Acknowledging also marks seen."""
    now = now or timezone.now()
    receipt = _receipt(user, announcement)
    if not announcement.must_read:
        raise Conflict("This announcement does not ask to be acknowledged.")
    with transaction.atomic():
        acknowledged = AnnouncementReceipt.objects.filter(
            pk=receipt.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=now)
        if not acknowledged:
            raise Conflict("You have already acknowledged this announcement.")
        _mark_seen(receipt, now)
        Announcement.objects.filter(pk=announcement.pk).update(
            acknowledged_count=F("acknowledged_count") + 1
        )
        receipt.acknowledged_at = now
        _send_stats_on_commit(announcement.pk)
    return receipt


def do_dismiss(
    *, user: User, announcement: Announcement, now: dt.datetime | None = None
) -> AnnouncementReceipt:
    """Unpin it from the person's feed (dismissing again changes nothing). A must-read
    announcement stays pinned until acknowledged (Conflict)."""
    now = now or timezone.now()
    receipt = _receipt(user, announcement)
    if announcement.must_read and receipt.acknowledged_at is None:
        raise Conflict("This announcement is must-read: acknowledge it before dismissing it.")
    if receipt.dismissed_at is None:
        AnnouncementReceipt.objects.filter(pk=receipt.pk, dismissed_at__isnull=True).update(
            dismissed_at=now
        )
        receipt.dismissed_at = now
    return receipt
