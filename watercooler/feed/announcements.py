"""Announcements: actions (create, publish, seen, acknowledge, dismiss) and queries (pinned, stats).

An announcement is a feed post plus targeting. Publishing resolves the audience once into one
``AnnouncementReceipt`` per person; everything after that (pinning, must-read, live counts,
reminders) is a read or a single-row write on those receipts. Counters on ``Announcement``
(``seen_count``, ``acknowledged_count``) move with ``F()`` in the same transaction as the
receipt they count, guarded by a conditional UPDATE so a double click cannot count twice.

A community announcement (``community=``) is written by one of the community's owners and goes
to its active members; it is the same must-read, pinned, counted announcement, and its post
belongs to the community (so only people who may see the community's posts can open it).

Kept apart from ``feed/actions.py`` (posts, replies, reactions) so the two grow independently;
the layering rules are the same: ``do_*`` write, check permission and send events on commit,
queries load through ``access_announcement``.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from watercooler.communities.models import Community, MemberRole, Membership, MembershipStatus
from watercooler.communities.queries import access_community
from watercooler.core.errors import Conflict
from watercooler.core.events import send_on_commit, user_group
from watercooler.core.paging import Page, paginate
from watercooler.core.policy import is_active_person
from watercooler.feed import signals
from watercooler.feed.models import (
    Announcement,
    AnnouncementReceipt,
    Audience,
    Post,
    PostKind,
)
from watercooler.people.models import Department, Location, Role, User

logger = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 20_000
# A publish time a little in the past is a form submitted a minute late; further back is a typo.
PAST_GRACE = dt.timedelta(hours=1)
MIN_REMIND_AFTER = dt.timedelta(hours=1)
MAX_REMIND_AFTER = dt.timedelta(days=30)
# Audiences up to this size get their realtime event straight after commit; larger ones from a
# background task, so a 10,000-person announcement does not hold the author's request.
DIRECT_FANOUT_LIMIT = 200
PINNED_LIMIT = 20
STATS_PAGE_SIZE = 50


# --- Permissions ---------------------------------------------------------------------------------


def _owns(user: User, community_id: int) -> bool:
    return Membership.objects.filter(
        community_id=community_id,
        user_id=user.pk,
        status=MembershipStatus.ACTIVE,
        role=MemberRole.OWNER,
    ).exists()


def can_announce(user: User, community: Community | None = None) -> bool:
    """Company-wide: communications people and administrators (``is_communications`` covers
    both). To a community: its active owners only (the issue's rule; moderators do not)."""
    if not is_active_person(user):
        return False
    if community is not None:
        return _owns(user, community.pk)
    return bool(user.is_communications)


def can_view_stats(viewer: User, announcement: Announcement) -> bool:
    """The author; for a company announcement communications people too, for a community's
    its owners (communications people may not even know a secret community exists)."""
    if not viewer.is_authenticated:
        return False
    if announcement.post.author_id == viewer.pk:
        return True
    if announcement.community_id is not None:
        return _owns(viewer, announcement.community_id)
    return bool(viewer.is_communications)


NO_COMMUNITY = "No such community (or you are not one of its owners)."


def announcement_community(actor: User, handle: Any) -> Community:
    """The community ``handle`` names, for a community announcement; ValidationError on
    ``community`` when it is unknown or invisible to ``actor`` (alike: nothing to probe)."""
    if not isinstance(handle, str) or not handle.strip():
        raise ValidationError({"community": [NO_COMMUNITY]})
    try:
        return access_community(actor, handle.strip())
    except Http404:
        raise ValidationError({"community": [NO_COMMUNITY]}) from None


# --- Validation ----------------------------------------------------------------------------------


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


def _names(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in (values or []) if v and v.strip()))


def _named[M: (Department, Location)](
    model: type[M], field: str, noun: str, values: list[str] | None, errors: dict[str, list[str]]
) -> list[M]:
    """The ``model`` rows named in ``values``; unknown names are added to ``errors[field]``."""
    names = _names(values)
    found = list(model.objects.filter(name__in=names))
    unknown = sorted(set(names) - {row.name for row in found})
    if unknown:
        errors.setdefault(field, []).append(
            f"No {noun} is called " + ", ".join(repr(n) for n in unknown) + "."
        )
    return found


