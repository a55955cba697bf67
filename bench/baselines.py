"""Baseline ASGI apps for the benchmark: what the same server software does with no application work.

- ``bench.baselines:hello`` — raw ASGI HTTP hello-world (the home feed's baseline).
- ``bench.baselines:ws_echo`` — raw ASGI websocket server that holds every socket it accepts,
  echoes text frames, and broadcasts one to all held sockets when a client sends
  ``{"broadcast": <text>}`` (the websocket scenarios' baseline). Over HTTP it answers like
  ``hello`` (so ``serve`` can tell it is up) and ``GET /count`` returns how many sockets it holds.

Django's own minimal view (the HTML page's baseline) is ``bench.urls`` served through the real
middleware stack with ``DJANGO_SETTINGS_MODULE=bench.settings_bench``.
"""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HELLO = b"Hello, world!"


async def _http(send: Send, body: bytes, content_type: bytes = b"text/plain") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await _http(send, HELLO)


_held: set[Send] = set()


async def ws_echo(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        if scope["path"] == "/count":
            await _http(send, json.dumps({"held": len(_held)}).encode(), b"application/json")
        else:
            await _http(send, HELLO)
        return
    if scope["type"] != "websocket":
        return
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    _held.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                continue
            broadcast = _broadcast_text(text)
            if broadcast is None:
                await send({"type": "websocket.send", "text": text})
            else:
                await _broadcast(broadcast)
    finally:
        _held.discard(send)


def _broadcast_text(text: str) -> str | None:
    if not text.startswith("{"):
        return None
    with contextlib.suppress(ValueError):
        data = json.loads(text)
        if isinstance(data, dict) and isinstance(data.get("broadcast"), str):
            return str(data["broadcast"])
    return None


async def _broadcast(text: str) -> None:
    # As a channel layer group send would: one frame to every held socket, concurrently.
    async def one(send: Send) -> None:
        with contextlib.suppress(Exception):  # a socket closing meanwhile is not an error
            await send({"type": "websocket.send", "text": text})

    await asyncio.gather(*(one(send) for send in list(_held)))
