"""Open sockets lose access when their person does: token revoked, signed out, deactivated,
password changed. Checked in batches by a sweep, and before an event when the sweep is late."""

from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from pytest_django import DjangoAssertNumQueries

from watercooler.core.events import send_now, user_group
from watercooler.people.models import ApiToken, User
from watercooler.realtime import consumers, recheck
from watercooler.realtime.consumers import CLOSE_UNAUTHENTICATED
from watercooler.realtime.recheck import Credential, still_authorised
from watercooler.realtime.tests.helpers import (
    WebsocketCommunicator,
    communicator,
    session_cookie,
    token_for,
)
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db(transaction=True)

HELLO = {"type": "notification.created", "notification": {"id": 1}}


async def opened(comm: WebsocketCommunicator) -> WebsocketCommunicator:
    ok, _ = await comm.connect()
    assert ok
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=2) == {"type": "pong"}
    return comm


def cookie_key(cookie: bytes) -> str:
    return cookie.decode().split("=", 1)[1]


async def sweep_now() -> None:
    """Run a sweep as if every socket's last check were a minute old."""
    with mock.patch.object(recheck, "REAUTHORISE_SECONDS", recheck.SWEEP_SECONDS):
        recheck.rechecker.sweep()


async def assert_closed(comm: WebsocketCommunicator) -> None:
    out = await comm.receive_output(timeout=2)
    assert out == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def assert_still_open(comm: WebsocketCommunicator) -> None:
    assert await comm.receive_nothing(timeout=0.3)
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=2) == {"type": "pong"}


# --- The sweep closes sockets whose sign-in went away --------------------------------------------


@pytest.mark.asyncio
async def test_revoking_the_token_closes_its_socket_only(world: World) -> None:
    token = await sync_to_async(token_for)(world.outsider)
    revoked = await opened(communicator(token=token))
    other = await opened(communicator(token=await sync_to_async(token_for)(world.outsider)))
    await ApiToken.objects.filter(key_hash=ApiToken.hash(token)).adelete()
    await sweep_now()
    await assert_closed(revoked)
    await assert_still_open(other)
    # A closed socket is told nothing more.
    await sync_to_async(send_now)([user_group(world.outsider.pk)], HELLO)
    assert await revoked.receive_nothing(timeout=0.3)
    await other.disconnect()


@pytest.mark.asyncio
async def test_signing_out_closes_the_sockets_of_that_session(world: World) -> None:
    cookie = await sync_to_async(session_cookie)(world.outsider)
    comm = await opened(communicator(cookie=cookie))
    other = await opened(communicator(cookie=await sync_to_async(session_cookie)(world.outsider)))
    await Session.objects.filter(session_key=cookie_key(cookie)).adelete()
    await sweep_now()
    await assert_closed(comm)
    await assert_still_open(other)
    await other.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize("token", [False, True])
async def test_deactivating_a_person_closes_their_sockets(world: World, token: bool) -> None:
    if token:
        comm = await opened(communicator(token=await sync_to_async(token_for)(world.outsider)))
    else:
        comm = await opened(
            communicator(cookie=await sync_to_async(session_cookie)(world.outsider))
        )
    await User.objects.filter(pk=world.outsider.pk).aupdate(is_active=False)
    await sweep_now()
    await assert_closed(comm)


@pytest.mark.asyncio
async def test_changing_the_password_closes_other_sessions_sockets(world: World) -> None:
    here = await sync_to_async(session_cookie)(world.outsider)
    elsewhere = await sync_to_async(session_cookie)(world.outsider)
    comm_here = await opened(communicator(cookie=here))
    comm_elsewhere = await opened(communicator(cookie=elsewhere))

    def change_password() -> None:
        # As Django's and allauth's password change views do: the new password, and the
        # session it was changed in carries the new hash (update_session_auth_hash).
        person = User.objects.get(pk=world.outsider.pk)
        person.set_password("a-new-password-for-tests-7")
        person.save()
        session = SessionStore(cookie_key(here))
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.save()

    await sync_to_async(change_password)()
    await sweep_now()
    await assert_closed(comm_elsewhere)
    await assert_still_open(comm_here)
    await comm_here.disconnect()


@pytest.mark.asyncio
async def test_sockets_are_swept_on_a_timer_while_any_is_open(world: World) -> None:
    comm = await opened(communicator(token=await sync_to_async(token_for)(world.owner)))
    assert len(recheck.rechecker) == 1
    assert recheck.rechecker._timer is not None
    await comm.disconnect()
    assert len(recheck.rechecker) == 0


