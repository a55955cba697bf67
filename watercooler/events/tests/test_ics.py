"""The .ics files (one event, through the page and the API) and the personal calendar feed,
read back with two independent standards parsers: icalendar's own and vobject."""

import datetime as dt
import re

import icalendar
import pytest
import vobject
from django.test import Client
from pytest_django import Settings

from watercooler.communities.models import Community, Membership
from watercooler.events import actions
from watercooler.events.models import CalendarFeed
from watercooler.events.tests.conftest import make_event, soon
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db

LONG = "A long description that goes on " * 8 + "— with ünïcödé, so folding must count octets."


def assert_wire_format(body: bytes) -> None:
    """CRLF line ends only, and no line longer than 75 octets (RFC 5545 §3.1)."""
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long text was folded


def test_event_ics_parses_with_both_parsers_and_times_are_right(
    world: World, client_as: ClientAs, settings: Settings
) -> None:
    settings.SITE_URL = "https://social.example.com"
    event = make_event(
        world.owner,
        title="Design review",
        starts_at="2031-01-15T09:30:00",
        ends_at="2031-01-15T11:00:00",
        timezone_name="America/New_York",
        location="Room 4",
        description=LONG,
    )
    response = client_as(world.teammate).get(f"/events/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    body = response.content
    assert_wire_format(body)
    assert re.search(rb"DTSTART;TZID=America/New_York:20310115T093000\r\n", body)

    cal = icalendar.Calendar.from_ical(body)
    assert (str(cal["VERSION"]), str(cal["METHOD"])) == ("2.0", "PUBLISH")
    assert cal["PRODID"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@social.example.com"
    start = vevent.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == dt.datetime(2031, 1, 15, 14, 30, tzinfo=dt.UTC)
    assert vevent.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(
        2031, 1, 15, 16, 0, tzinfo=dt.UTC
    )
    assert str(vevent["SUMMARY"]) == "Design review"
    assert str(vevent["LOCATION"]) == "Room 4"
    assert str(vevent["URL"]) == f"https://social.example.com/events/{event.pk}/"
    assert LONG in str(vevent["DESCRIPTION"])
    assert (vevent.decoded("SEQUENCE"), str(vevent["STATUS"])) == (0, "CONFIRMED")
    assert "DTSTAMP" in vevent

    parsed = vobject.readOne(body.decode())
    vev = parsed.vevent
    assert vev.dtstart.value.astimezone(dt.UTC) == dt.datetime(2031, 1, 15, 14, 30, tzinfo=dt.UTC)
    assert vev.dtend.value.astimezone(dt.UTC) == dt.datetime(2031, 1, 15, 16, 0, tzinfo=dt.UTC)
    assert vev.summary.value == "Design review"
    assert LONG in vev.description.value


def test_cancelled_event_says_so_with_a_higher_sequence(
    world: World, api_as: type[ApiClient]
) -> None:
    event = make_event(world.owner)
    actions.do_cancel_event(actor=world.owner, event=event)
    body = api_as(world.owner).get(f"/events/{event.pk}.ics").content
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert (str(vevent["STATUS"]), vevent.decoded("SEQUENCE")) == ("CANCELLED", 1)
    assert vobject.readOne(body.decode()).vevent.status.value == "CANCELLED"


def _feed_url(client: Client) -> str:
    page = client.get("/events/calendar/")
    assert page.status_code == 200
    match = re.search(
        r'value="https?://[^/"]+(/events/calendar/[^"]+\.ics)"', page.content.decode()
    )
    assert match, "the page shows the subscription address"
    assert "webcal://" in page.content.decode()
    return match.group(1)


def test_calendar_feed_lists_confirmed_events_without_a_session(
    world: World, client_as: ClientAs, secret: Community
) -> None:
    going = make_event(world.owner, title="Going", starts_at="2031-02-01T10:00:00+00:00",
                       ends_at="2031-02-01T11:00:00+00:00", timezone_name="Asia/Tokyo")  # fmt: skip
    waiting = make_event(world.owner, title="Waiting", capacity=1)
    maybe = make_event(world.owner, title="Maybe")
    hidden = make_event(world.owner, title="Secret offsite", community_handle="skunkworks")
    actions.do_rsvp(actor=world.admin, event=waiting, status="going")
    for event, status in (
        (going, "going"),
        (waiting, "going"),
        (maybe, "maybe"),
        (hidden, "going"),
    ):
        actions.do_rsvp(actor=world.teammate, event=event, status=status)
    path = _feed_url(client_as(world.teammate))

    anonymous = client_as(None)
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    assert_wire_format(response.content)
    cal = icalendar.Calendar.from_ical(response.content)
    titles = sorted(str(v["SUMMARY"]) for v in cal.walk("VEVENT"))
    assert titles == ["Going", "Secret offsite"]
    first = next(v for v in cal.walk("VEVENT") if str(v["SUMMARY"]) == "Going")
    assert first.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2031, 2, 1, 10, tzinfo=dt.UTC)
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} >= {"Asia/Tokyo"}
    parsed = vobject.readOne(response.content.decode())
    assert sorted(v.summary.value for v in parsed.vevent_list) == titles

    # Removed from the secret community: its events leave the feed.
    Membership.objects.filter(community=secret, user=world.teammate).delete()
    again = icalendar.Calendar.from_ical(anonymous.get(path).content)
    assert [str(v["SUMMARY"]) for v in again.walk("VEVENT")] == ["Going"]


def test_resetting_the_address_ends_the_old_one(world: World, client_as: ClientAs) -> None:
    client = client_as(world.teammate)
    old = _feed_url(client)
    assert client.post("/events/calendar/reset/").status_code == 302
    new = _feed_url(client)
    assert new != old
    assert client_as(None).get(old).status_code == 404
    assert client_as(None).get(new).status_code == 200
    assert client.get("/events/calendar/reset/").status_code == 405


def test_feed_of_a_deactivated_person_or_unknown_token_is_404(
    world: World, client_as: ClientAs
) -> None:
    path = _feed_url(client_as(world.teammate))
    world.teammate.is_active = False
    world.teammate.save()
    assert client_as(None).get(path).status_code == 404
    assert client_as(None).get("/events/calendar/not-a-token.ics").status_code == 404
    assert CalendarFeed.objects.count() == 1


def test_outsider_feed_never_carries_secret_events(
    world: World, client_as: ClientAs, secret: Community
) -> None:
    hidden = make_event(world.owner, title="Secret", community_handle="skunkworks", start=soon(3))
    # Even an RSVP row that somehow exists (left the community after answering) stays out.
    Membership.objects.create(community=secret, user=world.outsider, joined_at=hidden.created_at)
    actions.do_rsvp(actor=world.outsider, event=hidden, status="going")
    Membership.objects.filter(community=secret, user=world.outsider).delete()
    body = client_as(None).get(_feed_url(client_as(world.outsider))).content
    assert b"Secret" not in body
    assert icalendar.Calendar.from_ical(body).walk("VEVENT") == []
