"""The embedded channel layer: what Channels' in-memory layer does, without its quadratic walk."""

import asyncio
from unittest import mock

import pytest
from channels.layers import InMemoryChannelLayer

from watercooler.realtime import layers
from watercooler.realtime.layers import LocalChannelLayer


@pytest.mark.asyncio
async def test_a_group_message_reaches_every_channel_once() -> None:
    layer = LocalChannelLayer()
    channels = [await layer.new_channel() for _ in range(50)]
    for channel in channels:
        await layer.group_add("author.1", channel)
    await layer.group_add("author.2", channels[0])
    await layer.group_send("author.1", {"type": "deliver", "event": {"n": 1}})
    received = [await layer.receive(channel) for channel in channels]
    assert received == [{"type": "deliver", "event": {"n": 1}}] * 50
    # Nothing else is waiting: the other group got nothing.
    assert all(layer.channels.get(channel) is None for channel in channels)


@pytest.mark.asyncio
async def test_the_sender_cannot_change_what_was_sent() -> None:
    layer = LocalChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("topic.x", channel)
    tags = ["a"]
    await layer.group_send("topic.x", {"type": "deliver", "event": {"tags": tags}})
    tags.append("b")
    assert (await layer.receive(channel))["event"] == {"tags": ["a"]}


@pytest.mark.asyncio
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


@pytest.mark.asyncio
async def test_expired_messages_are_cleaned_at_most_once_per_interval() -> None:
    layer = LocalChannelLayer(expiry=0)
    channel = await layer.new_channel()
    await layer.group_add("user.1", channel)
    with mock.patch.object(
        InMemoryChannelLayer, "_clean_expired", autospec=True, side_effect=lambda self: None
    ) as walk:
        for _ in range(100):
            await layer.group_send("user.1", {"type": "deliver", "event": {}})
            await asyncio.wait_for(layer.receive(channel), 1)
        assert walk.call_count == 1  # the first call; the next is due CLEAN_SECONDS later
    # Once the interval has passed, an expired message and the dead channel's groups go.
    layer._cleaned_at -= layers.CLEAN_SECONDS
    await layer.send(channel, {"type": "deliver", "event": {}})
    await asyncio.sleep(0.01)
    layer._clean_expired()
    assert channel not in layer.groups.get("user.1", {})
