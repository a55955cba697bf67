"""Announcements over the JSON API and as pages."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from watercooler.announcements import actions as announcement_actions
from watercooler.announcements import queries as announcement_queries
from watercooler.announcements.models import Announcement
from watercooler.people.models import Role, User
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person


@pytest.fixture
def comms(world: World) -> User:
    return make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# --- API ----------------------------------------------------------------------------------------


def test_api_create_and_read(world: World, comms: User, api_as: type[ApiClient]) -> None:
    response = api_as(comms).post(
        "/announcements",
        {
            "title": "Security training",
            "body": "Please *complete* it.",
            "departments": ["Engineering"],
            "must_read": True,
            "remind_after_hours": 48,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["published"] is True
    assert body["audience_size"] == 2  # the owner and the teammate; not the author
    assert body["departments"] == ["Engineering"]
    assert "<em>complete</em>" in body["body_html"]
    assert body["my_receipt"] is None  # the author is not in their own audience
    assert body["remind_after_hours"] == 48

    owner = api_as(world.owner)
    assert [a["id"] for a in owner.get("/announcements").json()["items"]] == [body["id"]]
    assert owner.get(f"/announcements/{body['id']}").status_code == 200
    assert owner.post(f"/announcements/{body['id']}/dismiss").status_code == 409
    seen = owner.post(f"/announcements/{body['id']}/seen")
    assert seen.json()["seen_count"] == 1
    ack = owner.post(f"/announcements/{body['id']}/acknowledge")
    assert ack.status_code == 200
    assert ack.json()["acknowledged_count"] == 1
    assert ack.json()["my_receipt"]["acknowledged_at"]
    again = owner.post(f"/announcements/{body['id']}/acknowledge")
    assert again.status_code == 409
    assert "already" in again.json()["detail"]
    assert owner.post(f"/announcements/{body['id']}/dismiss").status_code == 200
    assert owner.get("/announcements").json()["items"] == []

    stats = api_as(comms).get(f"/announcements/{body['id']}/stats")
    assert stats.status_code == 200
    data = stats.json()
    assert (data["audience_size"], data["seen_count"], data["acknowledged_count"]) == (2, 1, 1)
    # The author is not listed as not having acknowledged their own announcement.
    assert [p["username"] for p in data["not_acknowledged"]["items"]] == ["theo_teammate"]
    assert data["not_acknowledged"]["next_cursor"] is None
    assert data["by_department"]


@pytest.mark.parametrize("who", ["owner", "outsider", "guest"])
def test_api_create_forbidden(world: World, api_as: type[ApiClient], who: str) -> None:
    response = api_as(getattr(world, who)).post("/announcements", {"title": "x", "body": "y"})
    assert response.status_code == 403
    assert response.json()["detail"]


def test_api_unauthenticated(world: World, api_as: type[ApiClient]) -> None:
    assert api_as(None).get("/announcements").status_code == 401


def test_api_bad_input(world: World, comms: User, api_as: type[ApiClient]) -> None:
    client = api_as(comms)
    assert fields(client.post("/announcements", {"body": "y"})) == {"title"}
    response = client.post("/announcements", {"title": " ", "body": "y"})
    assert (response.status_code, fields(response)) == (422, {"title"})
    response = client.post("/announcements", {"title": "t", "body": "b", "departments": ["Nope"]})
    assert (response.status_code, fields(response)) == (422, {"departments"})
    now = timezone.now()
    response = client.post(
        "/announcements",
        {
            "title": "t",
            "body": "b",
            "publish_at": (now + dt.timedelta(days=2)).isoformat(),
            "expires_at": (now + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert (response.status_code, fields(response)) == (422, {"expires_at"})
    response = client.post(
        "/announcements", {"title": "t", "body": "b", "must_read": True, "remind_after_hours": 0.1}
    )
    assert (response.status_code, fields(response)) == (422, {"remind_after_hours"})
    response = client.post("/announcements", {"title": "t", "body": "b", "colour": "red"})
    assert (response.status_code, fields(response)) == (422, {"colour"})
    assert not Announcement.objects.exists()


def test_api_access_rules(world: World, comms: User, api_as: type[ApiClient]) -> None:
    a = announcement_actions.do_create_announcement(
        actor=comms, title="Eng", body="b", departments=["Engineering"], must_read=True
    )
    outsider = api_as(world.outsider)
    for path in ("", "/acknowledge", "/seen", "/dismiss", "/stats"):
        method = outsider.get if path in ("", "/stats") else outsider.post
        assert method(f"/announcements/{a.pk}{path}").status_code == 404, path
    assert api_as(world.owner).get(f"/announcements/{a.pk}/stats").status_code == 403
    assert api_as(world.admin).get(f"/announcements/{a.pk}/stats").status_code == 200
    assert outsider.get("/announcements/999999").status_code == 404
    response = api_as(comms).get(f"/announcements/{a.pk}/stats", cursor="garbage")
    assert (response.status_code, fields(response)) == (422, {"cursor"})


def test_api_acknowledge_plain_announcement_is_409(
    world: World, comms: User, api_as: type[ApiClient]
) -> None:
    a = announcement_actions.do_create_announcement(actor=comms, title="Plain", body="b")
    response = api_as(world.owner).post(f"/announcements/{a.pk}/acknowledge")
    assert response.status_code == 409
    assert response.json()["errors"] == []


# --- Pages --------------------------------------------------------------------------------------


def test_new_page_for_comms_only(world: World, comms: User, client_as: ClientAs) -> None:
    assert client_as(world.owner).get("/announcements/new/").status_code == 403
    assert client_as(world.guest).get("/announcements/new/").status_code == 403
    page = client_as(comms).get("/announcements/new/")
    assert page.status_code == 200
    assert b"Engineering" in page.content
    assert b"UTC" in page.content  # the zone the times are read in
    london = client_as(world.admin).get("/announcements/new/")
    assert b"Europe/London" in london.content
    assert b"New announcement" in london.content  # the menu link
    assert b"New announcement" not in client_as(world.owner).get("/announcements/new/").content


def test_new_page_creates_in_the_authors_zone(world: World, client_as: ClientAs) -> None:
    response = client_as(world.admin).post(
        "/announcements/new/",
        {
            "title": "Summer party",
            "body": "In the garden.",
            "locations": ["London"],
            "must_read": "on",
            "remind_after_hours": "24",
            "publish_at": "2099-07-01T09:00",
        },
    )
    a = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/announcements/{a.pk}/stats/"
    # 09:00 in London in July is 08:00 UTC.
    assert a.publish_at == dt.datetime(2099, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert a.published_at is None
    assert a.remind_after == dt.timedelta(hours=24)


def test_new_page_shows_errors(world: World, comms: User, client_as: ClientAs) -> None:
    response = client_as(comms).post(
        "/announcements/new/", {"title": "", "body": "b", "expires_at": "soon"}
    )
    assert response.status_code == 400
    assert b"Give the announcement a title." in response.content
    assert b"Enter a date and time." in response.content
    assert not Announcement.objects.exists()


def test_detail_page_marks_seen_and_acknowledges(
    world: World, comms: User, client_as: ClientAs
) -> None:
    a = announcement_actions.do_create_announcement(
        actor=comms, title="Read me", body="Text", departments=["Engineering"], must_read=True
    )
    client = client_as(world.owner)
    page = client.get(f"/announcements/{a.pk}/")
    assert page.status_code == 200
    assert b"I have read this" in page.content
    a.refresh_from_db()
    assert a.seen_count == 1
    response = client.post(f"/announcements/{a.pk}/acknowledge/")
    assert response.status_code == 302
    assert b"You acknowledged this" in client.get(f"/announcements/{a.pk}/").content
    assert client_as(world.outsider).get(f"/announcements/{a.pk}/").status_code == 404
    assert client_as(world.outsider).post(f"/announcements/{a.pk}/acknowledge/").status_code == 404


def test_pinned_card_htmx(world: World, comms: User, client_as: ClientAs) -> None:
    a = announcement_actions.do_create_announcement(
        actor=comms, title="Card", body="Text", must_read=True
    )
    client = client_as(world.owner)
    headers = {"HX-Request": "true"}
    dismiss = client.post(f"/announcements/{a.pk}/dismiss/", headers=headers)
    assert dismiss.status_code == 409
    card = client.post(f"/announcements/{a.pk}/acknowledge/", headers=headers)
    assert card.status_code == 200
    # Acknowledged: the card folds to one line that says where to find it again.
    assert b"You acknowledged" in card.content
    assert b"ann-folded" in card.content
    assert b"Earlier announcements" in card.content
    assert b"I have read this" not in card.content
    gone = client.post(f"/announcements/{a.pk}/dismiss/", headers=headers)
    assert (gone.status_code, gone.content) == (200, b"")


def test_pinned_partial_renders(world: World, comms: User, rf: RequestFactory) -> None:
    from django.template.loader import render_to_string

    announcement_actions.do_create_announcement(
        actor=comms, title="Partial", body="Hello **all**", must_read=True
    )
    request = rf.get("/")
    request.user = world.owner
    html = render_to_string(
        "announcements/_pinned.html",
        {"announcements": announcement_queries.pinned_announcements(world.owner)},
        request=request,
    )
    assert "Partial" in html
    assert "Must read" in html
    assert "I have read this" in html


def test_stats_page(world: World, comms: User, client_as: ClientAs) -> None:
    a = announcement_actions.do_create_announcement(
        actor=comms, title="Stats", body="b", must_read=True
    )
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    page = client_as(comms).get(f"/announcements/{a.pk}/stats/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-stat="acknowledged">1<' in content
    assert "Theo Teammate" in content
    assert "Olivia Owner" not in content  # she has acknowledged
    assert "js/announcement_stats.js" in content
    assert client_as(world.admin).get(f"/announcements/{a.pk}/stats/").status_code == 200
    assert client_as(world.owner).get(f"/announcements/{a.pk}/stats/").status_code == 403
    guest_page = client_as(world.guest).get(f"/announcements/{a.pk}/stats/")
    assert guest_page.status_code == 404


def test_stats_page_query_count_is_constant(world: World, comms: User, client_as: ClientAs) -> None:
    client = client_as(comms)

    def count_for(size: int) -> int:
        for i in range(size):
            make_person(f"p{size}_{i}", department=world.sales)
        a = announcement_actions.do_create_announcement(
            actor=comms, title="Q", body="b", must_read=True
        )
        client.get(f"/announcements/{a.pk}/stats/")  # warm the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/announcements/{a.pk}/stats/").status_code == 200
        return len(ctx.captured_queries)

    assert count_for(10) == count_for(100)
