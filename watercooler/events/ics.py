"""iCalendar (RFC 5545) files: one event's ``.ics`` and a person's calendar feed.

Built with the ``icalendar`` library, which folds lines at 75 octets and ends them with CRLF.
Times are written in the event's own zone (``DTSTART;TZID=...``) with a VTIMEZONE for it, so a
calendar shows the event at the right instant wherever its reader is and keeps it right across
daylight-saving changes. The UID is stable per event and SEQUENCE goes up with every change, so
calendar applications replace their copy instead of adding a second one.
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import cast
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from watercooler.events.models import Event

PRODID = "-//Watercooler//Events//EN"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "watercooler.invalid"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{site_host()}"


def event_url(event: Event) -> str:
    return f"{settings.SITE_URL}{reverse('events:detail', args=[event.pk])}"


def _zone(event: Event) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(event.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _vevent(event: Event, *, stamp: dt.datetime) -> icalendar.Event:
    zone = _zone(event)
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("created", event.created_at.astimezone(dt.UTC))
    vevent.add("last-modified", event.updated_at.astimezone(dt.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    description = event.description
    if event.online_url:
        description = f"{description}\n\nJoin online: {event.online_url}".strip()
    description = f"{description}\n\n{event_url(event)}".strip()
    vevent.add("description", description)
    location = event.location or event.online_url
    if location:
        vevent.add("location", location)
    vevent.add("url", event_url(event))
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    return vevent


def _calendar(events: Sequence[Event], *, name: str | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
        # How often subscribers should poll: hourly keeps RSVP changes reasonably fresh.
        cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for event in events:
        cal.add_component(_vevent(event, stamp=stamp))
    if events:
        # Transitions only for the years the events span keep the file small.
        first = min(e.starts_at for e in events).date().replace(month=1, day=1)
        last = max(e.ends_at for e in events).date().replace(month=1, day=1)
        cal.add_missing_timezones(
            first_date=first - dt.timedelta(days=1), last_date=last.replace(year=last.year + 2)
        )
    return cast(bytes, cal.to_ical())  # icalendar's to_ical() is unannotated; it makes bytes


def event_ics(event: Event) -> bytes:
    """One event as an iCalendar file."""
    return _calendar([event])


def feed_ics(events: Sequence[Event], *, name: str) -> bytes:
    """A calendar feed (subscription) of ``events``."""
    return _calendar(events, name=name)


def ics_filename(event: Event) -> str:
    return f"event-{event.pk}.ics"
