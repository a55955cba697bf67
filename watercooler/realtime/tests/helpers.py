"""Websocket test helpers: communicators on the real ASGI app, session cookies, API tokens.

``channels.testing`` cannot be imported here: its package imports Daphne's live-server helpers and
Daphne is not a dependency (uvicorn serves us). ``WebsocketCommunicator`` below is the same small
driver built on asgiref's ``ApplicationCommunicator``.
"""

import json
from typing import Any
from unittest import mock
from urllib.parse import unquote, urlparse

from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings as django_settings
from django.test import Client

from watercooler.asgi import application
from watercooler.people.actions import do_create_api_token
from watercooler.people.models import User
from watercooler.realtime.presence import presence

ORIGIN = (b"origin", b"http://127.0.0.1")


def _no_op() -> None:
    pass


class WebsocketCommunicator(ApplicationCommunicator):
    """Drives one websocket through an ASGI application, as Channels' class of that name does.

    asgiref's ``ApplicationCommunicator`` has no annotations: the calls into it below say so
    (``no-untyped-call``) and the methods here give the tests its types.
    """

    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode(),
            "headers": headers,
            "subprotocols": [],
        }
        super().__init__(application, scope)  # type: ignore[no-untyped-call]

    # The test owns the database connection: the consumer must not close it between messages.
    async def send_input(self, message: Any) -> None:
        with mock.patch("channels.db.close_old_connections", _no_op):
            await super().send_input(message)  # type: ignore[no-untyped-call]

    async def receive_output(self, timeout: float = 1) -> Any:
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().receive_output(timeout)  # type: ignore[no-untyped-call]

    async def receive_nothing(self, timeout: float = 0.1, interval: float = 0.01) -> bool:
        """asgiref's, with its types: True when nothing arrived within ``timeout``."""
        nothing: bool = await super().receive_nothing(timeout, interval)  # type: ignore[no-untyped-call]
        return nothing

    async def connect(self, timeout: float = 2) -> tuple[bool, Any]:
        """(True, subprotocol) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_to(text_data=json.dumps(data))

    async def receive_json_from(self, timeout: float = 2) -> dict[str, Any]:
        """The next message: every one the server sends is a JSON object."""
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        assert isinstance(response.get("text"), str), response
        message: dict[str, Any] = json.loads(response["text"])
        return message

    async def disconnect(self, code: int = 1000, timeout: float = 2) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)  # type: ignore[no-untyped-call]
        with mock.patch("channels.db.close_old_connections", _no_op):
            await presence.settle()


def session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return f"{django_settings.SESSION_COOKIE_NAME}={key}".encode()


def token_for(user: User) -> str:
    return do_create_api_token(user=user, name="websocket tests")[1]


def communicator(
    *, cookie: bytes | None = None, token: str | None = None, origin: bool = True
) -> WebsocketCommunicator:
    headers = [ORIGIN] if origin else []
    if cookie:
        headers.append((b"cookie", cookie))
    path = "/ws/" if token is None else f"/ws/?token={token}"
    return WebsocketCommunicator(application, path, headers=headers)


async def connected(comm: WebsocketCommunicator) -> WebsocketCommunicator:
    ok, _ = await comm.connect()
    assert ok
    await comm.send_json_to({"type": "ping"})
    reply = await comm.receive_json_from(timeout=2)
    assert reply == {"type": "pong"}, f"socket was refused: {reply}"
    # The socket's person is online now (presence.py): written before the test goes on.
    with mock.patch("channels.db.close_old_connections", _no_op):
        await presence.settle()
    return comm


async def close_code(comm: WebsocketCommunicator) -> int:
    ok, _ = await comm.connect()
    assert ok, "the socket is accepted, then closed with a code the client can read"
    out = await comm.receive_output(timeout=2)
    assert out["type"] == "websocket.close"
    return int(out["code"])


async def as_user(user: User, *, token: bool = False) -> WebsocketCommunicator:
    if token:
        return await connected(communicator(token=await sync_to_async(token_for)(user)))
    return await connected(communicator(cookie=await sync_to_async(session_cookie)(user)))
