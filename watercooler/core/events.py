"""Realtime events: their base type and registry, the channel-layer group names they go to, and
sending them, only from actions and only after the transaction commits.

Every event is a frozen dataclass subclassing ``Event`` with a ``type``; defining the class
registers it in ``EVENT_TYPES``, and a second class claiming the same type is an error. Each app
keeps its events in its own ``events.py``, which ``discover_event_modules`` imports when Django
starts (``CoreConfig.ready``), so the registry holds every type the product sends before the first
request. docs/events.md documents every type and its fields; a test checks that page against
``EVENT_TYPES``, and another applies each type to what a client read earlier and compares the
result with a fresh read.

Actions send with ``send_event`` (on commit): nobody is told about a change that was rolled back,
and a client that re-reads on an event always finds the change there. Work that already runs
after the commit (a task's fan-out) uses ``send_event_now``. ``send_now`` is the wire underneath
both, taking the event as a plain dict; app code never calls it. The group message is
``{"type": "deliver", "event": {...}, "text": "<the event as JSON>"}``: the websocket consumer
decides from ``event`` whether its person may see it and forwards ``text`` as it is, so an event
for 10,000 sockets is encoded once, not once per socket.

Actions run in a worker thread (or a WSGI process) and the channel layer is asynchronous, so
``send_now`` hands the send to an event loop and waits for it: the embedded layer's own loop (where
its sockets live), else the server's loop when the process serves websockets too (as sending
from it always did: a network layer's connections for that loop exist already), else one
long-lived loop thread per process (a WSGI server, the task worker).
"""

import asyncio
import json
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


def encode(event: dict[str, Any]) -> str:
    """The text a socket receives for ``event`` (datetimes and decimals as the API writes them)."""
    return json.dumps(event, cls=DjangoJSONEncoder, separators=(",", ":"))


def send_now(groups: Iterable[str], event: dict[str, Any]) -> None:
    """Deliver ``event`` (an event's ``as_dict()``) to every socket in ``groups`` at once.
    Failures are logged, never raised: a realtime hiccup must not fail the write that already
    happened. Only ``send_event`` and ``send_event_now`` call it (tests patch it to capture)."""
    layer = get_channel_layer()
    if layer is None:
        return
    targets = list(dict.fromkeys(groups))
    if targets:
        # One trip into the event loop for all groups: an announcement to 10,000 people is
        # 10,000 group sends, and a loop hop per send would dominate.
        try:
            message = {"type": "deliver", "event": event, "text": encode(event)}
            _run_in_loop(layer, _send_all(layer, targets, message))
        except Exception:
            logger.exception("Could not send %s", event.get("type"))


# How long a send may keep the action waiting before it is logged as failed.
SEND_TIMEOUT_SECONDS = 30.0

_loop_thread: tuple[int, asyncio.AbstractEventLoop] | None = None
_server_loop: tuple[int, asyncio.AbstractEventLoop] | None = None
_loop_thread_lock = threading.Lock()


def use_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Send this process's events from ``loop``, the server's (``core.wsgi_bridge`` calls this
    with the loop it runs on)."""
    global _server_loop
    _server_loop = (os.getpid(), loop)


def _process_loop() -> asyncio.AbstractEventLoop:
    """This process's sending loop: the server's when there is one, else one started on first
    use in a daemon thread (again after a fork: a forked child has no thread)."""
    global _loop_thread
    server = _server_loop
    if server is not None and server[0] == os.getpid() and server[1].is_running():
        return server[1]
    with _loop_thread_lock:
        if _loop_thread is None or _loop_thread[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="events", daemon=True).start()
            _loop_thread = (os.getpid(), loop)
        return _loop_thread[1]


def _embedded(layer: Any) -> bool:
    """Whether ``layer`` is the embedded one (realtime.layers: ``group_send_many`` and ``loop``).
    Asked of the class: channels_redis's layer answers unknown attributes through its loop's."""
    return hasattr(type(layer), "group_send_many")


def _run_in_loop(layer: Any, send: Any) -> None:
    """Run the coroutine ``send`` on the loop ``layer`` belongs to, and wait for it."""
    loop: asyncio.AbstractEventLoop
    if _embedded(layer):
        # The embedded layer: sockets and their waiting futures live on the loop they joined
        # from; with none joined in this process there is nobody to tell.
        home: asyncio.AbstractEventLoop | None = layer.loop
        if home is None or not home.is_running():
            send.close()
            return
        loop = home
    else:
        loop = _process_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        # Synchronous code called on the loop itself cannot wait for it: send when it yields.
        loop.create_task(send)
        return
    asyncio.run_coroutine_threadsafe(send, loop).result(timeout=SEND_TIMEOUT_SECONDS)


async def _send_all(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    if _embedded(layer):
        # One copy of the message, once to each socket in any group.
        try:
            await layer.group_send_many(groups, message)
        except Exception:
            logger.exception("Could not send %s", message["event"].get("type"))
        return
    for group in groups:
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("Could not send %s to %s", message["event"].get("type"), group)


# --- Event types ----------------------------------------------------------------------------------

EVENT_TYPES: dict[str, type["Event"]] = {}


@dataclass(frozen=True)
class Event:
    """One realtime event; subclasses set ``type`` and declare the payload's fields."""

    type: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if isinstance(event_type, str):
            known = EVENT_TYPES.get(event_type)
            if known is not None and known.__qualname__ != cls.__qualname__:
                raise TypeError(
                    f"{known.__qualname__} and {cls.__qualname__} both send {event_type!r}."
                )
            EVENT_TYPES[event_type] = cls

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


def discover_event_modules() -> None:
    """Import every installed app's ``events.py``, registering its event types."""
    autodiscover_modules("events")


def _payload(event: Event) -> dict[str, Any]:
    # Only registered types go out: docs/events.md and its test know exactly these.
    if EVENT_TYPES.get(event.type) is not type(event):
        raise TypeError(f"{type(event).__qualname__} is not the registered {event.type!r}.")
    return event.as_dict()


def send_event(groups: Iterable[str], event: Event) -> None:
    """Queue ``event`` for ``groups`` to go out when the current transaction commits (at once
    when there is none)."""
    targets, payload = list(groups), _payload(event)
    transaction.on_commit(lambda: send_now(targets, payload), robust=True)


def send_event_now(groups: Iterable[str], event: Event) -> None:
    """Deliver ``event`` to ``groups`` now, for work that runs after the commit already (a
    background task's fan-out in batches); actions use ``send_event``."""
    send_now(groups, _payload(event))


# --- Groups: a websocket joins the groups for what its person may see --------------------------


def user_group(user_id: int) -> str:
    """Everything addressed to one person: notifications, their announcements, their own posts."""
    return f"user.{user_id}"


def author_group(author_id: int) -> str:
    """New posts by an author, for the sockets of their followers."""
    return f"author.{author_id}"


def topic_group(topic_name: str) -> str:
    """New posts in a topic, for the sockets of the topic's followers (names are [a-z0-9_])."""
    return f"topic.{topic_name}"


def post_group(post_id: int) -> str:
    """Live updates (replies, reactions, edits) of one post, for sockets showing it."""
    return f"post.{post_id}"


def community_group(community_id: int) -> str:
    """New posts in a community, for the sockets of its active members."""
    return f"community.{community_id}"
