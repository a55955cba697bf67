"""Who may open /ws/ from where: the Origin check guards cookie sessions, a token needs none.

A browser sends its session cookie with any page's socket, so a cookie session is accepted only
with an Origin naming an allowed host. Scripts and apps authenticate with ``?token=`` and send no
Origin; the token is the credential (and the cookie is then ignored), so no Origin is asked of
them, and a foreign one does not matter either (docs/events.md).
"""

import pytest
from asgiref.sync import sync_to_async

from watercooler.realtime.consumers import CLOSE_UNAUTHENTICATED
from watercooler.realtime.tests.helpers import (
    WebsocketCommunicator,
    close_code,
    communicator,
    connected,
    session_cookie,
    token_for,
)
from watercooler.testing.world import World

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

FOREIGN = (b"origin", b"https://evil.example")


def socket(
    *, headers: list[tuple[bytes, bytes]], token: str | None = None
) -> WebsocketCommunicator:
    path = "/ws/" if token is None else f"/ws/?token={token}"
    return WebsocketCommunicator(communicator().application, path, headers=headers)


async def test_a_token_without_origin_is_accepted(world: World) -> None:
    token = await sync_to_async(token_for)(world.owner)
    comm = await connected(socket(headers=[], token=token))
    await comm.disconnect()


async def test_a_token_with_a_foreign_origin_is_accepted(world: World) -> None:
    token = await sync_to_async(token_for)(world.owner)
    comm = await connected(socket(headers=[FOREIGN], token=token))
    await comm.disconnect()


async def test_a_bad_token_never_falls_back_to_the_cookie(world: World) -> None:
    # No Origin check was made, so the cookie must not count: the socket is anonymous.
    cookie = await sync_to_async(session_cookie)(world.owner)
    comm = socket(headers=[FOREIGN, (b"cookie", cookie)], token="wc_stolen-or-wrong")
    assert await close_code(comm) == CLOSE_UNAUTHENTICATED


async def test_a_cookie_session_with_a_foreign_origin_is_refused(world: World) -> None:
    cookie = await sync_to_async(session_cookie)(world.owner)
    ok, _ = await socket(headers=[FOREIGN, (b"cookie", cookie)]).connect()
    assert not ok


async def test_a_cookie_session_without_origin_is_refused(world: World) -> None:
    cookie = await sync_to_async(session_cookie)(world.owner)
    ok, _ = await socket(headers=[(b"cookie", cookie)]).connect()
    assert not ok


async def test_a_cookie_session_with_an_allowed_origin_is_accepted(world: World) -> None:
    cookie = await sync_to_async(session_cookie)(world.owner)
    comm = await connected(socket(headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)]))
    await comm.disconnect()
