"""Everything that changes events: creating, editing and cancelling them, RSVPs with the
waitlist, and the personal calendar feed's secret address (reminders are background work:
``tasks``).

Each ``do_*`` function takes keyword arguments only, checks that the actor may do it
(``PermissionDenied``, asking ``policy``; ``Http404`` for what they may not see: callers load
events through ``queries.access_event``), validates input through ``check_*``
(``ValidationError`` keyed by field) and sends domain signals (``events.signals``) only once the
transaction commits. A change that clashes with the event's state (an RSVP to a cancelled or
started event) raises ``Conflict``, which the API answers with 409.

The waitlist: ``going`` beyond the capacity is waitlisted (``Rsvp.waitlisted_at``). Every RSVP
change locks the event row (``select_for_update``), so changes to one event are serialised, the
counters on the event stay exact, and a place freed by someone is given to the longest-waiting
person in the same transaction.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from watercooler.communities.models import Community
from watercooler.communities.queries import access_community, membership_of
from watercooler.core.errors import Conflict, FieldErrors
from watercooler.core.inputs import MOMENT_MESSAGE, moment_in_range
from watercooler.core.markdown import render_markdown
from watercooler.core.policy import check_active
from watercooler.events import policy, queries, signals, tasks
from watercooler.events.models import CalendarFeed, Event, Rsvp, RsvpStatus
from watercooler.people.models import User

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
LOCATION_MAX = 300
URL_MAX = 500
CAPACITY_MAX = 100_000
# Longer than this is a series or a festival, not an event; most likely a typo in the date.
LONGEST_EVENT = dt.timedelta(days=31)


def check_can_manage_event(*, actor: User, event: Event) -> None:
    check_active(actor)
    if not policy.can_manage_event(actor, event):
        raise PermissionDenied(policy.ORGANISERS_ONLY)


# --- Checking input ------------------------------------------------------------------------------


def check_zone(raw: Any) -> zoneinfo.ZoneInfo:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError({"timezone": ["Give a time zone name, like Europe/Berlin."]})
    name = raw.strip()
    try:
        if "\x00" in name or len(name) > 64:
            raise ValueError
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {"timezone": [f"“{name[:64]}” is not a time zone name (IANA), like Europe/Berlin."]}
        ) from None


def check_time(raw: Any, *, field: str, zone: zoneinfo.ZoneInfo | None) -> dt.datetime:
    """An ISO 8601 date and time. Without an offset it is read in ``zone`` (the request's
    ``timezone``); with none given either, it is refused: guessing would put the event at the
    wrong hour for someone."""
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(
                {field: ["Enter a date and time in ISO 8601, like 2030-05-01T18:00:00+02:00."]}
            ) from None
    else:
        raise ValidationError({field: ["Enter a date and time."]})
    if value.tzinfo is None:
        if zone is None:
            raise ValidationError(
                {field: ["Add a UTC offset (like +02:00) or give a “timezone” to read it in."]}
            )
        value = value.replace(tzinfo=zone)
    if not moment_in_range(value):  # else converting it, or adding a duration, overflows
        raise ValidationError({field: [MOMENT_MESSAGE]})
    return value.astimezone(dt.UTC)


def _text(raw: Any, *, field: str, limit: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValidationError({field: ["Must be text."]})
    text = raw.strip()
    if required and not text:
        raise ValidationError({field: ["This field is required."]})
    if len(text) > limit:
        raise ValidationError({field: [f"At most {limit} characters (got {len(text)})."]})
    if "\x00" in text:
        raise ValidationError({field: ["Text may not contain NUL characters."]})
    return text


def check_online_url(raw: Any) -> str:
    url = _text(raw, field="online_url", limit=URL_MAX)
    if not url:
        return ""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ValidationError({"online_url": ["Only http:// and https:// links are allowed."]})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"online_url": ["Enter a full web address."]}) from None
    return url


def check_capacity(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValidationError({"capacity": ["Must be a whole number."]})
    try:
        capacity = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"capacity": ["Must be a whole number."]}) from None
    if isinstance(raw, float) and raw != capacity:
        raise ValidationError({"capacity": ["Must be a whole number."]})
    if not 1 <= capacity <= CAPACITY_MAX:
        raise ValidationError({"capacity": [f"Between 1 and {CAPACITY_MAX}, or empty."]})
    return capacity


def default_zone(user: User) -> str:
    """The organiser's location's zone, else UTC."""
    location = user.location if user.location_id else None
    return location.timezone if location is not None else "UTC"


@dataclass(frozen=True)
class EventInput:
    """Checked input of a new event or of an edit (``community`` is fixed at creation)."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    location: str
    online_url: str
    capacity: int | None
    description: str
    community: Community | None


