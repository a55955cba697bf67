"""The events pages: list (query counts constant), the community tab, an event with htmx RSVP,
the form (new and edit), attendees, the upcoming-events card; outsiders and guests."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from pytest_django import DjangoAssertNumQueries

from watercooler.communities.models import Community
from watercooler.events import actions
from watercooler.events.models import Event
from watercooler.events.tests.conftest import make_event, soon
from watercooler.people.models import User
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def test_list_shows_times_in_the_viewers_zone_with_constant_queries(
    world: World, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    make_event(world.owner, title="Lunch", starts_at="2031-05-01T12:00:00+00:00",
               ends_at="2031-05-01T13:00:00+00:00")  # fmt: skip
    client = client_as(world.outsider)  # in Berlin: CEST, UTC+2
    client.get("/events/")
    with django_assert_max_num_queries(12) as few:
        page = client.get("/events/")
    html = page.content.decode()
    assert "Lunch" in html
    assert "14:00" in html
    assert "Europe/Berlin" in html
    for i in range(10):
        event = make_event(world.owner, title=f"Talk {i}", start=soon(3 + i))
        actions.do_rsvp(actor=world.outsider, event=event, status="going")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/events/")
    assert page.content.decode().count("You're going") == 10
    assert client.get("/events/?when=past").status_code == 200
    assert client.get("/events/?cursor=bad").status_code == 400


def test_empty_list_teaches_what_to_do(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get("/events/").content.decode()
    assert "No upcoming events" in html
    assert "Plan an event" in html
    guest = client_as(world.guest).get("/events/").content.decode()
    assert "Plan an event" not in guest


def test_create_through_the_form_reads_times_in_the_chosen_zone(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.owner)
    form = client.get("/events/new/")
    assert 'value="Europe/London"' in form.content.decode()
    response = client.post(
        "/events/new/",
        {"title": "Book club", "starts_at": "2031-11-05T18:30", "ends_at": "2031-11-05T20:00",
         "timezone": "Asia/Kolkata", "capacity": "8", "location": "Library", "community": ""},
    )  # fmt: skip
    event = Event.objects.get(title="Book club")
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/"
    assert event.starts_at.isoformat() == "2031-11-05T13:00:00+00:00"
    assert (event.timezone, event.capacity, event.organiser) == ("Asia/Kolkata", 8, world.owner)


def test_form_errors_are_shown_by_field(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).post(
        "/events/new/",
        {"title": "", "starts_at": "2031-11-05T18:30", "ends_at": "2031-11-05T17:00",
         "timezone": "Europe/London", "online_url": "ftp://x", "capacity": "0"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end must be after the start." in html
    assert "Only http:// and https:// links are allowed." in html
    assert (
        'id="ev-title" name="title" maxlength="200" required value="" aria-invalid="true"' in html
    )


def test_community_preselected_on_the_form(
    world: World, client_as: ClientAs, secret: Community
) -> None:
    html = client_as(world.teammate).get("/events/new/?community=skunkworks").content.decode()
    assert re.search(r'<option value="skunkworks" selected>', html)
    assert "skunkworks" not in client_as(world.outsider).get("/events/new/").content.decode()


def test_event_page_and_htmx_rsvp(world: World, client_as: ClientAs) -> None:
    event = make_event(world.admin, title="Climbing", capacity=1, location="Wall")
    owner, mate = client_as(world.owner), client_as(world.teammate)
    page = owner.get(f"/events/{event.pk}/").content.decode()
    assert "Climbing" in page
    assert "Add to calendar (.ics)" in page
    assert "1 left" in page
    assert "1 place ·" in page
    assert (
        "Edit" not in re.sub(r"<[^>]+>", " ", page).split("Going (")[0].split("Add to calendar")[1]
    )
    swapped = owner.post(
        f"/events/{event.pk}/rsvp/", {"status": "going"}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200
    assert "You're going" in swapped.content.decode()
    waiting = mate.post(
        f"/events/{event.pk}/rsvp/", {"status": "going"}, headers={"HX-Request": "true"}
    )
    assert "You're on the waitlist" in waiting.content.decode()
    assert "number 1" in waiting.content.decode()
    owner.post(f"/events/{event.pk}/rsvp/", {"status": "not_going"})
    assert "You're going" in mate.get(f"/events/{event.pk}/").content.decode()
    bad = owner.post(
        f"/events/{event.pk}/rsvp/", {"status": "later"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 409
    assert "Must be one of" in bad.content.decode()


def test_organiser_edits_and_cancels(world: World, client_as: ClientAs) -> None:
    event = make_event(world.owner, title="Standup")
    client = client_as(world.owner)
    assert "Cancel this event" in client.get(f"/events/{event.pk}/").content.decode()
    form = client.get(f"/events/{event.pk}/edit/")
    assert form.status_code == 200
    assert 'value="Standup"' in form.content.decode()
    assert client_as(world.teammate).get(f"/events/{event.pk}/edit/").status_code == 403
    assert client_as(world.teammate).post(f"/events/{event.pk}/cancel/").status_code == 403
    assert client.post(f"/events/{event.pk}/cancel/").status_code == 302
    html = client.get(f"/events/{event.pk}/").content.decode()
    assert "Cancelled" in html
    assert "answers are closed" in html


def test_attendees_page(world: World, client_as: ClientAs) -> None:
    event = make_event(world.owner)
    actions.do_rsvp(actor=world.teammate, event=event, status="going")
    html = client_as(world.owner).get(f"/events/{event.pk}/attendees/").content.decode()
    assert "Theo Teammate" in html


def test_outsider_and_guest_get_404_on_every_page_of_a_secret_event(
    world: World, client_as: ClientAs, secret: Community
) -> None:
    hidden = make_event(world.teammate, title="Secret plan", community_handle="skunkworks")
    for person in (world.outsider, world.guest):
        client = client_as(person)
        for path in (
            f"/events/{hidden.pk}/",
            f"/events/{hidden.pk}.ics",
            f"/events/{hidden.pk}/edit/",
            f"/events/{hidden.pk}/attendees/",
            "/c/skunkworks/events/",
        ):
            response = client.get(path)
            assert response.status_code == 404, (person, path)
            assert "Secret plan" not in response.content.decode()
        assert client.post(f"/events/{hidden.pk}/rsvp/", {"status": "going"}).status_code == 404
        assert "Secret plan" not in client.get("/events/").content.decode()
    assert client_as(None).get(f"/events/{hidden.pk}/").status_code == 302  # to sign in


def test_community_events_tab(
    world: World, client_as: ClientAs, secret: Community, closed: Community
) -> None:
    make_event(world.teammate, title="Hack night", community_handle="skunkworks")
    html = client_as(world.teammate).get("/c/skunkworks/events/").content.decode()
    assert "Hack night" in html
    assert "/events/new/?community=skunkworks" in html
    make_event(world.teammate, title="Leads offsite", community_handle="leads")
    closed_page = client_as(world.outsider).get("/c/leads/events/")
    assert closed_page.status_code == 200
    assert "Leads offsite" not in closed_page.content.decode()


def _upcoming(user: User, community: Community | None = None) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template(
        "{% load events_tags %}{% if c %}{% upcoming_events community=c %}{% else %}{% upcoming_events %}{% endif %}"
    )
    return template.render(Context({"user": user, "request": request, "c": community}))


def test_upcoming_card_is_one_query_and_hides_secret_events(
    world: World, secret: Community, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_event(world.teammate, title="Secret plan", community_handle="skunkworks")
    make_event(world.owner, title="Open lunch")
    cancelled = make_event(world.owner, title="Called off")
    actions.do_cancel_event(actor=world.owner, event=cancelled)
    with django_assert_num_queries(1):
        html = _upcoming(world.outsider)
    assert "Open lunch" in html
    assert "Secret plan" not in html
    assert "Called off" not in html
    assert "Secret plan" in _upcoming(world.teammate)
    assert "Secret plan" not in _upcoming(world.outsider, secret)
    empty = _upcoming(world.guest)
    assert "No events coming up" in empty
    assert "Plan" not in empty