def _resolve_targets(
    departments: list[str] | None,
    locations: list[str] | None,
    roles: list[str] | None,
    errors: dict[str, list[str]],
) -> tuple[list[Department], list[Location], list[str]]:
    """The named departments, locations and roles; each unknown name is added to ``errors``
    under its field. Shared by publishing and the audience preview."""
    found_departments = _named(Department, "departments", "department", departments, errors)
    found_locations = _named(Location, "locations", "location", locations, errors)
    role_values = _names(roles)
    unknown = sorted(set(role_values) - set(Role.values))
    if unknown:
        errors.setdefault("roles", []).append(
            "Unknown role "
            + ", ".join(repr(n) for n in unknown)
            + f" (use {', '.join(Role.values)})."
        )
    return found_departments, found_locations, role_values


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
    errors: dict[str, list[str]] = {}
    if community is not None:
        for target, chosen in (
            ("departments", departments),
            ("locations", locations),
            ("roles", roles),
        ):
            if _names(chosen):
                errors.setdefault(target, []).append(
                    "A community announcement goes to the community's members: leave this empty."
                )
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors.setdefault("title", []).append("Give the announcement a title.")
    elif len(title) > MAX_TITLE_LENGTH:
        errors.setdefault("title", []).append(
            f"Keep the title to {MAX_TITLE_LENGTH} characters or fewer."
        )
    if not body:
        errors.setdefault("body", []).append("Write the announcement's text.")
    elif len(body) > MAX_BODY_LENGTH:
        errors.setdefault("body", []).append(
            f"Keep the text to {MAX_BODY_LENGTH:,} characters or fewer."
        )

    found_departments, found_locations, role_values = _resolve_targets(
        departments, locations, roles, errors
    )

    for name, value in (("publish_at", publish_at), ("expires_at", expires_at)):
        if value is not None and timezone.is_naive(value):
            errors.setdefault(name, []).append("Give a time zone with the time.")
    if "publish_at" not in errors and publish_at is not None and publish_at < now - PAST_GRACE:
        errors.setdefault("publish_at", []).append("The publish time is in the past.")
    effective_publish = publish_at if publish_at is not None and publish_at > now else now
    if (
        "expires_at" not in errors
        and "publish_at" not in errors
        and expires_at is not None
        and expires_at <= effective_publish
    ):
        errors.setdefault("expires_at", []).append(
            "The announcement must expire after it is published."
        )
    if remind_after is not None:
        if not must_read:
            errors.setdefault("remind_after", []).append(
                "Reminders are for must-read announcements: tick must-read or leave this empty."
            )
        elif not MIN_REMIND_AFTER <= remind_after <= MAX_REMIND_AFTER:
            errors.setdefault("remind_after", []).append("Remind after between 1 hour and 30 days.")
    if errors:
        raise ValidationError(errors)
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


# --- Creating and publishing ---------------------------------------------------------------------


def _render_body(body: str) -> str:
    """The body as sanitised HTML, rendered by the same Markdown renderer as every post
    (``core.markdown``), with @mentions of active people and #topics linked."""
    from watercooler.core.markdown import find_mentions, render_markdown

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
    from watercooler.feed import tasks

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


