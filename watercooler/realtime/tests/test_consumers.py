"""The websocket at /ws/: who may connect, what a socket joins, what it is told and what not.

Every test talks to ``watercooler.asgi.application`` (origin check, session and token auth, the
consumer) through Channels' ``WebsocketCommunicator``. Rows must be committed for the consumer's
own database connection to see them, hence ``transaction=True``.
"""

import datetime as dt
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from watercooler.core.events import author_group, post_group, send_now, topic_group, user_group
from watercooler.core.models import SiteSettings
from watercooler.feed import actions as feed_actions
from watercooler.feed.models import Audience, PersonFollow, Post, Topic, TopicFollow
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User
from watercooler.realtime.consumers import CLOSE_MFA_REQUIRED, CLOSE_UNAUTHENTICATED
from watercooler.realtime.tests.helpers import (
    WebsocketCommunicator,
    as_user,
    close_code,
    communicator,
    session_cookie,
    token_for,
)
from watercooler.testing.world import World

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def make_post(author: User, audience: str = Audience.EVERYONE, **fields: Any) -> Post:
    return Post.objects.create(
        author=author, audience=audience, body="Hello", body_html="<p>Hello</p>", **fields
    )


def post_created(post: Post) -> dict[str, Any]:
    """The event as the feed sends it (watercooler/feed/events.py: the API shape of the post)."""
    return {
        "type": "post.created",
        "post": {
            "id": post.pk,
            "author": {"username": post.author.username, "display_name": "X"},
            "audience": post.audience,
            "body": post.body,
        },
    }


async def send(groups: list[str], event: dict[str, Any]) -> None:
    # send_now is what actions use (after commit); it is sync, so run it off the event loop.
    await sync_to_async(send_now)(groups, event)


async def subscribe(comm: WebsocketCommunicator, ids: list[int]) -> dict[str, Any]:
    await comm.send_json_to({"type": "subscribe", "posts": ids})
    reply = await comm.receive_json_from(timeout=2)
    assert reply["type"] == "subscribed"
    return reply


# --- Who may connect ------------------------------------------------------------------------------


async def test_anonymous_is_closed_with_4401() -> None:
    comm = communicator()
    assert await close_code(comm) == CLOSE_UNAUTHENTICATED


