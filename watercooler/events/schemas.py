"""Request and response schemas of the events API, and ``event_data``, the one serialisation of
an event. Input schemas check shapes only; value rules live in ``actions.check_event_input``
(times are taken as text so a time without an offset gets a clear message, not a guess)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.events import policy
from watercooler.events.ics import event_url
from watercooler.events.models import Event, Rsvp
from watercooler.feed.schemas import PersonRefOut, person_data


class StrictInput(Schema):
    model_config = ConfigDict(extra="forbid")


class EventIn(StrictInput):
    title: str = Field(max_length=1000)
    starts_at: str = Field(
        max_length=64, description="ISO 8601 with an offset, e.g. 2030-05-01T18:00:00+02:00."
    )
    ends_at: str = Field(max_length=64, description="ISO 8601; after starts_at.")
    timezone: str | None = Field(
        None,
        max_length=64,
        description="IANA zone the event is set in (default: your location's, else UTC). "
        "Times without an offset are read in it.",
    )
    location: str = Field("", max_length=1000)
    online_url: str = Field("", max_length=1000, description="http(s) link to join online.")
    capacity: int | None = Field(None, description="Places (≥ 1); null for no limit.")
    community: str | None = Field(
        None, max_length=80, description="Handle of a community you are a member of."
    )
    description: str = Field("", max_length=20_000, description="Markdown.")


class EventPatch(StrictInput):
    title: str | None = Field(None, max_length=1000)
    starts_at: str | None = Field(None, max_length=64)
    ends_at: str | None = Field(None, max_length=64)
    timezone: str | None = Field(None, max_length=64)
    location: str | None = Field(None, max_length=1000)
    online_url: str | None = Field(None, max_length=1000)
    capacity: int | None = None
    description: str | None = Field(None, max_length=20_000)


class RsvpIn(StrictInput):
    status: str = Field(description="going, maybe or not_going.")


class EventsQuery(Schema):
    when: str = Field("upcoming", pattern="^(upcoming|past)$")
    community: str | None = Field(None, max_length=80)
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(20, ge=1, le=100)


class EventCommunityOut(Schema):
    handle: str
    name: str


class RsvpCountsOut(Schema):
    going: int
    maybe: int
    waitlisted: int


class EventOut(Schema):
    id: int
    url: str
    ics_url: str
    title: str
    description: str
    description_html: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    location: str
    online_url: str
    capacity: int | None
    places_left: int | None
    community: EventCommunityOut | None
    organiser: PersonRefOut
    is_cancelled: bool
    cancelled_at: dt.datetime | None
    is_past: bool
    rsvp_open: bool
    sequence: int
    counts: RsvpCountsOut
    my_rsvp: str | None = Field(description="going, maybe, not_going or null.")
    waitlisted: bool
    waitlist_position: int | None = Field(description="1 = next to get a place.")
    can_manage: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class RsvpOut(Schema):
    status: str
    waitlisted: bool
    position: int | None = Field(description="Place on the waitlist (1 = next), or null.")
    event: EventOut


class AttendeeOut(Schema):
    person: PersonRefOut
    responded_at: dt.datetime


class AttendeePage(Schema):
    items: list[AttendeeOut]
    next_cursor: str | None


def event_data(
    event: Event,
    *,
    my_rsvp: Rsvp | None,
    position: int | None,
    can_manage: bool,
    now: dt.datetime,
) -> dict[str, Any]:
    """The event as the API shows it to one viewer (no queries beyond ``event_queryset``)."""
    places = None if event.capacity is None else max(0, event.capacity - event.going_count)
    return {
        "id": event.pk,
        "url": event_url(event),
        "ics_url": f"/api/v1/events/{event.pk}.ics",
        "title": event.title,
        "description": event.description,
        "description_html": event.description_html,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "location": event.location,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "places_left": places,
        "community": {"handle": event.community.handle, "name": event.community.name}
        if event.community is not None
        else None,
        "organiser": person_data(event.organiser),
        "is_cancelled": event.cancelled_at is not None,
        "cancelled_at": event.cancelled_at,
        "is_past": event.ends_at <= now,
        "rsvp_open": policy.rsvp_open(event, now),
        "sequence": event.sequence,
        "counts": {
            "going": event.going_count,
            "maybe": event.maybe_count,
            "waitlisted": event.waitlist_count,
        },
        "my_rsvp": my_rsvp.status if my_rsvp is not None else None,
        "waitlisted": bool(my_rsvp is not None and my_rsvp.is_waitlisted),
        "waitlist_position": position,
        "can_manage": can_manage,
        "created_at": event.created_at,
        "updated_at": event.updated_at,
    }
