"""The embedded channel layer: Channels' layer API, without a walk over every socket per message
and with a few bytes per group membership."""

import asyncio
import time
from typing import Any

import pytest
from channels.exceptions import ChannelFull

from watercooler.realtime import layers
from watercooler.realtime.layers import LocalChannelLayer

pytestmark = pytest.mark.asyncio


def collector(into: list[dict[str, Any]]) -> layers.Sink:
    def take(message: dict[str, Any]) -> bool:
        into.append(message)
        return True

    return take


async def test_a_group_message_reaches_every_channel_once() -> None:
    layer = LocalChannelLayer()
    channels = [await layer.new_channel() for _ in range(50)]
    for channel in channels:
        await layer.group_add("author.1", channel)
        await layer.group_add("author.1", channel)  # joining twice is joining once
    await layer.group_add("author.2", channels[0])
    await layer.group_send("author.1", {"type": "deliver", "event": {"n": 1}})
    received = [await layer.receive(channel) for channel in channels]
    assert received == [{"type": "deliver", "event": {"n": 1}}] * 50
    # Nothing else is waiting, and a channel nobody reads or waits for takes no room.
    assert layer.channels == {}


async def test_the_sender_cannot_change_what_was_sent() -> None:
    layer = LocalChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("topic.x", channel)
    tags = ["a"]
    await layer.group_send("topic.x", {"type": "deliver", "event": {"tags": tags}})
    tags.append("b")
    assert (await layer.receive(channel))["event"] == {"tags": ["a"]}


async def test_a_full_channel_misses_the_message_and_the_others_get_it() -> None:
    layer = LocalChannelLayer(capacity=1)
    stuck, reading = await layer.new_channel(), await layer.new_channel()
    for channel in (stuck, reading):
        await layer.group_add("user.1", channel)
    await layer.group_send("user.1", {"type": "deliver", "event": {"n": 1}})
    await layer.receive(reading)
    await layer.group_send("user.1", {"type": "deliver", "event": {"n": 2}})
    assert (await layer.receive(reading))["event"] == {"n": 2}
    assert (await layer.receive(stuck))["event"] == {"n": 1}
    # A direct send to a full channel says so, as Channels' layers do.
    await layer.send(stuck, {"type": "deliver", "n": 3})
    with pytest.raises(ChannelFull):
        await layer.send(stuck, {"type": "deliver", "n": 4})


async def test_receive_waits_for_a_message() -> None:
    layer = LocalChannelLayer()
    channel = await layer.new_channel()
    waiting = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    assert not waiting.done()
    await layer.send(channel, {"type": "hello"})
    assert await asyncio.wait_for(waiting, 1) == {"type": "hello"}
    # A reader that gives up leaves nothing behind.
    waiting = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert layer.channels == {}


async def test_a_channel_in_several_groups_gets_a_message_to_them_once() -> None:
    layer = LocalChannelLayer()
    both, author_only, topic_only, neither = [await layer.new_channel() for _ in range(4)]
    for channel in (both, author_only):
        await layer.group_add("author.1", channel)
    for channel in (both, topic_only):
        await layer.group_add("topic.x", channel)
    await layer.group_add("author.2", neither)
    got: dict[str, list[Any]] = {c: [] for c in (both, author_only, topic_only, neither)}
    for channel, messages in got.items():
        layer.attach(channel, collector(messages))
    await layer.group_send_many(["author.1", "topic.x", "user.9"], {"type": "deliver", "n": 1})
    assert {c: len(m) for c, m in got.items()} == {
        both: 1,
        author_only: 1,
        topic_only: 1,
        neither: 0,
    }
    # One copy, shared by every receiver (they only read it).
    assert got[both][0] is got[author_only][0] is got[topic_only][0]


async def test_an_attached_channel_is_handed_its_messages_as_they_are_sent() -> None:
    layer = LocalChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("user.1", channel)
    await layer.send(channel, {"type": "early"})  # before anyone took the channel
    taken: list[dict[str, Any]] = []
    layer.attach(channel, collector(taken))
    assert taken == [{"type": "early"}]
    await layer.group_send("user.1", {"type": "deliver", "n": 1})
    assert taken[1] == {"type": "deliver", "n": 1}
    # A receiver that is full refuses; the layer drops the message for it alone.
    layer.attach(channel, lambda message: False)
    await layer.group_send("user.1", {"type": "deliver", "n": 2})
    with pytest.raises(ChannelFull):
        await layer.send(channel, {"type": "direct"})
    layer.detach(channel)
    await layer.group_discard("user.1", channel)
    assert layer.channels == {}
    assert layer.groups == {}


async def test_leaving_groups_forgets_empty_groups() -> None:
    layer = LocalChannelLayer()
    a, b = await layer.new_channel(), await layer.new_channel()
    for channel in (a, b):
        await layer.group_add("community.3", channel)
    await layer.group_discard("community.3", a)
    await layer.group_discard("community.3", a)  # not a member any more: nothing happens
    await layer.group_discard("community.4", a)  # no such group: nothing happens
    assert layer.groups == {"community.3": [b]}
    await layer.group_discard("community.3", b)
    assert layer.groups == {}


async def test_expired_messages_are_cleaned_at_most_once_per_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = LocalChannelLayer(expiry=0)
    reader, dead = await layer.new_channel(), await layer.new_channel()
    for channel in (reader, dead):
        await layer.group_add("user.1", channel)
    walks = 0
    clean = LocalChannelLayer._clean_expired

    def counted(self: LocalChannelLayer) -> None:
        nonlocal walks
        if layer._cleaned_at <= time.monotonic() - layers.CLEAN_SECONDS:
            walks += 1
        clean(self)

    monkeypatch.setattr(LocalChannelLayer, "_clean_expired", counted)
    for _ in range(100):
        await layer.group_send("user.1", {"type": "deliver", "event": {}})
        await asyncio.wait_for(layer.receive(reader), 1)
    assert walks == 0  # the first walk is due CLEAN_SECONDS after the layer started
    assert dead in layer.groups["user.1"]
    # Once the interval has passed, the unread expired messages go, and so does the channel
    # nobody reads, from every group; the reader stays.
    layer._cleaned_at -= layers.CLEAN_SECONDS
    await asyncio.sleep(0.01)
    await layer.group_send("user.1", {"type": "deliver", "event": {}})
    assert walks == 1
    assert layer.groups == {"user.1": [reader]}
    assert dead not in layer.channels


async def test_many_groups_are_joined_and_left_at_once() -> None:
    layer = LocalChannelLayer()
    a, b = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("author.1", a)
    await layer.group_add_new(["author.1", "author.2", "topic.x"], b)
    assert layer.groups == {"author.1": [a, b], "author.2": [b], "topic.x": [b]}
    with pytest.raises(TypeError):
        await layer.group_add_new(["not a group name!"], b)
    await layer.group_discard_many(["author.1", "author.2", "topic.x", "author.9"], b)
    assert layer.groups == {"author.1": [a]}