async def test_foreign_origin_is_refused(world: World) -> None:
    cookie = await sync_to_async(session_cookie)(world.owner)
    comm = WebsocketCommunicator(
        communicator().application,
        "/ws/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    ok, _ = await comm.connect()
    assert not ok


async def test_session_cookie_is_accepted(world: World) -> None:
    comm = await as_user(world.owner)
    await comm.disconnect()


async def test_api_token_is_accepted(world: World) -> None:
    comm = await as_user(world.owner, token=True)
    await comm.disconnect()


@pytest.mark.parametrize("token", ["wc_not-a-real-token", "nonsense", "", "wc_" + "x" * 500])
async def test_bad_token_is_closed_with_4401(world: World, token: str) -> None:
    # Even with a valid session cookie: a token that is present decides alone.
    cookie = await sync_to_async(session_cookie)(world.owner)
    comm = communicator(token=token, cookie=cookie)
    assert await close_code(comm) == CLOSE_UNAUTHENTICATED


async def test_deactivated_person_is_closed_with_4401(world: World) -> None:
    token = await sync_to_async(token_for)(world.outsider)
    cookie = await sync_to_async(session_cookie)(world.outsider)
    await User.objects.filter(pk=world.outsider.pk).aupdate(is_active=False)
    assert await close_code(communicator(token=token)) == CLOSE_UNAUTHENTICATED
    assert await close_code(communicator(cookie=cookie)) == CLOSE_UNAUTHENTICATED


async def test_missing_required_second_factor_is_closed_with_4403(world: World) -> None:
    await sync_to_async(SiteSettings(require_mfa=True).save)()
    cookie = await sync_to_async(session_cookie)(world.owner)
    assert await close_code(communicator(cookie=cookie)) == CLOSE_MFA_REQUIRED
    token = await sync_to_async(token_for)(world.owner)
    assert await close_code(communicator(token=token)) == CLOSE_MFA_REQUIRED


# --- Post groups: subscribe only to what I may see --------------------------------------------


async def test_subscribed_visible_post_receives_reaction_changed(world: World) -> None:
    post = await sync_to_async(make_post)(world.teammate)
    comm = await as_user(world.outsider)
    reply = await subscribe(comm, [post.pk])
    assert reply == {"type": "subscribed", "posts": [post.pk], "denied": []}
    event = {
        "type": "reaction.changed",
        "post_id": post.pk,
        "reply_id": None,
        "reaction_count": 1,
        "reaction_summary": {"like": 1},
    }
    await send([post_group(post.pk)], event)
    assert await comm.receive_json_from(timeout=2) == event
    await comm.disconnect()


@pytest.mark.parametrize("case", ["followers_only", "deleted", "missing", "guest"])
async def test_subscribe_to_invisible_post_is_denied_and_gets_nothing(
    world: World, case: str
) -> None:
    reader = world.guest if case == "guest" else world.outsider
    post = await sync_to_async(make_post)(
        world.owner,
        audience=Audience.FOLLOWERS if case == "followers_only" else Audience.EVERYONE,
        deleted_at=timezone.now() if case == "deleted" else None,
    )
    post_id = post.pk + 1000 if case == "missing" else post.pk
    comm = await as_user(reader)
    reply = await subscribe(comm, [post_id])
    assert reply == {"type": "subscribed", "posts": [], "denied": [post_id]}
    await send([post_group(post_id)], {"type": "reply.created", "post_id": post_id})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_followers_only_post_visible_to_follower_and_author(world: World) -> None:
    post = await sync_to_async(make_post)(world.owner, audience=Audience.FOLLOWERS)
    await PersonFollow.objects.acreate(follower=world.teammate, followee=world.owner)
    for reader in (world.teammate, world.owner):
        comm = await as_user(reader)
        assert (await subscribe(comm, [post.pk]))["posts"] == [post.pk]
        await comm.disconnect()


async def test_unsubscribe_stops_events(world: World) -> None:
    post = await sync_to_async(make_post)(world.teammate)
    comm = await as_user(world.outsider)
    await subscribe(comm, [post.pk])
    await comm.send_json_to({"type": "unsubscribe", "posts": [post.pk]})
    assert await comm.receive_json_from(timeout=2) == {"type": "unsubscribed", "posts": [post.pk]}
    await send([post_group(post.pk)], {"type": "reply.created", "post_id": post.pk})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_post_deleted_is_forwarded_then_the_post_group_is_left(world: World) -> None:
    post = await sync_to_async(make_post)(world.teammate)
    comm = await as_user(world.outsider)
    await subscribe(comm, [post.pk])
    deleted = {"type": "post.deleted", "post_id": post.pk}
    await send([post_group(post.pk)], deleted)
    assert await comm.receive_json_from(timeout=2) == deleted
    await send([post_group(post.pk)], {"type": "reply.created", "post_id": post.pk})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


# --- New posts through author and topic groups ----------------------------------------------


async def test_post_created_via_author_group_reaches_a_follower_once(world: World) -> None:
    await PersonFollow.objects.acreate(follower=world.teammate, followee=world.owner)
    topic = await Topic.objects.acreate(name="release", label="release")
    await TopicFollow.objects.acreate(follower=world.teammate, topic=topic)
    post = await sync_to_async(make_post)(world.owner, audience=Audience.FOLLOWERS)
    comm = await as_user(world.teammate)
    event = await sync_to_async(post_created)(post)
    # The same post through both groups the follower is in: handed over once.
    await send([author_group(world.owner.pk), topic_group("release")], event)
    assert await comm.receive_json_from(timeout=2) == event
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_own_post_reaches_the_author(world: World) -> None:
    post = await sync_to_async(make_post)(world.owner)
    comm = await as_user(world.owner)
    event = await sync_to_async(post_created)(post)
    await send([author_group(world.owner.pk), user_group(world.owner.pk)], event)
    assert await comm.receive_json_from(timeout=2) == event
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_followers_only_post_via_topic_group_skips_a_non_follower(world: World) -> None:
    topic = await Topic.objects.acreate(name="release", label="release")
    await TopicFollow.objects.acreate(follower=world.outsider, topic=topic)
    secret = await sync_to_async(make_post)(world.owner, audience=Audience.FOLLOWERS)
    public = await sync_to_async(make_post)(world.owner)
    comm = await as_user(world.outsider)
    await send([topic_group("release")], await sync_to_async(post_created)(secret))
    assert await comm.receive_nothing(timeout=0.3)
    # ... while a post for everyone in the same topic does arrive.
    event = await sync_to_async(post_created)(public)
    await send([topic_group("release")], event)
    assert await comm.receive_json_from(timeout=2) == event
    await comm.disconnect()


async def test_post_created_without_audience_is_checked_in_the_database(world: World) -> None:
    topic = await Topic.objects.acreate(name="release", label="release")
    await TopicFollow.objects.acreate(follower=world.outsider, topic=topic)
    secret = await sync_to_async(make_post)(world.owner, audience=Audience.FOLLOWERS)
    comm = await as_user(world.outsider)
    await send([topic_group("release")], {"type": "post.created", "post": {"id": secret.pk}})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_guest_joins_no_author_or_topic_groups(world: World) -> None:
    await PersonFollow.objects.acreate(follower=world.guest, followee=world.owner)
    topic = await Topic.objects.acreate(name="release", label="release")
    await TopicFollow.objects.acreate(follower=world.guest, topic=topic)
    post = await sync_to_async(make_post)(world.owner)
    comm = await as_user(world.guest)
    await send(
        [author_group(world.owner.pk), topic_group("release")],
        await sync_to_async(post_created)(post),
    )
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_notification_created_reaches_only_the_recipient(world: World) -> None:
    owner = await as_user(world.owner)
    outsider = await as_user(world.outsider)
    event = {"type": "notification.created", "notification": {"id": 1}, "unread_count": 1}
    await send([user_group(world.owner.pk)], event)
    assert await owner.receive_json_from(timeout=2) == event
    assert await outsider.receive_nothing(timeout=0.3)
    await owner.disconnect()
    await outsider.disconnect()


# --- follows.changed ------------------------------------------------------------------------------


async def test_follows_changed_rejoins_groups(world: World) -> None:
    topic = await Topic.objects.acreate(name="release", label="release")
    comm = await as_user(world.outsider)
    post = await sync_to_async(make_post)(world.owner, audience=Audience.FOLLOWERS)
    event = await sync_to_async(post_created)(post)
    await send([author_group(world.owner.pk)], event)
    assert await comm.receive_nothing(timeout=0.3)

    # Follow through the feed's actions: each sends follows.changed to the follower on commit.
    changed = {"type": "follows.changed"}
    await sync_to_async(feed_actions.do_follow_person)(
        follower=world.outsider, followee=world.owner
    )
    assert await comm.receive_json_from(timeout=2) == changed
    await sync_to_async(feed_actions.do_follow_topic)(follower=world.outsider, topic=topic)
    assert await comm.receive_json_from(timeout=2) == changed
    await send([author_group(world.owner.pk)], event)
    assert await comm.receive_json_from(timeout=2) == event
    public = await sync_to_async(make_post)(world.teammate)
    public_event = await sync_to_async(post_created)(public)
    await send([topic_group("release")], public_event)
    assert await comm.receive_json_from(timeout=2) == public_event

    # The followers-only post is on the page; unfollowing drops it and its live updates.
    assert (await subscribe(comm, [post.pk]))["posts"] == [post.pk]
    await sync_to_async(feed_actions.do_unfollow_person)(
        follower=world.outsider, followee=world.owner
    )
    assert await comm.receive_json_from(timeout=2) == changed
    await sync_to_async(feed_actions.do_unfollow_topic)(follower=world.outsider, topic=topic)
    assert await comm.receive_json_from(timeout=2) == changed
    later = await sync_to_async(make_post)(world.owner)
    await send([author_group(world.owner.pk)], await sync_to_async(post_created)(later))
    await send([post_group(post.pk)], {"type": "reply.created", "post_id": post.pk})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


# --- Bad client messages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("not json", None),
        ("[1, 2]", None),
        ('"subscribe"', None),
        ('{"type": "dance"}', "type"),
        ("{}", "type"),
        ('{"type": "subscribe"}', "posts"),
        ('{"type": "subscribe", "posts": "1"}', "posts"),
        ('{"type": "subscribe", "posts": [true]}', "posts"),
        ('{"type": "subscribe", "posts": [-1]}', "posts"),
        ('{"type": "subscribe", "posts": [1.5]}', "posts"),
        ('{"type": "subscribe", "posts": [99999999999999999999999]}', "posts"),
        (json.dumps({"type": "subscribe", "posts": list(range(1, 202))}), "posts"),
        ('{"type": "catch_up"}', "since"),
        ('{"type": "catch_up", "since": "yesterday"}', "since"),
        ('{"type": "catch_up", "since": "2026-01-01T00:00:00"}', "since"),
        ('{"type": "catch_up", "since": 1700000000}', "since"),
        (json.dumps({"type": "ping", "pad": "x" * 17_000}), None),
    ],
)
async def test_bad_messages_get_an_error_and_the_socket_stays_open(
    world: World, raw: str, field: str | None
) -> None:
    comm = await as_user(world.owner)
    await comm.send_to(text_data=raw)
    reply = await comm.receive_json_from(timeout=2)
    assert reply["type"] == "error"
    assert reply["field"] == field
    assert reply["detail"]
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=2) == {"type": "pong"}
    await comm.disconnect()