def audience_people(
    *,
    author_id: int,
    department_ids: list[int],
    location_ids: list[int],
    roles: list[str],
    community_id: int | None = None,
) -> QuerySet[User]:
    """The one rule of who an announcement reaches; publishing (receipts) and the composer's
    preview both call it. Active people matching every non-empty filter, never the author (they
    follow it on the statistics page; counting them would make them "not acknowledged" in their
    own figures). With no role filter guests are left out: an announcement to "everyone" is for
    the organisation, and external guests get one only when the author lists the guest role. A
    community announcement goes to the community's active members (guests among them too)."""
    if community_id is not None:
        members = Membership.objects.filter(
            community_id=community_id, status=MembershipStatus.ACTIVE
        ).values("user_id")
        return User.objects.filter(pk__in=members, is_active=True).exclude(pk=author_id)
    people = User.objects.filter(is_active=True).exclude(pk=author_id)
    if department_ids:
        people = people.filter(department_id__in=department_ids)
    if location_ids:
        people = people.filter(location_id__in=location_ids)
    if roles:
        people = people.filter(role__in=roles)
    else:
        people = people.exclude(role=Role.GUEST, is_superuser=False)
    return people


def audience_queryset(announcement: Announcement) -> QuerySet[User]:
    """The audience of ``announcement`` as it is targeted now (see ``audience_people``)."""
    return audience_people(
        author_id=announcement.post.author_id,
        department_ids=[d.pk for d in announcement.departments.all()],
        location_ids=[loc.pk for loc in announcement.locations.all()],
        roles=list(announcement.roles or []),
        community_id=announcement.community_id,
    )


PREVIEW_SAMPLE = 2


@dataclass(frozen=True)
class AudiencePreview:
    """How many people an announcement would reach now, and the first few by name."""

    size: int
    sample: list[str]

    @property
    def more(self) -> int:
        return max(self.size - len(self.sample), 0)


def audience_preview(
    *,
    actor: User,
    departments: list[str] | None = None,
    locations: list[str] | None = None,
    roles: list[str] | None = None,
    community: Community | None = None,
) -> AudiencePreview:
    """Who the composer's current targeting reaches, through the same rule as publishing.
    PermissionDenied for people who may not announce; ValidationError naming the field of an
    unknown department, location or role. Two queries (count and sample)."""
    if not can_announce(actor, community):
        raise PermissionDenied("Only communications people and administrators can announce.")
    errors: dict[str, list[str]] = {}
    found_departments, found_locations, role_values = _resolve_targets(
        departments, locations, roles, errors
    )
    if errors:
        raise ValidationError(errors)
    people = audience_people(
        author_id=actor.pk,
        department_ids=[d.pk for d in found_departments],
        location_ids=[loc.pk for loc in found_locations],
        roles=role_values,
        community_id=community.pk if community is not None else None,
    )
    sample = list(
        people.order_by("sort_name", "pk").values_list("display_name", flat=True)[:PREVIEW_SAMPLE]
    )
    size = len(sample) if len(sample) < PREVIEW_SAMPLE else people.count()
    return AudiencePreview(size=size, sample=sample)


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
    from watercooler.feed import tasks

    def notify() -> None:
        signals.announcement_published.send(
            sender=Announcement, announcement=announcement, recipients=recipient_ids
        )

    def fan_out() -> None:
        if len(recipient_ids) <= DIRECT_FANOUT_LIMIT:
            tasks.deliver_published_event(announcement.pk, recipient_ids)
        else:
            tasks.deliver_announcement_published_task.enqueue(announcement.pk)

    def schedule_reminders() -> None:
        task = tasks.send_announcement_reminders_task
        if (
            announcement.remind_after
            and announcement.published_at
            and (task.get_backend().supports_defer)
        ):
            task.using(run_after=announcement.published_at + announcement.remind_after).enqueue()

    for step in (notify, fan_out, schedule_reminders):
        transaction.on_commit(step, robust=True)


def announcement_event(announcement: Announcement) -> dict[str, Any]:
    """The ``announcement.published`` payload (docs/announcements.md)."""
    return {
        "type": "announcement.published",
        "announcement": {
            "id": announcement.pk,
            "title": announcement.title,
            "post_id": announcement.post_id,
            "body_html": announcement.post.body_html,
            "must_read": announcement.must_read,
            "publish_at": announcement.publish_at.isoformat(),
            "expires_at": announcement.expires_at.isoformat() if announcement.expires_at else None,
            "published_at": (
                announcement.published_at.isoformat() if announcement.published_at else None
            ),
        },
    }


