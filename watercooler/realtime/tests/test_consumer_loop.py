"""The consumer's own loop: one task handles the client's and the layer's messages in order,
on the embedded layer (messages handed over directly) and on any other Channels layer (read
with ``receive``, as on Redis), without a trip to the database thread per message."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.conf import settings as django_settings
from pytest_django import Settings

from watercooler.core.events import author_group, encode, send_now, topic_group, user_group
from watercooler.feed.models import PersonFollow, Topic, TopicFollow
from watercooler.realtime import consumers
from watercooler.realtime.consumers import CLOSE_UNAUTHENTICATED, _Inbox
from watercooler.realtime.tests.helpers import WebsocketCommunicator, communicator, token_for
from watercooler.testing.world import World

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["embedded", "channels"])
def layer_kind(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """The app's layer, and Channels' own in-memory one, which has no ``attach`` (a stand-in
    for Redis; on Redis the whole suite runs on the Redis layer anyway)."""
    if request.param == "channels":
        if django_settings.REDIS_URL:
            pytest.skip("the Redis layer is the one without attach here")
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends = {}
    yield request.param
    channel_layers.backends = {}


async def opened(user: Any) -> WebsocketCommunicator:
    comm = communicator(token=await sync_to_async(token_for)(user))
    ok, _ = await comm.connect()
    assert ok
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=2) == {"type": "pong"}
    return comm


def post_created(post_id: int, author: str, audience: str = "everyone") -> dict[str, Any]:
    return {
        "type": "post.created",
        "post": {
            "id": post_id,
            "author": {"username": author},
            "audience": audience,
            "community": None,
        },
    }


async def test_events_reach_the_socket_once_and_leaving_forgets_every_group(
    world: World, layer_kind: str
) -> None:
    await PersonFollow.objects.acreate(follower=world.teammate, followee=world.owner)
    topic = await Topic.objects.acreate(name="release", label="release")
    await TopicFollow.objects.acreate(follower=world.teammate, topic=topic)
    comm = await opened(world.teammate)
    event = post_created(1, world.owner.username, "followers")
    groups = [author_group(world.owner.pk), topic_group("release"), user_group(world.owner.pk)]
    await sync_to_async(send_now)(groups, event)
    assert await comm.receive_json_from(timeout=2) == event
    assert await comm.receive_nothing(timeout=0.3)
    # The client's messages and the layer's are handled in turn by the one task.
    await comm.send_json_to({"type": "ping"})
    await sync_to_async(send_now)(groups, post_created(2, world.owner.username))
    assert await comm.receive_json_from(timeout=2) == {"type": "pong"}
    assert (await comm.receive_json_from(timeout=2))["post"]["id"] == 2
    await comm.disconnect()
    layer = get_channel_layer()
    assert layer is not None
    assert not any(layer.groups.values())


async def test_refused_socket_is_closed_on_either_layer(layer_kind: str) -> None:
    comm = communicator()
    ok, _ = await comm.connect()
    assert ok
    out = await comm.receive_output(timeout=2)
    assert out == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_no_trip_to_the_database_thread_per_message(world: World) -> None:
    comm = await opened(world.owner)
    hops = mock.Mock(wraps=database_sync_to_async)
    with (
        mock.patch.object(consumers, "database_sync_to_async", hops),
        mock.patch("channels.consumer.aclose_old_connections") as channels_hop,
    ):
        for n in range(20):
            await sync_to_async(send_now)(
                [user_group(world.owner.pk)], {"type": "notification.created", "n": n}
            )
            await comm.send_json_to({"type": "ping"})
        for _ in range(40):
            await comm.receive_json_from(timeout=2)
    assert hops.call_count == 0
    assert channels_hop.call_count == 0
    await comm.disconnect()


async def test_the_event_text_is_made_once_by_the_sender_and_forwarded(world: World) -> None:
    comm = await opened(world.owner)
    # Events travel through the channel layer as they are (Redis: msgpack), so they hold JSON
    # types; ``encode`` still writes datetimes as the API does, for senders in one process.
    at = dt.datetime(2026, 1, 31, 9, 0, tzinfo=dt.UTC)
    assert encode({"at": at}) == '{"at":"2026-01-31T09:00:00Z"}'
    event = {"type": "notification.created", "at": "2026-01-31T09:00:00Z"}
    with mock.patch.object(consumers.LiveConsumer, "encode_json") as encode_json:
        await sync_to_async(send_now)([user_group(world.owner.pk)], event)
        out = await comm.receive_output(timeout=2)
    assert out == {"type": "websocket.send", "text": encode(event)}
    encode_json.assert_not_called()
    # A message without text (another sender) is encoded by the socket.
    layer = get_channel_layer()
    assert layer is not None
    await layer.group_send(
        user_group(world.owner.pk),
        {"type": "deliver", "event": {"type": "x", "at": "2026-01-31T09:00:00Z"}},
    )
    assert await comm.receive_json_from(timeout=2) == {"type": "x", "at": "2026-01-31T09:00:00Z"}
    await comm.disconnect()


async def test_a_socket_that_stopped_reading_drops_layer_messages_not_its_own() -> None:
    inbox = _Inbox(capacity=2)
    assert inbox.offer({"n": 1})
    assert inbox.offer({"n": 2})
    assert not inbox.offer({"n": 3})
    inbox.put({"type": "websocket.disconnect"})  # the client's messages always get in
    assert [m.get("n") for m in inbox.items] == [1, 2, None]


async def test_sockets_share_one_copy_of_each_group_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def fresh(name: str) -> str:
        return "".join(list(name))  # equal, but a new string object

    first = consumers._shared([fresh("author.12"), fresh("topic.x")])
    second = consumers._shared([fresh("topic.x"), fresh("author.12"), fresh("author.12")])
    assert first == second == ("author.12", "topic.x")
    assert all(a is b for a, b in zip(first, second, strict=True))
    # Past the cap the table starts again; what sockets hold stays valid.
    monkeypatch.setattr(consumers, "MAX_SHARED_NAMES", 0)
    third = consumers._shared([fresh("topic.x")])
    assert third == ("topic.x",)
    assert third[0] is not first[1]
