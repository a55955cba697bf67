"""Messaging over real websockets: messages reach the people in a conversation and nobody else,
typing is passed on (rate-limited, 404-alike for outsiders), a dropped socket catches up, and
presence follows sockets — including a socket that drops and a process that crashes, after which
no status may stick."""

import asyncio
import datetime as dt
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from watercooler.messaging import actions, queries
from watercooler.messaging.models import Heartbeat, PresenceStatus
from watercooler.messaging.policy import AWAY_AFTER_SECONDS, PRESENCE_EXPIRES_SECONDS
from watercooler.people.models import User
from watercooler.realtime.presence import presence
from watercooler.realtime.tests.helpers import WebsocketCommunicator, as_user
from watercooler.testing.world import World

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _conversation(starter: User, *others: User, title: str | None = None) -> int:
    conversation, _ = actions.do_start_conversation(
        actor=starter, usernames=[p.username for p in others], title=title
    )
    return conversation.pk


def _send(author: User, conversation_id: int, body: str) -> int:
    seat = queries.access_seat(author, conversation_id)
    return actions.do_send_message(actor=author, seat=seat, body=body).pk


async def _next(comm: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    """The next event of ``kind`` (others, such as presence, may come first)."""
    for _ in range(10):
        event = await comm.receive_json_from(timeout=2)
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind}")


async def _status(person: User) -> str:
    found = await sync_to_async(queries.presence_of)([person.pk])
    return found[person.pk]


async def test_a_message_reaches_the_people_in_the_conversation_only(world: World) -> None:
    pk = await sync_to_async(_conversation)(world.owner, world.teammate)
    teammate, outsider, admin = (
        await as_user(world.teammate),
        await as_user(world.outsider),
        await as_user(world.admin),
    )
    message_id = await sync_to_async(_send)(world.owner, pk, "Lunch at noon?")
    event = await _next(teammate, "message.created")
    assert event["conversation_id"] == pk
    assert event["message"]["id"] == message_id
    assert event["message"]["body"] == "Lunch at noon?"
    # Not an outsider, not an administrator: only the people in it.
    assert await outsider.receive_nothing(timeout=0.3)
    assert await admin.receive_nothing(timeout=0.3)
    for comm in (teammate, outsider, admin):
        await comm.disconnect()


async def test_someone_removed_hears_nothing_more(world: World) -> None:
    pk = await sync_to_async(_conversation)(
        world.owner, world.teammate, world.outsider, title="Launch"
    )
    outsider = await as_user(world.outsider)
    seat = await sync_to_async(queries.access_seat)(world.owner, pk)
    await sync_to_async(actions.do_remove_person)(
        actor=world.owner, seat=seat, username=world.outsider.username
    )
    await sync_to_async(_send)(world.owner, pk, "Now without Oscar")
    assert await outsider.receive_nothing(timeout=0.3)
    await outsider.disconnect()


async def test_typing_reaches_the_others_at_most_every_few_seconds(world: World) -> None:
    pk = await sync_to_async(_conversation)(world.owner, world.teammate)
    owner, teammate = await as_user(world.owner), await as_user(world.teammate)
    await _next(owner, "presence.changed")  # the teammate came online
    await owner.send_json_to({"type": "typing", "conversation": pk})
    event = await _next(teammate, "conversation.typing")
    assert event == {
        "type": "conversation.typing",
        "conversation_id": pk,
        "person": {"username": "olivia_owner", "display_name": world.owner.display_name},
    }
    for _ in range(5):
        await owner.send_json_to({"type": "typing", "conversation": pk})
    assert await teammate.receive_nothing(timeout=0.3)
    # Once the interval has passed, the next one goes through (an interval of 0.2 s here).
    with mock.patch("watercooler.realtime.consumers.TYPING_EVERY_SECONDS", 0.2):
        await asyncio.sleep(0.25)
        await owner.send_json_to({"type": "typing", "conversation": pk})
        assert (await _next(teammate, "conversation.typing"))["conversation_id"] == pk
    # The typist's own socket is told nothing.
    assert await owner.receive_nothing(timeout=0.2)
    await owner.disconnect()
    await teammate.disconnect()


@pytest.mark.parametrize("who", ["outsider", "admin", "guest"])
async def test_typing_in_someone_elses_conversation_is_refused_like_a_404(
    world: World, who: str
) -> None:
    pk = await sync_to_async(_conversation)(world.owner, world.teammate)
    teammate = await as_user(world.teammate)
    stranger = await as_user(getattr(world, who))
    for conversation, detail in (
        (pk, "No such conversation."),
        (10**12, "No such conversation."),
        ("1", "conversation must be a conversation id."),
        (True, "conversation must be a conversation id."),
        (None, "conversation must be a conversation id."),
    ):
        await stranger.send_json_to({"type": "typing", "conversation": conversation})
        answer = await stranger.receive_json_from(timeout=2)
        assert answer == {"type": "error", "detail": detail, "field": "conversation"}
    assert await teammate.receive_nothing(timeout=0.3)
    # The socket stays usable.
    await stranger.send_json_to({"type": "ping"})
    assert await stranger.receive_json_from() == {"type": "pong"}
    await stranger.disconnect()
    await teammate.disconnect()