async def test_binary_message_gets_an_error(world: World) -> None:
    comm = await as_user(world.owner)
    await comm.send_to(bytes_data=b"\x00\x01")
    assert (await comm.receive_json_from(timeout=2))["type"] == "error"
    await comm.disconnect()


async def test_flood_is_rate_limited(world: World) -> None:
    comm = await as_user(world.owner)
    for _ in range(40):
        await comm.send_json_to({"type": "ping"})
    replies = [await comm.receive_json_from(timeout=2) for _ in range(40)]
    assert {"type": "pong"} in replies
    assert any(r["type"] == "error" and "slow down" in r["detail"] for r in replies)
    await comm.disconnect()


# --- catch_up -----------------------------------------------------------------------------------


async def test_catch_up_counts_new_posts_notifications_and_post_states(world: World) -> None:
    since = timezone.now() - dt.timedelta(seconds=30)

    def arrange() -> dict[str, Any]:
        PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
        topic = Topic.objects.create(name="release", label="release")
        TopicFollow.objects.create(follower=world.teammate, topic=topic)
        old = make_post(world.owner, created_at=since - dt.timedelta(hours=1))
        shown = make_post(world.outsider, created_at=since - dt.timedelta(hours=2))
        gone = make_post(world.outsider, created_at=since - dt.timedelta(hours=2))
        counted = [
            make_post(world.owner, created_at=since + dt.timedelta(seconds=1)),
            make_post(
                world.owner, audience=Audience.FOLLOWERS, created_at=since + dt.timedelta(seconds=2)
            ),
        ]
        in_topic = make_post(world.outsider, created_at=since + dt.timedelta(seconds=3))
        in_topic.topics.add(topic)
        hidden_in_topic = make_post(world.outsider, audience=Audience.FOLLOWERS)
        hidden_in_topic.topics.add(topic)
        make_post(world.teammate)  # mine: not "new" for me
        make_post(world.outsider)  # not followed, no topic
        make_post(world.owner, deleted_at=timezone.now())
        del old
        for _ in range(3):
            Notification.objects.create(recipient=world.teammate, kind=NotificationKind.FOLLOW)
        Notification.objects.create(
            recipient=world.teammate, kind=NotificationKind.FOLLOW, read_at=timezone.now()
        )
        Notification.objects.create(recipient=world.owner, kind=NotificationKind.FOLLOW)
        return {"shown": shown, "gone": gone, "new": [in_topic.pk] + [p.pk for p in counted[::-1]]}

    posts = await sync_to_async(arrange)()
    comm = await as_user(world.teammate)
    await subscribe(comm, [posts["shown"].pk, posts["gone"].pk])
    await Post.objects.filter(pk=posts["shown"].pk).aupdate(reply_count=2, reaction_count=1)
    await Post.objects.filter(pk=posts["gone"].pk).aupdate(deleted_at=timezone.now())
    await comm.send_json_to({"type": "catch_up", "since": since.isoformat()})
    reply = await comm.receive_json_from(timeout=2)
    assert reply["type"] == "catch_up"
    assert reply["new_posts"] == 3  # two by the followed owner, one in the followed topic
    assert reply["new_post_ids"] == posts["new"]  # newest first
    assert reply["new_posts_capped"] is False
    assert reply["unread_notifications"] == 3
    states = {state["id"]: state for state in reply["posts"]}
    assert states[posts["gone"].pk] == {"id": posts["gone"].pk, "deleted": True}
    assert states[posts["shown"].pk]["reply_count"] == 2
    assert states[posts["shown"].pk]["reaction_count"] == 1
    assert states[posts["shown"].pk]["deleted"] is False
    # "Z" works too, and a time in the future counts as now.
    await comm.send_json_to({"type": "catch_up", "since": "2999-01-01T00:00:00Z"})
    assert (await comm.receive_json_from(timeout=2))["new_posts"] == 0
    await comm.disconnect()


