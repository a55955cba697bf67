"""Reads of events, RSVPs and calendar feeds for pages, the API and calendar applications.

Who may see an event is decided in ONE place, ``visible_events_q``: a company-wide event
(no community) is for every active member of the company (not guests), a community event for
whoever may see that community's content (``communities.queries.content_communities_q``). So a
secret community's events never reach a non-member: lists, the event page, its ``.ics``, the
calendar feed, the upcoming-events card and counts all filter through it, and anything not
visible answers Http404 exactly like a missing event.

Lists page with keyset cursors over ``event_upcoming_idx`` (starts_at, id): upcoming soonest
first, past most recent first.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from watercooler.communities.models import Community, Membership, MembershipStatus, Privacy
from watercooler.communities.queries import check_can_see_content, content_communities_q
from watercooler.core.paging import Page, paginate
from watercooler.core.policy import is_active_person
from watercooler.core.sqlcache import instances
from watercooler.events import policy
from watercooler.events.models import CalendarFeed, Event, Rsvp, RsvpStatus
from watercooler.people.models import Role, User

EVENTS_PAGE_SIZE = 20
ATTENDEES_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
UPCOMING_LIMIT = 5
# How far back the personal calendar feed reaches (calendar apps keep what they already have).
FEED_PAST_DAYS = 90
WHEN = ("upcoming", "past")


def visible_events_q(viewer: User) -> Q:
    """THE visibility rule, as a filter on Event (cancelled events stay visible, marked)."""
    if not is_active_person(viewer):
        return Q(pk__in=[])
    communities = Q(
        community_id__in=Community.objects.filter(content_communities_q(viewer)).values("pk")
    )
    if viewer.is_guest:
        return communities
    return Q(community__isnull=True) | communities


def event_queryset() -> QuerySet[Event]:
    return Event.objects.select_related("community", "organiser", "organiser__location")


def visible_events(viewer: User) -> QuerySet[Event]:
    return event_queryset().filter(visible_events_q(viewer))


def access_event(viewer: User, event_id: int) -> Event:
    """The event ``event_id`` if ``viewer`` may see it, else Http404 (missing and not visible
    answer the same, so a secret community's events cannot be probed)."""
    if not is_active_person(viewer):
        raise Http404("No such event.")
    event = visible_events(viewer).filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event.")
    return event


def people_who_can_see(event: Event, user_ids: Iterable[int]) -> set[int]:
    """The subset of ``user_ids`` for whom ``visible_events_q`` holds, in two queries at most:
    the same rule read from the event's side, for notifications (who may be told)."""
    wanted = set(user_ids)
    if not wanted:
        return set()
    people = User.objects.filter(pk__in=wanted, is_active=True).only("id", "role", "is_superuser")
    members = {p.pk for p in people if not p.is_guest}
    everyone = {p.pk for p in people}
    if event.community_id is None:
        return members
    community = Community.objects.filter(pk=event.community_id).values_list("privacy", flat=True)
    visible = members if community.first() == Privacy.OPEN else set()
    if rest := everyone - visible:
        visible |= set(
            Membership.objects.filter(
                community_id=event.community_id, status=MembershipStatus.ACTIVE, user_id__in=rest
            ).values_list("user_id", flat=True)
        )
    return visible


def viewer_zone(viewer: Any, event: Event | None = None) -> zoneinfo.ZoneInfo:
    """The zone ``viewer`` reads times in: their location's; else the event's; else UTC."""
    names: list[str] = []
    location = getattr(viewer, "location", None) if is_active_person(viewer) else None
    if location is not None:
        names.append(location.timezone)
    if event is not None:
        names.append(event.timezone)
    for name in [*names, "UTC"]:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")  # pragma: no cover - UTC always exists


# --- Lists ---------------------------------------------------------------------------------------


def events_page(
    viewer: User,
    *,
    when: str = "upcoming",
    community: Community | None = None,
    cursor: str | None = None,
    limit: int = EVENTS_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page[Event]:
    """Events ``viewer`` may see: ``upcoming`` (not yet ended; soonest first) or ``past``
    (ended; most recent first), optionally in one community (whose content they may see)."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    now = now or timezone.now()
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows = visible_events(viewer)
    if community is not None:
        check_can_see_content(viewer, community)
        rows = rows.filter(community_id=community.pk)
    if when == "past":
        rows = rows.filter(ends_at__lte=now)
        return paginate(rows, keys=["-starts_at", "-id"], cursor=cursor, limit=limit)
    rows = rows.filter(ends_at__gt=now)
    return paginate(rows, keys=["starts_at", "id"], cursor=cursor, limit=limit)


def upcoming_events(
    viewer: User,
    *,
    community: Community | None = None,
    limit: int = UPCOMING_LIMIT,
    now: dt.datetime | None = None,
) -> list[Event]:
    """The next few events ``viewer`` may see that are not cancelled nor over (one query): for
    the home page, or of one community (nothing when its content is hidden from them)."""
    if not is_active_person(viewer):
        return []
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    # The rule's SQL depends on whether the viewer is a guest, besides their id.
    role = Role.GUEST if viewer.is_guest else Role.MEMBER

    def build(reader: int, after: dt.datetime, community_id: int | None = None) -> QuerySet[Event]:
        rows = visible_events(User(pk=reader, role=role, is_active=True))
        rows = rows.filter(ends_at__gt=after, cancelled_at=None)
        if community_id is not None:
            rows = rows.filter(community_id=community_id)
        return rows.order_by("starts_at", "id")[:limit]

    values: dict[str, int | dt.datetime] = {"reader": viewer.pk, "after": now or timezone.now()}
    if community is not None:
        values["community_id"] = community.pk
    # A compiled template (core/sqlcache.py): it is on every home page, and building the query
    # cost more than running it.
    return instances(("upcoming-events", role, community is not None, limit), build, values)


def my_rsvps(viewer: User, events: Sequence[Event]) -> dict[int, Rsvp]:
    """``viewer``'s RSVP per event id, for a page of events (one query; none when empty)."""
    ids = [e.pk for e in events]
    if not ids or not is_active_person(viewer):
        return {}
    return {r.event_id: r for r in Rsvp.objects.filter(user_id=viewer.pk, event_id__in=ids)}


def waitlist_position(rsvp: Rsvp | None) -> int | None:
    """1 for the next person to be promoted; None when not waitlisted (one query)."""
    if rsvp is None or not rsvp.is_waitlisted:
        return None
    assert rsvp.waitlisted_at is not None
    ahead = Rsvp.objects.filter(
        event_id=rsvp.event_id, status=RsvpStatus.GOING, waitlisted_at__isnull=False
    ).filter(
        Q(waitlisted_at__lt=rsvp.waitlisted_at)
        | Q(waitlisted_at=rsvp.waitlisted_at, pk__lt=rsvp.pk)
    )
    return ahead.count() + 1


def attendees_page(
    viewer: User, event: Event, *, cursor: str | None = None, limit: int = ATTENDEES_PAGE_SIZE
) -> Page[Rsvp]:
    """The people going (confirmed, not waitlisted) to an event ``viewer`` may see (loaded
    through ``access_event``), in the order they answered; deactivated people left out."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows = Rsvp.objects.select_related("user").filter(
        event_id=event.pk,
        status=RsvpStatus.GOING,
        waitlisted_at__isnull=True,
        user__is_active=True,
    )
    return paginate(rows, keys=["id"], cursor=cursor, limit=limit)


@dataclass(frozen=True)
class EventDetail:
    """An event as one viewer sees it (four queries at most besides ``access_event``)."""

    event: Event
    my_rsvp: Rsvp | None
    waitlist_position: int | None
    can_manage: bool
    attendees: list[Rsvp]
    rsvp_open: bool

    @property
    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(0, self.event.capacity - self.event.going_count)


def event_detail(
    viewer: User, event_id: int, *, attendee_limit: int = 12, now: dt.datetime | None = None
) -> EventDetail:
    event = access_event(viewer, event_id)
    rsvp = Rsvp.objects.filter(event_id=event.pk, user_id=viewer.pk).first()
    attendees = attendees_page(viewer, event, limit=attendee_limit).items if attendee_limit else []
    return EventDetail(
        event=event,
        my_rsvp=rsvp,
        waitlist_position=waitlist_position(rsvp),
        can_manage=policy.can_manage_event(viewer, event),
        attendees=attendees,
        rsvp_open=policy.can_rsvp(viewer, event, now),
    )


# --- The personal calendar feed ------------------------------------------------------------------


def calendar_feed_events(token: str, *, now: dt.datetime | None = None) -> tuple[User, list[Event]]:
    """The person whose feed ``token`` opens and the events they are going to (confirmed, not
    waitlisted; cancelled ones included so calendars mark them) that they may still see, from
    ``FEED_PAST_DAYS`` ago on. Http404 for an unknown token or a deactivated person.

    Used without a session (calendar applications have none): the token is the credential.
    """
    token = str(token)[:64]
    feed = (
        CalendarFeed.objects.select_related("user").filter(token=token).first() if token else None
    )
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    user = feed.user
    since = (now or timezone.now()) - dt.timedelta(days=FEED_PAST_DAYS)
    going = Rsvp.objects.filter(
        user_id=user.pk, status=RsvpStatus.GOING, waitlisted_at__isnull=True
    ).values("event_id")
    events = list(
        visible_events(user).filter(pk__in=going, ends_at__gte=since).order_by("starts_at", "id")
    )
    return user, events
