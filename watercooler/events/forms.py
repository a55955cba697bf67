"""The event form of the pages: what it shows and how a posted form becomes action input.

Validation is not here: ``actions.check_event_input`` owns every rule, for the page and the API
alike. The page's date and time inputs (``datetime-local``) carry no zone, so the form always
sends the chosen ``timezone`` and the action reads the times in it.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from watercooler.events.models import Event
from watercooler.events.queries import viewer_zone
from watercooler.people.models import Location

FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "location",
    "online_url",
    "capacity",
    "community",
    "description",
)


@dataclass
class EventForm:
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    zones: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.errors)


def zone_choices(*extra: str) -> list[str]:
    """The zones of the company's locations, UTC and the current value: the list offered beside
    the free-text zone field (any IANA name is accepted)."""
    names = set(Location.objects.values_list("timezone", flat=True)) | {"UTC"}
    names |= {name for name in extra if name}
    return sorted(names)


def _local(value: dt.datetime, zone: dt.tzinfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def blank_form(*, zone: str, community: str = "") -> EventForm:
    values = dict.fromkeys(FIELDS, "")
    values["timezone"] = zone
    values["community"] = community
    return EventForm(values=values, zones=zone_choices(zone))


def form_for(event: Event) -> EventForm:
    zone = viewer_zone(None, event)
    values = {
        "title": event.title,
        "starts_at": _local(event.starts_at, zone),
        "ends_at": _local(event.ends_at, zone),
        "timezone": event.timezone,
        "location": event.location,
        "online_url": event.online_url,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "community": event.community.handle if event.community else "",
        "description": event.description,
    }
    return EventForm(values=values, zones=zone_choices(event.timezone))


def read_form(data: QueryDict) -> EventForm:
    values = {name: str(data.get(name, "")) for name in FIELDS}
    return EventForm(values=values, zones=zone_choices(values["timezone"]))


def action_arguments(form: EventForm) -> dict[str, Any]:
    """The posted values as ``check_event_input`` keyword arguments (without actor/event)."""
    v = form.values
    return {
        "title": v["title"],
        "starts_at": v["starts_at"],
        "ends_at": v["ends_at"],
        "timezone_name": v["timezone"],
        "location": v["location"],
        "online_url": v["online_url"],
        "capacity": v["capacity"].strip() or None,
        "community_handle": v["community"].strip() or None,
        "description": v["description"],
    }