def check_event_input(
    *,
    actor: User,
    title: Any,
    starts_at: Any,
    ends_at: Any,
    timezone_name: Any = None,
    location: Any = "",
    online_url: Any = "",
    capacity: Any = None,
    community_handle: Any = None,
    description: Any = "",
    event: Event | None = None,
    now: dt.datetime | None = None,
) -> EventInput:
    """Validate a new event's input (``event=None``) or an edit of ``event``; every field's
    errors at once. Company-wide events may be created by any active member who is not a guest;
    a community event needs active membership of that community (guests too, when members)."""
    check_active(actor)
    now = now or timezone.now()
    errors = FieldErrors()

    def collect(fn: Callable[[], Any]) -> Any:
        """``fn()``, or None when it raised ValidationError (its messages are collected)."""
        with errors.collect():
            return fn()
        return None

    zone_given = timezone_name not in (None, "")
    zone = collect(lambda: check_zone(timezone_name)) if zone_given else None
    zone_name = zone.key if zone is not None else ""
    if not zone_given:
        zone_name = event.timezone if event is not None else default_zone(actor)
    checked_title = collect(lambda: _text(title, field="title", limit=TITLE_MAX, required=True))
    start = collect(lambda: check_time(starts_at, field="starts_at", zone=zone))
    end = collect(lambda: check_time(ends_at, field="ends_at", zone=zone))
    if start is not None and end is not None:
        if end <= start:
            errors.add("ends_at", "The end must be after the start.")
        elif end - start > LONGEST_EVENT:
            errors.add("ends_at", "An event lasts at most 31 days.")
    changed_start = event is None or (start is not None and start != event.starts_at)
    if start is not None and changed_start and start <= now:
        errors.add("starts_at", "The start must be in the future.")
    checked_location = collect(lambda: _text(location, field="location", limit=LOCATION_MAX))
    url = collect(lambda: check_online_url(online_url))
    cap = collect(lambda: check_capacity(capacity))
    if event is not None and cap is not None and cap < event.going_count:
        errors.add(
            "capacity",
            f"{event.going_count} people are already going: at least {event.going_count}.",
        )
    text = collect(lambda: _text(description, field="description", limit=DESCRIPTION_MAX))
    community: Community | None = event.community if event is not None else None
    if event is None and community_handle not in (None, ""):
        try:
            community = access_community(actor, str(community_handle))
        except Http404:
            errors.add("community", "No such community.")
        else:
            if not policy.can_plan_community_event(actor, membership_of(actor, community)):
                errors.add("community", policy.MEMBERS_PLAN)
    if (
        event is None
        and community is None
        and not policy.can_plan_company_event(actor)
        and "community" not in errors
    ):
        raise PermissionDenied(policy.GUESTS_PLAN_IN_COMMUNITIES)
    errors.raise_if_any()
    return EventInput(
        title=checked_title,
        starts_at=start,
        ends_at=end,
        timezone=zone_name,
        location=checked_location or "",
        online_url=url or "",
        capacity=cap,
        description=text or "",
        community=community,
    )


def render_description(text: str) -> str:
    """Markdown to safe HTML, like posts; @mentions stay text (events notify nobody of them)."""
    if not text:
        return ""
    html, _, _ = render_markdown(
        text, mention_url=lambda _name: None, topic_url=lambda name: f"/topics/{name}/"
    )
    return html