# --- Receipts: seen, acknowledged, dismissed -----------------------------------------------------


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
    send_on_commit(
        [user_group(row["post__author_id"])],
        {
            "type": "announcement.stats",
            "announcement_id": announcement_id,
            "audience_size": row["audience_size"],
            "seen_count": row["seen_count"],
            "acknowledged_count": row["acknowledged_count"],
        },
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


# --- Reminders -----------------------------------------------------------------------------------


def _remind_on_commit(announcement: Announcement, recipients: list[int]) -> None:
    def send() -> None:
        signals.announcement_reminder_due.send(
            sender=Announcement, announcement=announcement, recipients=recipients
        )

    transaction.on_commit(send, robust=True)


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
            _remind_on_commit(announcement, recipients)
    return reminded


# --- Queries -------------------------------------------------------------------------------------


def _announcements() -> QuerySet[Announcement]:
    return Announcement.objects.select_related("post", "post__author", "community")


def access_announcement(viewer: User, announcement_id: int) -> Announcement:
    """The announcement if ``viewer`` may see it, with ``my_receipt`` (or None) attached.

    Visible to its author and to communications people and administrators (also before it is
    published), and to everyone in its audience once published. Anyone else gets 404.
    """
    if not is_active_person(viewer):
        raise Http404("No such announcement.")
    announcement = _announcements().filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404("No such announcement.")
    receipt = None
    if announcement.published_at is not None:
        receipt = AnnouncementReceipt.objects.filter(announcement=announcement, user=viewer).first()
    if receipt is None and not can_view_stats(viewer, announcement):
        raise Http404("No such announcement.")
    announcement.my_receipt = receipt  # type: ignore[attr-defined]
    return announcement


def pinned_announcements(
    viewer: User,
    *,
    now: dt.datetime | None = None,
    limit: int = PINNED_LIMIT,
    announcement_id: int | None = None,
) -> list[Announcement]:
    """What sits at the top of ``viewer``'s feed: published, unexpired, neither dismissed nor
    (for a must-read) acknowledged; must-read ones waiting for the viewer first, then the
    newest. One query. With ``announcement_id``: that one, if it is pinned for ``viewer``."""
    if not is_active_person(viewer):
        return []
    now = now or timezone.now()
    only = Q(announcement_id=announcement_id) if announcement_id is not None else Q()
    receipts = (
        AnnouncementReceipt.objects.filter(
            only,
            user=viewer,
            dismissed_at__isnull=True,
            announcement__published_at__isnull=False,
        )
        # An acknowledged must-read has done its job: it folds away (the viewer's list at
        # /announcements/ still has it).
        .exclude(announcement__must_read=True, acknowledged_at__isnull=False)
        .filter(Q(announcement__expires_at__isnull=True) | Q(announcement__expires_at__gt=now))
        .select_related(
            "announcement",
            "announcement__post",
            "announcement__post__author",
            "announcement__community",
        )
        .annotate(
            waiting=Case(
                When(announcement__must_read=True, acknowledged_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-announcement__published_at", "-announcement_id")[:limit]
    )
    pinned = []
    for receipt in receipts:
        announcement = receipt.announcement
        announcement.my_receipt = receipt  # type: ignore[attr-defined]
        pinned.append(announcement)
    return pinned


class PinnedCards(list[Announcement]):
    """The pinned cards, and whether the viewer has announcements to find again at
    /announcements/ (``has_earlier``: the feed links there)."""

    has_earlier: bool = False


def pinned_area(viewer: User, *, now: dt.datetime | None = None) -> PinnedCards:
    """What the home page shows above the feed: the pinned cards (one query) and, only when
    there are none, one more query to know whether to link to earlier announcements."""
    cards = PinnedCards(pinned_announcements(viewer, now=now))
    cards.has_earlier = bool(cards) or (is_active_person(viewer) and has_addressed(viewer))
    return cards


@dataclass(frozen=True)
class DepartmentStats:
    department: str | None
    audience: int
    seen: int
    acknowledged: int


@dataclass(frozen=True)
class AnnouncementStats:
    announcement: Announcement
    audience_size: int
    seen_count: int
    acknowledged_count: int
    not_acknowledged: Page[Any]
    by_department: list[DepartmentStats]

    @property
    def not_seen_count(self) -> int:
        return max(self.audience_size - self.seen_count, 0)

    @property
    def not_acknowledged_count(self) -> int:
        return max(self.audience_size - self.acknowledged_count, 0)

    def percent(self, count: int) -> int:
        return round(100 * count / self.audience_size) if self.audience_size else 0

    @property
    def seen_percent(self) -> int:
        return self.percent(self.seen_count)

    @property
    def acknowledged_percent(self) -> int:
        return self.percent(self.acknowledged_count)


def check_can_view_stats(viewer: User, announcement: Announcement) -> None:
    if not can_view_stats(viewer, announcement):
        raise PermissionDenied("Only the author and communications people can see these numbers.")


def announcement_stats(
    viewer: User,
    announcement_id: int,
    *,
    cursor: str | None = None,
    limit: int = STATS_PAGE_SIZE,
) -> AnnouncementStats:
    """Counts, a per-department breakdown and a page of who has not acknowledged (for a
    must-read announcement) or not seen it (otherwise), in name order. Author, communications
    and administrators only: 403 for the rest of the audience, 404 for everyone else.
    A constant number of queries, whatever the audience size."""
    announcement = access_announcement(viewer, announcement_id)
    check_can_view_stats(viewer, announcement)
    pending = AnnouncementReceipt.objects.filter(announcement=announcement)
    if announcement.must_read:
        pending = pending.filter(acknowledged_at__isnull=True)
    else:
        pending = pending.filter(seen_at__isnull=True)
    page = paginate(
        pending.select_related("user", "user__department", "user__location").annotate(
            person_sort=F("user__sort_name")
        ),
        keys=["person_sort", "id"],
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    rows = (
        AnnouncementReceipt.objects.filter(announcement=announcement)
        .values("user__department__name")
        .annotate(
            audience=Count("id"),
            seen=Count("id", filter=Q(seen_at__isnull=False)),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("-audience", "user__department__name")
    )
    by_department = [
        DepartmentStats(
            department=row["user__department__name"],
            audience=row["audience"],
            seen=row["seen"],
            acknowledged=row["acknowledged"],
        )
        for row in rows
    ]
    return AnnouncementStats(
        announcement=announcement,
        audience_size=announcement.audience_size,
        seen_count=announcement.seen_count,
        acknowledged_count=announcement.acknowledged_count,
        not_acknowledged=page,
        by_department=by_department,
    )


# --- Lists: the comms dashboard and "addressed to me" --------------------------------------------

LIST_PAGE_SIZE = 25


class Status:
    SCHEDULED = "scheduled"
    LIVE = "live"
    EXPIRED = "expired"


def announcement_status(announcement: Announcement, now: dt.datetime) -> str:
    if announcement.published_at is None:
        return Status.SCHEDULED
    if announcement.expires_at is not None and announcement.expires_at <= now:
        return Status.EXPIRED
    return Status.LIVE


ROLE_WORDS = {
    Role.ADMIN: "administrators",
    Role.COMMS: "communications people",
    Role.MEMBER: "members",
    Role.GUEST: "guests",
}


def audience_words(announcement: Announcement) -> str:
    """The targeting in words: "Sales, Berlin · guests", "Members of Hiking", "Everyone".
    Reads ``departments`` and ``locations`` (prefetch them for a list)."""
    if announcement.community_id is not None:
        community = announcement.community
        return f"Members of {community.name}" if community is not None else "Community members"
    parts = []
    places = [d.name for d in announcement.departments.all()]
    places += [loc.name for loc in announcement.locations.all()]
    if places:
        parts.append(", ".join(places))
    roles = [ROLE_WORDS.get(Role(r), r) if r in Role.values else r for r in announcement.roles]
    if roles:
        parts.append(", ".join(roles))
    return " · ".join(parts) if parts else "Everyone"


def percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _decorate(items: list[Announcement], now: dt.datetime) -> None:
    for announcement in items:
        announcement.status = announcement_status(announcement, now)  # type: ignore[attr-defined]
        announcement.audience_text = audience_words(announcement)  # type: ignore[attr-defined]
        size = announcement.audience_size
        announcement.seen_percent = percent(announcement.seen_count, size)  # type: ignore[attr-defined]
        announcement.acknowledged_percent = percent(  # type: ignore[attr-defined]
            announcement.acknowledged_count, size
        )


def can_manage_announcements(viewer: User) -> bool:
    """Who gets the dashboard of every company announcement: communications and admins."""
    return is_active_person(viewer) and viewer.is_communications


def dashboard_page(
    viewer: User,
    *,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page[Announcement]:
    """The announcements ``viewer`` manages, newest publish time first: every company
    announcement for communications people and administrators, and anyone's own (a community
    owner's to their community). Paged over ``announcement_list_idx``; three queries (the page
    and the prefetched departments and locations). Raises InvalidCursorError."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    now = now or timezone.now()
    mine = Q(post__author_id=viewer.pk)
    scope = (Q(community__isnull=True) | mine) if can_manage_announcements(viewer) else mine
    page = paginate(
        _announcements().filter(scope).prefetch_related("departments", "locations"),
        keys=["-publish_at", "-id"],
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    _decorate(page.items, now)
    return page


def addressed_page(
    viewer: User,
    *,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page[AnnouncementReceipt]:
    """The announcements addressed to ``viewer`` (their receipts), newest first, folded
    (acknowledged, dismissed, expired) ones included: where a folded card is found again.
    Paged over ``receipt_user_recent_idx``. Raises InvalidCursorError."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    now = now or timezone.now()
    page = paginate(
        AnnouncementReceipt.objects.filter(
            user_id=viewer.pk, announcement__published_at__isnull=False
        ).select_related(
            "announcement",
            "announcement__post",
            "announcement__post__author",
            "announcement__community",
        ),
        keys=["-id"],
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    for receipt in page.items:
        announcement = receipt.announcement
        announcement.my_receipt = receipt  # type: ignore[attr-defined]
        announcement.status = announcement_status(announcement, now)  # type: ignore[attr-defined]
    return page


def has_addressed(viewer: User) -> bool:
    """Whether anything was ever announced to ``viewer`` (the feed links to the list then)."""
    return AnnouncementReceipt.objects.filter(
        user_id=viewer.pk, announcement__published_at__isnull=False
    ).exists()


@dataclass(frozen=True)
class Export:
    announcement: Announcement
    status: str
    audience_text: str
    seen_percent: int
    acknowledged_percent: int
    receipts: QuerySet[AnnouncementReceipt]


def announcement_export(viewer: User, announcement_id: int) -> Export:
    """Everything the CSV export holds: the summary and every receipt (name order, with
    department and location; iterate it, it is not loaded). The same people as the statistics:
    403 for the rest of the audience, 404 for everyone else."""
    announcement = access_announcement(viewer, announcement_id)
    check_can_view_stats(viewer, announcement)
    size = announcement.audience_size
    return Export(
        announcement=announcement,
        status=announcement_status(announcement, timezone.now()),
        audience_text=audience_words(announcement),
        seen_percent=percent(announcement.seen_count, size),
        acknowledged_percent=percent(announcement.acknowledged_count, size),
        receipts=AnnouncementReceipt.objects.filter(announcement=announcement)
        .select_related("user", "user__department", "user__location")
        .order_by("user__sort_name", "user_id"),
    )


def announcement_choices() -> dict[str, list[str]]:
    """Names for the targeting pickers on the new-announcement page."""
    return {
        "departments": list(Department.objects.order_by("name").values_list("name", flat=True)),
        "locations": list(Location.objects.order_by("name").values_list("name", flat=True)),
        "roles": list(Role.values),
    }
