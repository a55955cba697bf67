"""The events endpoints of /api/v1/events: lists, one event, creating, editing and cancelling,
RSVP with the waitlist, the people going, and the event's ``.ics`` file.

Each endpoint parses its input and calls one action or query. An event one may not see answers
404 exactly like a missing one (a secret community's events cannot be probed). ``Conflict``
(answering a cancelled or started event, cancelling twice) answers 409.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from watercooler.communities.queries import access_community
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.events import actions, ics, policy, queries
from watercooler.events.models import Event
from watercooler.events.schemas import (
    AttendeePage,
    EventIn,
    EventOut,
    EventPage,
    EventPatch,
    EventsQuery,
    RsvpIn,
    RsvpOut,
    event_data,
)
from watercooler.feed.schemas import PageQuery, person_data
from watercooler.people.models import User

router = Router()

READ: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _event_out(viewer: User, event_id: int) -> dict[str, Any]:
    detail = queries.event_detail(viewer, event_id, attendee_limit=0)
    return event_data(
        detail.event,
        my_rsvp=detail.my_rsvp,
        position=detail.waitlist_position,
        can_manage=detail.can_manage,
        now=timezone.now(),
    )


@router.get("", response={200: EventPage, **READ}, summary="Events")
def list_events(request: HttpRequest, params: Query[EventsQuery]) -> dict[str, Any]:
    """Upcoming events (not yet ended, soonest first) you may see: company-wide ones and those
    of communities whose content you see. ``when=past``: ended ones, most recent first.
    ``community``: one community's events."""
    viewer = viewer_of(request)
    community = access_community(viewer, params.community) if params.community else None
    page = queries.events_page(
        viewer, when=params.when, community=community, cursor=params.cursor, limit=params.limit
    )
    mine = queries.my_rsvps(viewer, page.items)
    managed = policy.managed_event_ids(viewer, page.items)
    now = timezone.now()
    return {
        "items": [
            event_data(
                e,
                my_rsvp=mine.get(e.pk),
                # The position needs a query per waitlisted event: the detail endpoint has it.
                position=None,
                can_manage=e.pk in managed,
                now=now,
            )
            for e in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.post("", response={201: EventOut, **WRITE}, summary="Plan an event")
def create_event(request: HttpRequest, payload: EventIn) -> Status[dict[str, Any]]:
    """Company-wide (any member but guests) or in a community you are a member of
    (``community``: its handle). Times in ISO 8601 with an offset, or without one plus
    ``timezone``."""
    viewer = viewer_of(request)
    data = actions.check_event_input(
        actor=viewer,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        timezone_name=payload.timezone,
        location=payload.location,
        online_url=payload.online_url,
        capacity=payload.capacity,
        community_handle=payload.community,
        description=payload.description,
    )
    event = actions.do_create_event(actor=viewer, data=data)
    return Status(201, _event_out(viewer, event.pk))


@router.get("/{event_id}.ics", response={200: None, **READ}, summary="The event as .ics")
def download_event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """An iCalendar file (text/calendar) to add the event to a calendar application."""
    event = queries.access_event(viewer_of(request), event_id)
    return _ics_response(event)


def _ics_response(event: Event) -> HttpResponse:
    response = HttpResponse(ics.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.ics_filename(event)}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get("/{event_id}", response={200: EventOut, **READ}, summary="One event")
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    """With your answer (``my_rsvp``), the counts and your place on the waitlist."""
    return _event_out(viewer_of(request), event_id)


@router.patch("/{event_id}", response={200: EventOut, **WRITE}, summary="Change an event")
def update_event(request: HttpRequest, event_id: int, payload: EventPatch) -> dict[str, Any]:
    """The organiser, the community's owners and moderators, or an administrator. Fields left
    out keep their value; a larger capacity gives places to people waiting."""
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    actions.check_can_manage_event(actor=viewer, event=event)
    given = payload.model_dump(exclude_unset=True)
    zone = given.get("timezone") or event.timezone

    def time_of(name: str) -> Any:
        # Unchanged times are sent back as they are; a new zone re-reads naive times in it.
        return given[name] if given.get(name) is not None else getattr(event, name)

    data = actions.check_event_input(
        actor=viewer,
        title=given.get("title", event.title),
        starts_at=time_of("starts_at"),
        ends_at=time_of("ends_at"),
        timezone_name=zone,
        location=given.get("location", event.location),
        online_url=given.get("online_url", event.online_url),
        capacity=given.get("capacity", event.capacity),
        description=given.get("description", event.description),
        event=event,
    )
    actions.do_update_event(actor=viewer, event=event, data=data)
    return _event_out(viewer, event_id)


@router.post("/{event_id}/cancel", response={200: EventOut, **WRITE}, summary="Cancel an event")
def cancel_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    """The event stays (marked cancelled, answers closed); calendars show it cancelled."""
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    actions.do_cancel_event(actor=viewer, event=event)
    return _event_out(viewer, event_id)


@router.post("/{event_id}/rsvp", response={200: RsvpOut, **WRITE}, summary="Answer")
def rsvp_event(request: HttpRequest, event_id: int, payload: RsvpIn) -> dict[str, Any]:
    """``going``, ``maybe`` or ``not_going``. ``going`` to a full event puts you on the
    waitlist (``waitlisted: true`` with your ``position``); when someone going changes their
    answer, the longest-waiting person gets the place and a notification. 409 once the event
    has started or was cancelled."""
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    result = actions.do_rsvp(actor=viewer, event=event, status=payload.status)
    return {
        "status": result.rsvp.status,
        "waitlisted": result.waitlisted,
        "position": result.position,
        "event": _event_out(viewer, event_id),
    }


@router.get("/{event_id}/attendees", response={200: AttendeePage, **READ}, summary="Who is going")
def list_event_attendees(
    request: HttpRequest, event_id: int, params: Query[PageQuery]
) -> dict[str, Any]:
    """People going (with a place; not the waitlist), in the order they answered."""
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    page = queries.attendees_page(viewer, event, cursor=params.cursor, limit=params.limit)
    return {
        "items": [
            {"person": person_data(r.user), "responded_at": r.responded_at} for r in page.items
        ],
        "next_cursor": page.next_cursor,
    }