# --- Creating, editing, cancelling ---------------------------------------------------------------


@transaction.atomic
def do_create_event(*, actor: User, data: EventInput) -> Event:
    """Create an event from checked input (``check_event_input``); its reminder is scheduled
    on commit (``tasks.schedule_reminder``)."""
    check_active(actor)
    now = timezone.now()
    event = Event.objects.create(
        title=data.title,
        description=data.description,
        description_html=render_description(data.description),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        timezone=data.timezone,
        location=data.location,
        online_url=data.online_url,
        capacity=data.capacity,
        community=data.community,
        organiser=actor,
        created_at=now,
        updated_at=now,
    )
    _schedule_reminder_on_commit(event)
    return event


def create_event(actor: User, **fields: Any) -> Event:
    """Check and create in one go (for the demo, tests and simple callers)."""
    return do_create_event(actor=actor, data=check_event_input(actor=actor, **fields))


def _schedule_reminder_on_commit(event: Event) -> None:
    pk, starts_at = event.pk, event.starts_at
    transaction.on_commit(lambda: tasks.schedule_reminder(pk, starts_at), robust=True)


@transaction.atomic
def do_update_event(*, actor: User, event: Event, data: EventInput) -> Event:
    """Change an event (organiser, community moderators, administrators). SEQUENCE goes up so
    calendar applications replace their copy; a larger capacity promotes waiting people; a new
    start time re-arms the reminder."""
    check_can_manage_event(actor=actor, event=event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.cancelled_at is not None:
        raise Conflict("This event was cancelled; it cannot be changed.")
    if data.capacity is not None and data.capacity < event.going_count:
        raise ValidationError({"capacity": [f"At least {event.going_count} (people going)."]})
    moved = data.starts_at != event.starts_at
    event.title = data.title
    if data.description != event.description:
        event.description = data.description
        event.description_html = render_description(data.description)
    event.starts_at, event.ends_at, event.timezone = data.starts_at, data.ends_at, data.timezone
    event.location, event.online_url, event.capacity = (
        data.location,
        data.online_url,
        data.capacity,
    )
    event.sequence += 1
    event.updated_at = timezone.now()
    if moved:
        event.reminded_at = None
    promoted = _promote_waiting(event)
    event.save()
    if moved:
        _schedule_reminder_on_commit(event)
    _send_promoted(event, promoted)
    return event


@transaction.atomic
def do_cancel_event(*, actor: User, event: Event) -> Event:
    """Cancel (organiser, community moderators, administrators). The event stays, marked
    cancelled, with its RSVPs; calendars see STATUS:CANCELLED. Cancelling twice: Conflict."""
    check_can_manage_event(actor=actor, event=event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.cancelled_at is not None:
        raise Conflict("This event is already cancelled.")
    now = timezone.now()
    event.cancelled_at = now
    event.updated_at = now
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "updated_at", "sequence"])
    return event


# --- RSVP and the waitlist -----------------------------------------------------------------------


@dataclass(frozen=True)
class RsvpResult:
    event: Event  # with fresh counters
    rsvp: Rsvp
    waitlisted: bool
    position: int | None  # on the waitlist, 1 = next in line
    promoted: list[int]  # people given a place by this change


