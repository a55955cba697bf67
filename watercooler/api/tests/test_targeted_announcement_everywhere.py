"""A targeted announcement is seen by its audience, its author, communications people and
administrators, and by nobody else, by any route.

An announcement to Engineering, written by a communications person whom the outsider (Sales)
follows, replied to and reacted to by an engineer. The outsider and the guest are outside its
audience: every page, endpoint and socket they can reach is read for it, and every write on it
(reply, reaction, quote) reads as a post that does not exist. Its audience, its author, another
communications person and the administrator (outside Engineering too) can open it. A community
announcement goes to the members it was published to, not to everyone who may read the
community. This module sits with the API wiring because it reads every app.
"""

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.announcements import actions as announcement_actions
from watercooler.announcements.models import Announcement
from watercooler.communities import actions as community_actions
from watercooler.feed import actions as feed_actions
from watercooler.feed.models import PersonFollow, Post, Reply
from watercooler.notifications.models import Notification
from watercooler.people.models import Role, User
from watercooler.realtime.tests.helpers import as_user
from watercooler.realtime.tests.test_consumers import subscribe
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person

SECRETS = ("Engineering reorg", "floor 7", "Which floor")


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def _reorg(world: World) -> dict[str, Any]:
    comms = make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)
    colleague = make_person("cole_comms", display_name="Cole Comms", role=Role.COMMS)
    # The usual ways a post reaches someone are open to the outsider: they follow its author.
    PersonFollow.objects.create(follower=world.outsider, followee=comms)
    PersonFollow.objects.create(follower=world.outsider, followee=world.teammate)
    announcement = announcement_actions.do_create_announcement(
        actor=comms,
        title="Engineering reorg",
        body="Engineering moves to floor 7 on Monday",
        departments=["Engineering"],
    )
    post = Post.objects.get(pk=announcement.post_id)
    reply = feed_actions.do_create_reply(
        author=world.teammate, post=post, body="Which floor for @oscar_outsider and @gwen_guest?"
    )
    feed_actions.do_react(user=world.teammate, post=post, kind="like")
    return {"comms": comms, "colleague": colleague, "post": post, "reply": reply}