async def test_catch_up_for_a_guest_counts_nothing_of_others(world: World) -> None:
    since = timezone.now() - dt.timedelta(minutes=1)
    await PersonFollow.objects.acreate(follower=world.guest, followee=world.owner)
    await sync_to_async(make_post)(world.owner)
    comm = await as_user(world.guest)
    await comm.send_json_to({"type": "catch_up", "since": since.isoformat()})
    assert (await comm.receive_json_from(timeout=2))["new_posts"] == 0
    await comm.disconnect()


# --- End to end through the feed's action ---------------------------------------------------


async def test_created_post_reaches_a_follower_once_after_commit(world: World) -> None:
    from django.db import transaction

    from watercooler.feed.actions import create_post

    await PersonFollow.objects.acreate(follower=world.teammate, followee=world.owner)
    topic = await Topic.objects.acreate(name="release", label="release")
    await TopicFollow.objects.acreate(follower=world.teammate, topic=topic)
    follower = await as_user(world.teammate)
    outsider = await as_user(world.outsider)

    def rolled_back() -> None:
        with transaction.atomic():
            create_post(world.owner, body="Never mind #release", audience=Audience.FOLLOWERS)
            transaction.set_rollback(True)

    await sync_to_async(rolled_back)()
    assert await follower.receive_nothing(timeout=0.3)

    # In the author's, the topic's and the author's own group: the follower hears it once.
    post = await sync_to_async(create_post)(world.owner, body="Shipping #release today")
    event = await follower.receive_json_from(timeout=2)
    assert event["type"] == "post.created"
    assert event["post"]["id"] == post.pk
    assert event["post"]["author"]["username"] == world.owner.username
    assert await follower.receive_nothing(timeout=0.3)
    assert await outsider.receive_nothing(timeout=0.1)

    # A followers-only post reaches the follower and not the outsider, even when they follow the
    # topic.
    await TopicFollow.objects.acreate(follower=world.outsider, topic=topic)
    await outsider.disconnect()
    outsider = await as_user(world.outsider)
    secret = await sync_to_async(create_post)(
        world.owner, body="Team only #release", audience=Audience.FOLLOWERS
    )
    assert (await follower.receive_json_from(timeout=2))["post"]["id"] == secret.pk
    assert await outsider.receive_nothing(timeout=0.3)
    await follower.disconnect()
    await outsider.disconnect()
