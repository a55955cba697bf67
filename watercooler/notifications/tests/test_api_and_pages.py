"""GET /api/v1/notifications, POST /api/v1/notifications/read, and the /notifications/ pages:
paging, marking read, other people's notifications untouched, anonymous callers, query counts."""

from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from watercooler.feed import actions as feed
from watercooler.notifications.actions import do_notify
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db

_made = iter(range(10**6))


def seed(world: World, count: int, recipient: Any = None) -> list[Notification]:
    """``count`` notifications for the owner (mentions, follows, reactions by different people)."""
    recipient = recipient or world.owner
    post = feed.create_post(recipient, body="Something to react to")
    rows: list[Notification] = []
    for i in range(count):
        actor = make_person(f"actor_{next(_made)}", display_name=f"Actor {i}")
        kind = [NotificationKind.MENTION, NotificationKind.FOLLOW, NotificationKind.REPLY][i % 3]
        rows += do_notify(
            kind=kind,
            recipient_ids=[recipient.pk],
            actor=actor,
            post=None if kind == NotificationKind.FOLLOW else post,
        )
    return rows


def test_anonymous_gets_401(db: None) -> None:
    assert Client().get("/api/v1/notifications").status_code == 401
    response = Client().post("/api/v1/notifications/read", {}, content_type="application/json")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_list_pages_newest_first(world: World, api_as: type[ApiClient]) -> None:
    rows = seed(world, 7)
    seed(world, 2, recipient=world.outsider)
    api = api_as(world.owner)
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/notifications", **params).json()
        assert set(body) == {"items", "next_cursor"}
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [n.pk for n in reversed(rows)]
    item = api.get("/notifications").json()["items"][0]
    assert item["text"] == "Actor 6 mentioned you in a post"
    assert item["actor"]["display_name"] == "Actor 6"
    assert item["read"] is False
    assert item["url"].startswith("/posts/")


def test_bad_cursor_is_422(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).get("/notifications", cursor="nonsense")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_mark_some_then_all_read(world: World, api_as: type[ApiClient]) -> None:
    mine = seed(world, 4)
    theirs = seed(world, 2, recipient=world.outsider)
    api = api_as(world.owner)
    response = api.post("/notifications/read", {"ids": [mine[0].pk, theirs[0].pk]})
    assert response.status_code == 200, response.content
    assert response.json() == {"unread_count": 3}
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    # Someone else's id is ignored, never touched.
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    assert api.post("/notifications/read", {"all": True}).json() == {"unread_count": 0}
    assert Notification.objects.filter(recipient=world.outsider, read_at__isnull=True).count() == 2


def test_mark_all_with_an_empty_body(world: World, api_as: type[ApiClient]) -> None:
    seed(world, 3)
    api = api_as(world.owner)
    # No body and no content type at all, as `curl -X POST` sends.
    response = api.client.generic("POST", "/api/v1/notifications/read", headers=api._headers())
    assert response.status_code == 200, response.content
    assert response.json() == {"unread_count": 0}
    seed(world, 1)
    assert api.post("/notifications/read", {}).json() == {"unread_count": 0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": [1], "all": True}, "all"),
        ({"all": False}, "ids"),
        ({"ids": ["x"]}, "ids.0"),
        ({"nope": 1}, "nope"),
    ],
)
def test_mark_read_bad_input_is_422(
    world: World, api_as: type[ApiClient], body: Any, field: str
) -> None:
    response = api_as(world.owner).post("/notifications/read", body)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize("count", [5, 40])
def test_api_list_query_count_is_constant(
    world: World,
    api_as: type[ApiClient],
    count: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    seed(world, count)
    api = api_as(world.owner)
    api.get("/notifications")  # warm the site-settings cache and remember the token's owner
    # One page with actors, posts and replies joined in (the token's owner is remembered).
    with django_assert_num_queries(1):
        response = api.get("/notifications")
    assert len(response.json()["items"]) == min(count, 20)


# --- Pages --------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_lists_only_my_notifications(world: World, client_as: ClientAs) -> None:
    seed(world, 3)
    response = client_as(world.outsider).get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "all caught up" in html
    assert "Actor 0" not in html
    mine = client_as(world.owner).get("/notifications/").content.decode()
    assert "Actor 2 replied to your post" in mine
    assert "notif-unread" in mine
    assert "data-notification-badge" in mine
    assert "3 unread notifications" in mine.replace(
        '<span data-notification-count>3</span><span class="visually-hidden"> ', "3 "
    )


def test_opening_marks_read_and_redirects(world: World, client_as: ClientAs) -> None:
    [n] = seed(world, 1)
    response = client_as(world.outsider).get(f"/notifications/{n.pk}/open/")
    assert response.status_code == 404
    response = client_as(world.owner).get(f"/notifications/{n.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{n.post_id}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read_without_and_with_htmx(world: World, client_as: ClientAs) -> None:
    seed(world, 2)
    client = client_as(world.owner)
    response = client.post("/notifications/read/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=world.owner, read_at__isnull=True).exists()
    seed(world, 1, recipient=world.owner)
    response = client.post("/notifications/read/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="notifications"' in html
    assert 'hx-swap-oob="true"' in html
    assert "notif-unread" not in html
    assert client.get("/notifications/read/").status_code == 405


def test_load_more_fragment(world: World, client_as: ClientAs) -> None:
    rows = seed(world, 25)
    client = client_as(world.owner)
    html = client.get("/notifications/").content.decode()
    assert "Load more" in html
    assert "Actor 24" in html
    assert "Actor 4 " not in html
    import re

    cursor = re.search(r'hx-get="/notifications/\?cursor=([^"]+)"', html)
    assert cursor
    fragment = client.get(
        f"/notifications/?cursor={cursor.group(1)}", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment
    assert "Actor 4 " in fragment
    assert "Actor 0 " in fragment
    assert len(rows) == 25


@pytest.mark.parametrize("count", [5, 40])
def test_page_query_count_is_constant(
    world: World, client_as: ClientAs, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    seed(world, count)
    client = client_as(world.owner)
    client.get("/notifications/")  # warm the site-settings cache
    # Session, user, site settings (cached) ..., one page, one unread COUNT for the badge, one
    # unread SUM for the Messages badge.
    with django_assert_num_queries(5):
        response = client.get("/notifications/")
    assert response.status_code == 200


def test_badge_on_other_pages(world: World, client_as: ClientAs) -> None:
    seed(world, 2)
    html = client_as(world.owner).get("/people/").content.decode()
    assert "data-notification-badge" in html
    assert 'href="/notifications/"' in html
    html = client_as(world.outsider).get("/people/").content.decode()
    assert "data-notification-badge hidden" in html