@pytest.fixture
def reorg(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> dict[str, Any]:
    # Notifications are written once the writes commit.
    with django_capture_on_commit_callbacks(execute=True):
        return _reorg(world)


def _readers(world: World, reorg: dict[str, Any]) -> list[User]:
    """Who may see it: the audience (owner, teammate), the author, communications, the admin."""
    return [world.owner, world.teammate, reorg["comms"], reorg["colleague"], world.admin]


def test_its_audience_author_comms_and_admins_see_it(
    world: World, reorg: dict[str, Any], api_as: type[ApiClient], client_as: ClientAs
) -> None:
    post, reply = reorg["post"], reorg["reply"]
    for person in _readers(world, reorg):
        api = api_as(person)
        for path in (
            f"/posts/{post.pk}",
            f"/posts/{post.pk}/revisions",
            f"/posts/{post.pk}/replies",
            f"/posts/{post.pk}/reactions",
            f"/replies/{reply.pk}/reactions",
        ):
            assert api.get(path).status_code == 200, (person.username, path)
        assert "floor 7" in api.get(f"/posts/{post.pk}").json()["body"]
        client = client_as(person)
        for path in (f"/posts/{post.pk}/", f"/posts/{post.pk}/card/", f"/posts/{post.pk}/history/"):
            assert client.get(path).status_code == 200, (person.username, path)
        assert api.post(f"/posts/{post.pk}/reactions", {"kind": "celebrate"}).status_code == 201
    # The audience has it pinned (once: not again as a home feed card); the engineer's reply
    # notified its author.
    pinned = api_as(world.owner).get("/announcements").json()["items"]
    assert post.pk in [item["post_id"] for item in pinned]
    feed = api_as(world.owner).get("/feed").json()["items"]
    assert post.pk not in [item["id"] for item in feed]
    assert Notification.objects.filter(recipient=reorg["comms"], reply=reply).exists()


@pytest.mark.parametrize("who", ["outsider", "guest"])
def test_outside_its_audience_the_api_shows_nothing_of_it(
    world: World, reorg: dict[str, Any], api_as: type[ApiClient], who: str
) -> None:
    api = api_as(getattr(world, who))
    post, reply = reorg["post"], reorg["reply"]
    for path in (
        f"/posts/{post.pk}",
        f"/posts/{post.pk}/revisions",
        f"/posts/{post.pk}/replies",
        f"/posts/{post.pk}/reactions",
        f"/replies/{reply.pk}/reactions",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        _clean(response.content.decode())
    # Writing on it reads as a post that does not exist.
    for path, body in (
        (f"/posts/{post.pk}/replies", {"body": "me too"}),
        (f"/posts/{post.pk}/reactions", {"kind": "like"}),
        (f"/replies/{reply.pk}/reactions", {"kind": "like"}),
    ):
        assert api.post(path, body).status_code == 404, path
    assert api.delete(f"/posts/{post.pk}/reactions", {"kind": "like"}).status_code == 404
    # Quoting it (to re-publish it) is refused on the field, as for any post one cannot see.
    # (A guest may not post outside their communities at all.)
    response = api.post("/posts", {"body": "look at this", "quoted_post_id": post.pk})
    if who == "guest":
        assert response.status_code == 403
    else:
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "quoted_post_id"
    for path, params in (
        ("/feed", {}),
        ("/feed", {"order": "top"}),
        ("/notifications", {}),
    ):
        response = api.get(path, **params)
        assert response.status_code == 200, path
        _clean(response.content.decode())
    assert not Reply.objects.filter(post=post, author=getattr(world, who)).exists()


@pytest.mark.parametrize("who", ["outsider", "guest"])
def test_outside_its_audience_the_pages_show_nothing_of_it(
    world: World, reorg: dict[str, Any], client_as: ClientAs, who: str
) -> None:
    client = client_as(getattr(world, who))
    post, reply = reorg["post"], reorg["reply"]
    for path in (
        f"/posts/{post.pk}/",
        f"/posts/{post.pk}/card/",
        f"/posts/{post.pk}/history/",
        f"/posts/{post.pk}/replies/",
        f"/posts/{post.pk}/reactions/",
        f"/replies/{reply.pk}/reactions/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        _clean(response.content.decode())
    for path, data in (
        (f"/posts/{post.pk}/replies/", {"body": "me too"}),
        (f"/posts/{post.pk}/react/", {"kind": "like"}),
        (f"/replies/{reply.pk}/react/", {"kind": "like"}),
    ):
        assert client.post(path, data).status_code == 404, path
    for path in ("/", "/?order=top", "/notifications/", "/topics/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _clean(response.content.decode())
    # The author's profile (a guest may not open it at all).
    response = client.get(f"/people/{reorg['comms'].username}/")
    assert response.status_code in (200, 404)
    _clean(response.content.decode())


def test_mentions_and_counts_leave_outsiders_out(world: World, reorg: dict[str, Any]) -> None:
    # The reply @mentioned the outsider and the guest: neither may see the post, neither hears.
    for person in (world.outsider, world.guest):
        assert not Notification.objects.filter(recipient=person).exists()
    # What the notifications and the websocket ask: the same people as the pages.
    people = [*world.everyone, reorg["comms"], reorg["colleague"]]
    from watercooler.feed.queries import can_see_post, people_who_can_see

    expected = {p.pk for p in _readers(world, reorg)}
    assert people_who_can_see(reorg["post"], [p.pk for p in people]) == expected
    assert {p.pk for p in people if can_see_post(p, reorg["post"])} == expected


def test_a_community_announcement_is_for_the_members_it_went_to(
    world: World, api_as: type[ApiClient], client_as: ClientAs
) -> None:
    community = community_actions.create_community(
        world.owner, name="Platform", handle="platform", privacy="open"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.teammate)
    announcement = announcement_actions.do_create_announcement(
        actor=world.owner, title="Engineering reorg", body="To floor 7", community=community
    )
    # Joined after it was published: not in its audience.
    community_actions.do_add_member(actor=world.owner, community=community, user=world.outsider)
    for person, sees in ((world.teammate, True), (world.outsider, False)):
        api = api_as(person)
        expected = 200 if sees else 404
        assert api.get(f"/posts/{announcement.post_id}").status_code == expected
        ids = [item["id"] for item in api.get("/communities/platform/feed").json()["items"]]
        assert (announcement.post_id in ids) is sees, person.username
        pinned = [item["post_id"] for item in api.get("/announcements").json()["items"]]
        assert (announcement.post_id in pinned) is sees, person.username
        page = client_as(person).get("/c/platform/").content.decode()
        assert ("floor 7" in page) is sees
    # Everyone else who may read the open community: not them either, nor communications
    # people and administrators (a community's announcement is its members' business).
    reader = make_person("rita_reader", display_name="Rita Reader")
    comms = make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)
    for person in (reader, comms, world.admin):
        assert api_as(person).get(f"/posts/{announcement.post_id}").status_code == 404


def test_a_scheduled_announcement_stays_its_authors_until_published(
    world: World, api_as: type[ApiClient]
) -> None:
    import datetime as dt

    from django.utils import timezone

    announcement = announcement_actions.do_create_announcement(
        actor=world.admin,
        title="Engineering reorg",
        body="floor 7",
        departments=["Engineering"],
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    comms = make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)
    for person, status in ((world.admin, 200), (comms, 404), (world.teammate, 404)):
        assert api_as(person).get(f"/posts/{announcement.post_id}").status_code == status


# --- The websocket --------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_sockets_outside_its_audience_hear_nothing_of_it(world: World) -> None:
    reorg = await sync_to_async(_reorg)(world)
    post = reorg["post"]
    member = await as_user(world.teammate)
    admin = await as_user(world.admin)
    outsiders = [await as_user(world.outsider), await as_user(world.guest, token=True)]
    for comm in (member, admin):
        assert (await subscribe(comm, [post.pk]))["posts"] == [post.pk]
    for comm in outsiders:
        assert await subscribe(comm, [post.pk]) == {
            "type": "subscribed",
            "posts": [],
            "denied": [post.pk],
        }
    # A reaction and a reply on it reach the subscribed audience, and nobody outside it.
    await sync_to_async(feed_actions.do_react)(user=world.owner, post=post, kind="celebrate")
    assert (await member.receive_json_from(timeout=2))["type"] == "reaction.changed"
    assert (await admin.receive_json_from(timeout=2))["type"] == "reaction.changed"
    await sync_to_async(feed_actions.do_create_reply)(author=world.owner, post=post, body="Yes")
    for comm in outsiders:
        assert await comm.receive_nothing(timeout=0.3)
    # Catching up after a dropped connection does not count it as a new post of the followed
    # author, nor report its counters.
    for comm in outsiders:
        await comm.send_json_to(
            {"type": "catch_up", "since": "2000-01-01T00:00:00+00:00", "posts": [post.pk]}
        )
        caught = await comm.receive_json_from(timeout=2)
        assert caught["type"] == "catch_up"
        assert post.pk not in caught["new_post_ids"]
        _clean(str(caught))
    # A new announcement of the same author, published while they listen: nothing either.
    await sync_to_async(announcement_actions.do_create_announcement)(
        actor=reorg["comms"], title="Engineering reorg", body="floor 7", departments=["Engineering"]
    )
    for comm in outsiders:
        assert await comm.receive_nothing(timeout=0.3)
    assert await sync_to_async(Announcement.objects.count)() == 2
    # The audience may quote it; the new post reaches the quoter's followers without it.
    await sync_to_async(feed_actions.create_post)(
        world.teammate, body="Good news", quoted_post_id=post.pk
    )
    event = await outsiders[0].receive_json_from(timeout=2)
    assert event["type"] == "post.created"
    assert event["post"]["quoted_post"]["available"] is False
    _clean(json.dumps(event))
    for comm in (member, admin, *outsiders):
        await comm.disconnect()