async def test_a_dropped_socket_catches_up_with_its_conversations(world: World) -> None:
    pk = await sync_to_async(_conversation)(world.owner, world.teammate)
    since = timezone.now() - dt.timedelta(seconds=1)
    last = 0
    for body in ("Are you there?", "Call me when you can"):
        last = await sync_to_async(_send)(world.owner, pk, body)
    teammate = await as_user(world.teammate)
    await teammate.send_json_to({"type": "catch_up", "since": since.isoformat()})
    answer = await _next(teammate, "catch_up")
    assert answer["conversations"] == [{"id": pk, "unread_count": 2, "last_message_id": last}]
    assert answer["unread_messages"] == 2
    await teammate.disconnect()


# --- Presence -----------------------------------------------------------------------------------


async def test_presence_follows_a_socket_that_opens_and_drops(world: World) -> None:
    await sync_to_async(_conversation)(world.owner, world.teammate)
    teammate = await as_user(world.teammate)
    owner = await as_user(world.owner)
    assert await _next(teammate, "presence.changed") == {
        "type": "presence.changed",
        "person": "olivia_owner",
        "status": "online",
    }
    assert await _status(world.owner) == PresenceStatus.ONLINE
    # A second tab closing changes nothing; the last one closing is offline at once.
    second = await as_user(world.owner)
    await second.disconnect()
    assert await _status(world.owner) == PresenceStatus.ONLINE
    await owner.disconnect()
    assert (await _next(teammate, "presence.changed"))["status"] == "offline"
    assert await _status(world.owner) == PresenceStatus.OFFLINE
    assert not await Heartbeat.objects.filter(person=world.owner).aexists()
    # Someone who shares no conversation with the owner was never told.
    await teammate.disconnect()


async def test_a_crashed_process_leaves_no_one_online(world: World) -> None:
    def arrange() -> None:
        _conversation(world.owner, world.teammate)
        started = timezone.now() - dt.timedelta(seconds=PRESENCE_EXPIRES_SECONDS - 5)
        # Two processes had the owner; one of them crashed (it beats no more).
        actions.do_beat(process="web-1", active={world.owner.pk: started}, now=started)

    await sync_to_async(arrange)()
    assert await _status(world.owner) == PresenceStatus.ONLINE
    teammate = await as_user(world.teammate)
    later = timezone.now() + dt.timedelta(seconds=6)
    assert await _status(world.owner) == PresenceStatus.ONLINE  # still within the expiry
    found = await sync_to_async(queries.presence_of)([world.owner.pk], later)
    assert found[world.owner.pk] == PresenceStatus.OFFLINE
    # The next sweep (any process's) tells the others and forgets the stale heartbeat.
    changed = await sync_to_async(actions.do_announce_presence)(now=later)
    assert changed == {world.owner.pk: "offline"}
    assert (await _next(teammate, "presence.changed"))["status"] == "offline"
    assert not await Heartbeat.objects.filter(process="web-1").aexists()
    # A second sweep sends nothing again.
    assert await sync_to_async(actions.do_announce_presence)(now=later) == {}
    await teammate.disconnect()


async def test_the_keeper_beats_and_sweeps_on_its_own(world: World) -> None:
    """The process's own timer: beats for open sockets, and a sweep that finds another
    process's expired heartbeats."""
    stale = timezone.now() - dt.timedelta(seconds=PRESENCE_EXPIRES_SECONDS + 5)

    def arrange() -> None:
        _conversation(world.owner, world.teammate)
        actions.do_beat(process="crashed", active={world.owner.pk: stale}, now=stale)

    await sync_to_async(arrange)()
    owner = await as_user(world.teammate)
    before = await Heartbeat.objects.aget(person=world.teammate)
    presence.beat()
    await presence.settle()
    after = await Heartbeat.objects.aget(person=world.teammate)
    assert after.seen_at > before.seen_at
    assert not await Heartbeat.objects.filter(process="crashed").aexists()
    await owner.disconnect()


async def test_idle_is_away_and_activity_is_online_again(world: World) -> None:
    await sync_to_async(_conversation)(world.owner, world.teammate)
    teammate = await as_user(world.teammate)
    owner = await as_user(world.owner)
    await _next(teammate, "presence.changed")
    idle = timezone.now() - dt.timedelta(seconds=AWAY_AFTER_SECONDS + 1)
    await Heartbeat.objects.filter(person=world.owner).aupdate(active_at=idle)
    await sync_to_async(actions.do_announce_presence)()
    assert (await _next(teammate, "presence.changed"))["status"] == "away"
    # The keeper remembers the owner as active long ago: activity is written at once.
    presence._active[world.owner.pk] = idle
    await owner.send_json_to({"type": "active"})
    await owner.send_json_to({"type": "ping"})
    assert (await _next(owner, "pong")) == {"type": "pong"}
    await presence.settle()
    assert (await _next(teammate, "presence.changed"))["status"] == "online"
    await owner.disconnect()
    await teammate.disconnect()


async def test_hidden_presence_is_offline_to_everyone(world: World) -> None:
    await sync_to_async(_conversation)(world.owner, world.teammate)
    teammate = await as_user(world.teammate)
    owner = await as_user(world.owner)
    await _next(teammate, "presence.changed")
    await sync_to_async(actions.do_change_preferences)(
        actor=world.owner, data={"show_presence": False}
    )
    assert (await _next(teammate, "presence.changed"))["status"] == "offline"
    assert await _status(world.owner) == PresenceStatus.OFFLINE
    await owner.disconnect()
    await teammate.disconnect()
