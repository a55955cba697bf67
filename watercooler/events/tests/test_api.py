"""The events API: create, list with cursors (query counts constant), detail, RSVP with the
waitlist, attendees, cancel, edit, the .ics file; and what outsiders and guests get."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from watercooler.communities.models import Community
from watercooler.events import actions
from watercooler.events.tests.conftest import make_event, soon
from watercooler.testing.fixtures import ApiClient, Commit
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def _new(start: dt.datetime, **extra: object) -> dict[str, object]:
    return {
        "title": "Quarterly all-hands",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        **extra,
    }


def test_create_and_read_an_event(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    response = api.post(
        "/events",
        {
            "title": "Summer party",
            "starts_at": "2031-06-20T18:00:00",
            "ends_at": "2031-06-20T23:00:00",
            "timezone": "Europe/Berlin",
            "location": "Rooftop",
            "online_url": "https://meet.example.com/party",
            "capacity": 40,
            "description": "Bring **sunscreen**",
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["starts_at"].startswith("2031-06-20T16:00:00")  # CEST is UTC+2
    assert data["timezone"] == "Europe/Berlin"
    assert data["places_left"] == 40
    assert data["counts"] == {"going": 0, "maybe": 0, "waitlisted": 0}
    assert data["my_rsvp"] is None
    assert data["can_manage"] is True
    assert "<strong>sunscreen</strong>" in data["description_html"]
    assert api_as(world.teammate).get(f"/events/{data['id']}").json()["can_manage"] is False


def test_bad_input_is_422_with_fields(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    response = api.post(
        "/events",
        {"title": "", "starts_at": "2031-06-20T18:00", "ends_at": "2031-06-20T17:00+00:00",
         "online_url": "javascript:x", "capacity": 0},
    )  # fmt: skip
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"title", "starts_at", "online_url", "capacity"} <= fields
    response = api.post("/events", _new(soon(), extra_field=1))
    assert response.status_code == 422
    response = api.post(
        "/events",
        {"title": "x", "starts_at": "2031-06-20T18:00+00:00", "ends_at": "2031-06-20T17:00+00:00"},
    )
    assert response.json()["errors"] == [
        {"field": "ends_at", "message": "The end must be after the start."}
    ]


def test_guest_cannot_create_company_wide_events(world: World, api_as: type[ApiClient]) -> None:
    assert api_as(world.guest).post("/events", _new(soon())).status_code == 403
    assert api_as(None).post("/events", _new(soon())).status_code == 401


def test_rsvp_waitlist_and_promotion_over_the_api(
    world: World, api_as: type[ApiClient], commit: Commit
) -> None:
    event = make_event(world.admin, capacity=1)
    a, b = api_as(world.owner), api_as(world.teammate)
    first = a.post(f"/events/{event.pk}/rsvp", {"status": "going"}).json()
    assert (first["status"], first["waitlisted"], first["position"]) == ("going", False, None)
    second = b.post(f"/events/{event.pk}/rsvp", {"status": "going"}).json()
    assert (second["waitlisted"], second["position"]) == (True, 1)
    assert second["event"]["waitlist_position"] == 1
    assert second["event"]["counts"] == {"going": 1, "maybe": 0, "waitlisted": 1}
    with commit():
        a.post(f"/events/{event.pk}/rsvp", {"status": "not_going"})
    mine = b.get(f"/events/{event.pk}").json()
    assert (mine["my_rsvp"], mine["waitlisted"], mine["waitlist_position"]) == (
        "going",
        False,
        None,
    )
    notes = b.get("/notifications").json()["items"]
    assert notes[0]["kind"] == "event_promoted"
    attendees = a.get(f"/events/{event.pk}/attendees").json()
    assert [p["person"]["username"] for p in attendees["items"]] == ["theo_teammate"]
    bad = a.post(f"/events/{event.pk}/rsvp", {"status": "yes"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


def test_rsvp_to_a_cancelled_event_is_409(world: World, api_as: type[ApiClient]) -> None:
    event = make_event(world.admin)
    assert api_as(world.owner).post(f"/events/{event.pk}/cancel").status_code == 403
    cancelled = api_as(world.admin).post(f"/events/{event.pk}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["is_cancelled"] is True
    response = api_as(world.owner).post(f"/events/{event.pk}/rsvp", {"status": "going"})
    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]
    assert api_as(world.admin).post(f"/events/{event.pk}/cancel").status_code == 409


def test_patch_changes_fields_and_bumps_sequence(world: World, api_as: type[ApiClient]) -> None:
    event = make_event(world.owner, capacity=3)
    api = api_as(world.owner)
    response = api.patch(f"/events/{event.pk}", {"title": "Team lunch (moved)", "capacity": None})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["title"], data["capacity"], data["sequence"]) == ("Team lunch (moved)", None, 1)
    assert api_as(world.teammate).patch(f"/events/{event.pk}", {"title": "x"}).status_code == 403
    assert (
        api.patch(f"/events/{event.pk}", {"ends_at": "2000-01-01T00:00:00+00:00"}).status_code
        == 422
    )


def test_lists_page_upcoming_and_past_with_constant_queries(
    world: World, api_as: type[ApiClient], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    api = api_as(world.teammate)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/events", limit=100).status_code == 200
        return len(ctx.captured_queries)

    make_event(world.owner, start=soon(5))
    count_queries()  # the first request of a token also records its use
    few = count_queries()
    for i in range(12):
        event = make_event(world.owner, start=soon(6 + i), capacity=1)
        actions.do_rsvp(actor=world.teammate, event=event, status="going")
    assert count_queries() == few
    with django_assert_max_num_queries(few):
        api.get("/events")

    items, cursor = [], None
    while True:
        page = api.get("/events", limit=5, **({"cursor": cursor} if cursor else {})).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    starts = [i["starts_at"] for i in items]
    assert len(items) == 13
    assert starts == sorted(starts)
    assert all(i["my_rsvp"] == "going" for i in items[1:])
    assert api.get("/events", cursor="garbage").status_code == 422
    assert api.get("/events", when="sometime").status_code == 422


def test_past_events_keep_their_attendance(world: World, api_as: type[ApiClient]) -> None:
    event = make_event(world.owner, capacity=2)
    actions.do_rsvp(actor=world.teammate, event=event, status="going")
    # Time passes: move the event into the past directly (the form refuses past starts).
    type(event).objects.filter(pk=event.pk).update(
        starts_at=event.starts_at - dt.timedelta(days=3),
        ends_at=event.ends_at - dt.timedelta(days=3),
    )
    api = api_as(world.teammate)
    assert api.get("/events").json()["items"] == []
    past = api.get("/events", when="past").json()["items"]
    assert [(e["id"], e["counts"]["going"], e["is_past"], e["rsvp_open"]) for e in past] == [
        (event.pk, 1, True, False)
    ]
    assert len(api.get(f"/events/{event.pk}/attendees").json()["items"]) == 1
    assert api.post(f"/events/{event.pk}/rsvp", {"status": "not_going"}).status_code == 409


def test_ics_endpoint_answers_at_the_contract_path(world: World, api_as: type[ApiClient]) -> None:
    event = make_event(world.owner, title="Retro")
    response = api_as(world.teammate).get(f"/events/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Retro" in response.content
    assert api_as(world.teammate).get("/events/99999.ics").status_code == 404


def test_outsider_and_guest_learn_nothing_of_secret_community_events(
    world: World, api_as: type[ApiClient], secret: Community, closed: Community
) -> None:
    hidden = make_event(world.teammate, community_handle="skunkworks", title="Secret plan")
    members_only = make_event(world.teammate, community_handle="leads", title="Leads dinner")
    public = make_event(world.owner, title="Open lunch")
    for person in (world.outsider, world.guest):
        api = api_as(person)
        listed = {e["id"] for e in api.get("/events").json()["items"]}
        assert hidden.pk not in listed
        assert members_only.pk not in listed
        for path in (
            f"/events/{hidden.pk}",
            f"/events/{hidden.pk}.ics",
            f"/events/{hidden.pk}/attendees",
        ):
            response = api.get(path)
            assert response.status_code == 404, path
            assert "Secret" not in response.content.decode()
        assert api.post(f"/events/{hidden.pk}/rsvp", {"status": "going"}).status_code == 404
        assert api.get("/events", community="skunkworks").status_code == 404
    assert {e["id"] for e in api_as(world.outsider).get("/events").json()["items"]} == {public.pk}
    assert api_as(world.guest).get("/events").json()["items"] == []
    member = api_as(world.teammate)
    assert {e["id"] for e in member.get("/events").json()["items"]} == {
        hidden.pk, members_only.pk, public.pk,
    }  # fmt: skip
    assert [e["id"] for e in member.get("/events", community="skunkworks").json()["items"]] == [
        hidden.pk
    ]