# --- Before an event, when the sweep is late -------------------------------------------------


@pytest.mark.asyncio
async def test_an_overdue_socket_is_checked_before_an_event_is_forwarded(world: World) -> None:
    token = await sync_to_async(token_for)(world.outsider)
    comm = await opened(communicator(token=token))
    with mock.patch.object(consumers, "REAUTHORISE_SECONDS", 0.0):
        await sync_to_async(send_now)([user_group(world.outsider.pk)], HELLO)
        assert await comm.receive_json_from(timeout=2) == HELLO
        await ApiToken.objects.filter(key_hash=ApiToken.hash(token)).adelete()
        await sync_to_async(send_now)([user_group(world.outsider.pk)], HELLO)
        await assert_closed(comm)


@pytest.mark.asyncio
async def test_overdue_sockets_are_checked_together(world: World) -> None:
    sockets = [
        await opened(communicator(token=await sync_to_async(token_for)(person)))
        for person in (world.owner, world.teammate, world.outsider)
    ]
    batches: list[int] = []

    def counted(credentials: Any) -> set[Credential]:
        credentials = list(credentials)
        batches.append(len(credentials))
        return still_authorised(credentials)

    groups = [user_group(p.pk) for p in (world.owner, world.teammate, world.outsider)]
    with (
        mock.patch.object(consumers, "REAUTHORISE_SECONDS", 0.0),
        mock.patch.object(recheck, "still_authorised", counted),
    ):
        await sync_to_async(send_now)(groups, HELLO)
        for comm in sockets:
            assert await comm.receive_json_from(timeout=2) == HELLO
    assert batches == [3]
    for comm in sockets:
        await comm.disconnect()


@pytest.mark.asyncio
async def test_a_failed_check_forwards_nothing_and_keeps_the_socket(world: World) -> None:
    comm = await opened(communicator(token=await sync_to_async(token_for)(world.owner)))

    def failing(credentials: Any) -> set[Credential]:
        raise RuntimeError("database away")

    with (
        mock.patch.object(consumers, "REAUTHORISE_SECONDS", 0.0),
        mock.patch.object(recheck, "still_authorised", failing),
        mock.patch.object(recheck.logger, "exception"),
    ):
        await sync_to_async(send_now)([user_group(world.owner.pk)], HELLO)
        assert await comm.receive_nothing(timeout=0.3)
    await sync_to_async(send_now)([user_group(world.owner.pk)], HELLO)
    assert await comm.receive_json_from(timeout=2) == HELLO
    await comm.disconnect()


# --- The batched check itself ----------------------------------------------------------------


def test_still_authorised_answers_many_sockets_in_a_few_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    people = [world.owner, world.teammate, world.outsider, world.admin, world.guest]
    tokens = {p.pk: token_for(p) for p in people}
    keys = {p.pk: cookie_key(session_cookie(p)) for p in people}
    credentials = [Credential(pk, token_hash=ApiToken.hash(t)) for pk, t in tokens.items()]
    credentials += [
        Credential(pk, session_key=k, session_store=SessionStore) for pk, k in keys.items()
    ]
    with django_assert_num_queries(3):
        assert still_authorised(credentials) == set(credentials)

    ApiToken.objects.filter(key_hash=ApiToken.hash(tokens[world.owner.pk])).delete()
    Session.objects.filter(session_key=keys[world.teammate.pk]).delete()
    User.objects.filter(pk=world.outsider.pk).update(is_active=False)
    wrong_person = Credential(
        world.admin.pk, session_key=keys[world.guest.pk], session_store=SessionStore
    )
    ok = still_authorised([*credentials, wrong_person])
    lost = {c for c in credentials if c not in ok}
    assert {(c.user_id, c.token_hash is not None) for c in lost} == {
        (world.owner.pk, True),
        (world.teammate.pk, False),
        (world.outsider.pk, True),
        (world.outsider.pk, False),
    }
    assert wrong_person not in ok


def test_a_session_from_another_store_is_loaded_from_it(world: World) -> None:
    from django.contrib.sessions.backends.cache import SessionStore as CacheStore

    session = CacheStore()
    session["_auth_user_id"] = str(world.owner.pk)
    session[HASH_SESSION_KEY] = world.owner.get_session_auth_hash()
    session.create()
    assert session.session_key
    credential = Credential(
        world.owner.pk, session_key=session.session_key, session_store=CacheStore
    )
    assert still_authorised([credential]) == {credential}
    session.delete()
    assert still_authorised([credential]) == set()