def _promote_waiting(event: Event) -> list[int]:
    """Give free places to the longest-waiting people; updates ``event``'s counters in memory
    (the caller saves it). Needs the event row locked."""
    promoted: list[int] = []
    while event.waitlist_count > 0 and (
        event.capacity is None or event.going_count < event.capacity
    ):
        nxt = (
            Rsvp.objects.filter(
                event_id=event.pk, status=RsvpStatus.GOING, waitlisted_at__isnull=False
            )
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if nxt is None:  # counters drifted; the rows are the truth
            event.waitlist_count = 0
            break
        Rsvp.objects.filter(pk=nxt.pk).update(waitlisted_at=None)
        event.going_count += 1
        event.waitlist_count -= 1
        promoted.append(nxt.user_id)
    return promoted


def _send_promoted(event: Event, promoted: list[int]) -> None:
    if promoted:
        signals.send_on_commit(signals.waitlist_promoted, event=event, user_ids=promoted)


def check_rsvp_status(raw: Any) -> str:
    if raw not in RsvpStatus.values:
        raise ValidationError({"status": [f"Must be one of: {', '.join(RsvpStatus.values)}."]})
    return str(raw)


@transaction.atomic
def do_rsvp(
    *, actor: User, event: Event, status: Any, now: dt.datetime | None = None
) -> RsvpResult:
    """Answer going / maybe / not going for ``actor`` (who may see ``event``).

    ``going`` when the event is full puts them on the waitlist (answering ``going`` again keeps
    their place in it). Leaving a confirmed place promotes the longest-waiting person in this
    same transaction; they hear of it through ``signals.waitlist_promoted`` on commit. RSVPs
    close when the event starts or is cancelled (Conflict).
    """
    check_active(actor)
    status = check_rsvp_status(status)
    now = now or timezone.now()
    event = (
        Event.objects.select_for_update(of=("self",)).select_related("community").get(pk=event.pk)
    )
    if event.cancelled_at is not None:
        raise Conflict("This event was cancelled: answers are closed.")
    if policy.has_started(event, now):
        raise Conflict("This event has already started: answers are closed.")
    rsvp = Rsvp.objects.filter(event_id=event.pk, user_id=actor.pk).first()
    if rsvp is not None and rsvp.status == status:
        return RsvpResult(
            event=event,
            rsvp=rsvp,
            waitlisted=rsvp.is_waitlisted,
            position=queries.waitlist_position(rsvp),
            promoted=[],
        )
    freed = False
    if rsvp is not None:
        if rsvp.status == RsvpStatus.GOING and rsvp.waitlisted_at is None:
            event.going_count = max(0, event.going_count - 1)
            freed = True
        elif rsvp.status == RsvpStatus.GOING:
            event.waitlist_count = max(0, event.waitlist_count - 1)
        elif rsvp.status == RsvpStatus.MAYBE:
            event.maybe_count = max(0, event.maybe_count - 1)
    else:
        rsvp = Rsvp(event=event, user=actor)
    rsvp.status, rsvp.responded_at, rsvp.waitlisted_at = status, now, None
    if status == RsvpStatus.GOING:
        full = event.capacity is not None and event.going_count >= event.capacity
        # Nobody jumps the queue: with people waiting, a newcomer waits behind them.
        if full or event.waitlist_count > 0:
            rsvp.waitlisted_at = now
            event.waitlist_count += 1
        else:
            event.going_count += 1
    elif status == RsvpStatus.MAYBE:
        event.maybe_count += 1
    rsvp.save()
    promoted = _promote_waiting(event) if freed or event.waitlist_count else []
    event.save(update_fields=["going_count", "maybe_count", "waitlist_count"])
    if actor.pk in promoted:
        rsvp.waitlisted_at = None
    _send_promoted(event, [pk for pk in promoted if pk != actor.pk])
    return RsvpResult(
        event=event,
        rsvp=rsvp,
        waitlisted=rsvp.is_waitlisted,
        position=queries.waitlist_position(rsvp),
        promoted=promoted,
    )


# --- The personal calendar feed ------------------------------------------------------------------


def do_get_calendar_feed(*, actor: User) -> CalendarFeed:
    """``actor``'s feed address, created on first use (safe against a concurrent first use)."""
    check_active(actor)
    feed, _ = CalendarFeed.objects.get_or_create(
        user=actor, defaults={"token": CalendarFeed.new_token()}
    )
    return feed


def do_reset_calendar_feed(*, actor: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once (404)."""
    check_active(actor)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
        if feed is None:
            return CalendarFeed.objects.create(user=actor, token=CalendarFeed.new_token())
        feed.token = CalendarFeed.new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
        return feed
