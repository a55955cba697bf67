"""The one websocket a browser tab keeps open at ``/ws/`` (protocol: docs/events.md).

A socket joins the channel-layer groups (named in ``core.events``) for what its person may see:
their own group, the authors and topics they follow, the communities they are an active member
of, and the posts the page shows once the page asks for them. Group membership is the first line of
visibility; the second is here, just before an event leaves: a followers-only post that reached
a topic group is dropped for non-followers, a community's post for people who may not see the
community's posts, and a post group is only joined after the feed's access rule (access.py)
says the post is visible.

A socket also carries messaging's live side: ``typing`` from the client goes to the others in
the conversation (messaging.actions.do_typing, which answers 404-alike for anyone else), and the
socket's person counts as present while it is open (presence.py: heartbeats that expire).

Everything a client sends is checked: size, JSON, shape, rate. A bad message gets an ``error``
event and the socket stays open. Authentication failures close with 4401, a missing required
second factor with 4403; clients must not reconnect after those. Sign-ins are re-checked in
batches while the socket is open (recheck.py).

One process holds thousands of these sockets, so what each one keeps and does per event is
small (measured with bench/scenario_ws.py; figures in docs/performance.md): group names and
followed usernames are shared strings in sorted tuples, not per-socket sets and dicts; an
event's JSON text is made once by the sender and forwarded as it is; and the consumer runs its
own loop (``__call__``) instead of Channels' one, which per message started a task, waited on
two, and handed a database clean-up to the single thread Django's database work runs in.

Longer than most modules on purpose: one socket's whole life (opening, subscribing, delivering,
re-checking access, closing) is one class.
"""

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone

from watercooler.core import middleware
from watercooler.core.events import (
    author_group,
    community_group,
    post_group,
    topic_group,
    user_group,
)
from watercooler.core.inputs import MOMENT_MESSAGE, first_problem, moment_in_range
from watercooler.messaging import actions as messaging
from watercooler.messaging.policy import NOT_IN_CONVERSATION, TYPING_EVERY_SECONDS
from watercooler.people.models import User
from watercooler.realtime import access
from watercooler.realtime.presence import presence
from watercooler.realtime.recheck import REAUTHORISE_SECONDS, Credential, rechecker

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_MFA_REQUIRED = 4403

MAX_MESSAGE_BYTES = 16 * 1024
MAX_POSTS_PER_MESSAGE = 200
# A feed page with "load more" pressed many times stays well under this.
MAX_SUBSCRIBED_POSTS = 1000
RATE_PER_SECOND = 20.0
RATE_BURST = 20.0
# post.created reaches a socket once per group it is in (author, topic, user) when the layer
# cannot tell (Redis); the copies arrive close together, so the last few post ids suffice.
SEEN_POSTS = 32
# Channel-layer messages waiting for a socket that stopped reading; past this they are dropped
# (as Channels' layers drop messages for a full channel).
INBOX_CAPACITY = 100

CLIENT_TYPES = ("subscribe", "unsubscribe", "ping", "catch_up", "typing", "active")
FEED_GROUP_PREFIXES = ("author.", "topic.", "user.", "community.")


class ClientError(Exception):
    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


def _opening(user: User) -> tuple[bool, tuple[dict[int, str], set[str], set[int]] | None]:
    """(second factor missing, what the person follows): one trip to the database thread."""
    if middleware.mfa_missing(user):
        return True, None
    return False, access.following(user)


# One copy of each group name and username for all sockets (see _shared). Cleared when it
# grows past this (renamed people, deleted topics): sockets keep the copies they hold, and new
# ones share new copies. Not sys.intern: interned strings are never freed in Python 3.12.
_names: dict[str, str] = {}
MAX_SHARED_NAMES = 200_000


def _shared(values: Iterable[str]) -> tuple[str, ...]:
    """Sorted, with each string shared by every socket that holds an equal one: thousands of
    sockets following the same people hold one copy of each name (~20 KiB a socket saved)."""
    if len(_names) > MAX_SHARED_NAMES:
        _names.clear()
    share = _names.setdefault
    return tuple(sorted({share(value, value) for value in values}))


def _has(ordered: tuple[Any, ...], value: Any) -> bool:
    index = bisect_left(ordered, value)
    return index < len(ordered) and ordered[index] == value


def _post_ids(content: dict[str, Any]) -> list[int]:
    posts = content.get("posts")
    if not isinstance(posts, list):
        raise ClientError("posts must be a list of post ids.", "posts")
    if len(posts) > MAX_POSTS_PER_MESSAGE:
        raise ClientError(f"At most {MAX_POSTS_PER_MESSAGE} posts per message.", "posts")
    ids: list[int] = []
    for value in posts:
        # bool is an int in Python; true is not a post id.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise ClientError("posts must be a list of positive whole numbers.", "posts")
        ids.append(value)
    return list(dict.fromkeys(ids))


def _conversation_id(content: dict[str, Any]) -> int:
    value = content.get("conversation")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ClientError("conversation must be a conversation id.", "conversation")
    return value


def decode_message(text: str) -> dict[str, Any]:
    """A client's text frame as a JSON object, or ClientError (the socket answers with an
    ``error`` event and stays open). Refused: frames over MAX_MESSAGE_BYTES, text that is not
    JSON (or nested past what the decoder can follow), JSON that is not an object, and values
    the product accepts nowhere (core.inputs: lone surrogates, NUL, numbers beyond 64 bits),
    naming the field."""
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode("utf-8", "surrogatepass")) > (
        MAX_MESSAGE_BYTES
    ):
        raise ClientError(f"Messages may be at most {MAX_MESSAGE_BYTES} bytes.")
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        raise ClientError("Messages must be JSON objects.") from None
    if not isinstance(content, dict):
        raise ClientError("Messages must be JSON objects.")
    problem = first_problem(content)
    if problem is not None:
        # Messages are flat: name the top-level field ("posts", not "posts.3").
        field = problem.field.split(".", 1)[0] if problem.field else None
        raise ClientError(problem.message, field)
    return content


def _since(content: dict[str, Any]) -> dt.datetime:
    value = content.get("since")
    if not isinstance(value, str) or len(value) > 64:
        raise ClientError("since must be an ISO 8601 timestamp.", "since")
    try:
        since = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ClientError("since must be an ISO 8601 timestamp.", "since") from None
    if since.tzinfo is None:
        raise ClientError("since needs a time zone (e.g. 2026-01-31T09:00:00Z).", "since")
    if not moment_in_range(since):  # the database reads it in UTC, which may overflow
        raise ClientError(MOMENT_MESSAGE, "since")
    return min(since, timezone.now())


class _Inbox:
    """A consumer's messages in arrival order: from the client (ASGI), from the channel layer,
    and its own. The consumer's task takes them one at a time, so handlers never overlap."""

    __slots__ = ("capacity", "items", "waiter")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: list[Any] = []
        self.waiter: asyncio.Future[None] | None = None

    def put(self, item: Any) -> None:
        self.items.append(item)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def offer(self, message: dict[str, Any]) -> bool:
        """A channel-layer message, unless the socket has fallen this far behind."""
        if len(self.items) >= self.capacity:
            return False
        self.put(message)
        return True

    async def get(self) -> Any:
        while not self.items:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        return self.items.pop(0)


async def _feed(source: Callable[[], Awaitable[Any]], inbox: _Inbox, *, layer: bool) -> None:
    """Pass what ``source`` yields to ``inbox`` until the client disconnects (a channel layer's
    messages may be dropped when the socket is far behind, the client's never); a failure goes
    along too, for the consumer's task to raise."""
    try:
        while True:
            message = await source()
            if layer:
                inbox.offer(message)
            else:
                inbox.put(message)
                if message.get("type") == "websocket.disconnect":
                    return
    except Exception as exc:
        inbox.put(exc)


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels ships no types
    """One authenticated socket per browser tab. Group messages are ``{"type": "deliver",
    "event": {...}, "text": "..."}`` (core.events.send_now) and reach :meth:`deliver`."""

    user: User
    credential: Credential
    authorised_at: float
    # Sorted and shared (see _shared): the user, author, topic and community groups joined, and
    # the usernames of the people followed (post.created names its author by username).
    feed_groups: tuple[str, ...] = ()
    followed: tuple[str, ...] = ()
    communities: tuple[int, ...] = ()
    closed = False
    # Counted in the process's presence (presence.py) while open.
    present = False
    # When this socket last said "typing" in each conversation (monotonic seconds).
    typing_at: dict[int, float] | None = None

    # --- the loop --------------------------------------------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = scope
        self.base_send = send
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        assert self.channel_layer is not None, "settings.CHANNEL_LAYERS has no default layer"
        self.channel_name = await self.channel_layer.new_channel()
        self.inbox = inbox = _Inbox(INBOX_CAPACITY)
        feeders = [asyncio.ensure_future(_feed(receive, inbox, layer=False))]
        # The embedded layer hands messages straight to the inbox; others (Redis) are read.
        attach = getattr(self.channel_layer, "attach", None)
        if attach is not None:
            attach(self.channel_name, inbox.offer)
        else:
            layer_receive = self.channel_layer.receive
            channel = self.channel_name
            feeders.append(
                asyncio.ensure_future(_feed(lambda: layer_receive(channel), inbox, layer=True))
            )
        try:
            while True:
                message = await inbox.get()
                if isinstance(message, BaseException):
                    raise message
                await self.dispatch(message)
        except StopConsumer:
            pass
        finally:
            self.closed = True
            rechecker.discard(self)
            if self.present:
                self.present = False
                presence.discard(self.user.pk)
            if attach is not None:
                self.channel_layer.detach(self.channel_name)
            for task in feeders:
                task.cancel()
            for task in feeders:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch also closes stale database connections, by a hop to the database
        # thread for every message; here every database call goes through
        # database_sync_to_async, which does that around the call itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Accept first, then close with a code: a refusal before accepting reaches a browser as
        # a bare 1006, which it cannot tell from a network failure and would retry forever.
        await self.accept()
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        mfa_missing, following = await database_sync_to_async(_opening)(user)
        if mfa_missing:
            await self.close(code=CLOSE_MFA_REQUIRED)
            return
        self.user = user
        self.credential = Credential.from_scope(user.pk, self.scope)
        self.authorised_at = time.monotonic()
        self.posts: set[int] = set()
        self.seen_posts: list[int] | None = None
        self.tokens = RATE_BURST
        self.tokens_at = time.monotonic()
        await self._join_feed_groups(following)
        rechecker.add(self)
        self.present = True
        presence.add(user.pk)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        # Events carry datetimes and decimals from the API's serialisers.
        return json.dumps(content, cls=DjangoJSONEncoder, separators=(",", ":"))

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        self.closed = True
        rechecker.discard(self)
        groups = [*self.feed_groups, *(post_group(pk) for pk in getattr(self, "posts", ()))]
        await self._discard_groups(groups)
        raise StopConsumer()

    def revoke(self) -> None:
        """The sign-in no longer holds (recheck.py): forward nothing more, close from the
        socket's own task."""
        self.closed = True
        self.inbox.put({"type": "realtime.revoked"})

    async def realtime_revoked(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)

    # --- groups ----------------------------------------------------------------------------

    async def _add_groups(self, groups: list[str]) -> None:
        """Join ``groups``, none of which the socket is in yet."""
        add_new = getattr(self.channel_layer, "group_add_new", None)
        if add_new is not None:
            await add_new(groups, self.channel_name)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)

    async def _discard_groups(self, groups: list[str]) -> None:
        discard_many = getattr(self.channel_layer, "group_discard_many", None)
        if discard_many is not None:
            await discard_many(groups, self.channel_name)
            return
        for group in groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _join_post(self, pk: int) -> None:
        if pk not in self.posts:
            self.posts.add(pk)
            await self.channel_layer.group_add(post_group(pk), self.channel_name)

    async def _leave_post(self, pk: int) -> None:
        if pk in self.posts:
            self.posts.discard(pk)
            await self.channel_layer.group_discard(post_group(pk), self.channel_name)

    async def _join_feed_groups(
        self, following: tuple[dict[int, str], set[str], set[int]] | None = None
    ) -> None:
        """Join (or re-join after a follow changed) the groups of the person's feed."""
        if following is None:
            following = await database_sync_to_async(access.following)(self.user)
        follows, topics, communities = following
        wanted = {user_group(self.user.pk), author_group(self.user.pk)}
        wanted |= {author_group(pk) for pk in follows}
        wanted |= {topic_group(name) for name in topics}
        wanted |= {community_group(pk) for pk in communities}
        current = set(self.feed_groups)
        # Forget a community first: an event already queued for its group is then dropped.
        self.feed_groups = _shared(wanted)
        self.followed = _shared(follows.values())
        self.communities = tuple(sorted(communities))
        await self._discard_groups(sorted(current - wanted))
        await self._add_groups([group for group in self.feed_groups if group not in current])

    # --- client messages ---------------------------------------------------------------------

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kw: Any
    ) -> None:
        if not hasattr(self, "user"):
            return  # closing after a refused connection
        if not self._take_token():
            await self._error("Too many messages; slow down.", None)
            return
        if text_data is None:
            await self._error("Messages must be JSON text, not binary.", None)
            return
        try:
            content = decode_message(text_data)
        except ClientError as exc:
            await self._error(exc.detail, exc.field)
            return
        try:
            await self.receive_json(content)
        except StopConsumer:
            raise
        except Exception:
            # A bug met by one message must not end the socket (and the tab's live updates).
            logger.exception("Websocket message failed")
            await self._error("Something went wrong on our side with this message.", None)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        try:
            if not isinstance(content, dict):
                raise ClientError("Messages must be JSON objects.")
            kind = content.get("type")
            if kind not in CLIENT_TYPES:
                raise ClientError(f"type must be one of: {', '.join(CLIENT_TYPES)}.", "type")
            if kind == "ping":
                await self.send_json({"type": "pong"})
            elif kind == "subscribe":
                await self._subscribe(_post_ids(content))
            elif kind == "unsubscribe":
                await self._unsubscribe(_post_ids(content))
            elif kind == "typing":
                await self._typing(_conversation_id(content))
            elif kind == "active":
                presence.touch(self.user.pk)
            else:
                await self._catch_up(_since(content))
        except ClientError as exc:
            await self._error(exc.detail, exc.field)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.tokens_at) * RATE_PER_SECOND)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def _error(self, detail: str, field: str | None) -> None:
        await self.send_json({"type": "error", "detail": detail, "field": field})

    async def _subscribe(self, ids: list[int]) -> None:
        new = [pk for pk in ids if pk not in self.posts]
        if len(self.posts) + len(new) > MAX_SUBSCRIBED_POSTS:
            raise ClientError(
                f"At most {MAX_SUBSCRIBED_POSTS} posts at once; unsubscribe from some.", "posts"
            )
        visible = await database_sync_to_async(access.visible_post_ids)(self.user, new)
        for pk in sorted(visible):
            await self._join_post(pk)
        subscribed = [pk for pk in ids if pk in self.posts]
        # Missing and invisible posts are answered alike, so ids cannot be probed.
        denied = [pk for pk in ids if pk not in self.posts]
        await self.send_json({"type": "subscribed", "posts": subscribed, "denied": denied})

    async def _unsubscribe(self, ids: list[int]) -> None:
        for pk in ids:
            await self._leave_post(pk)
        await self.send_json({"type": "unsubscribed", "posts": ids})

    async def _typing(self, conversation_id: int) -> None:
        """Tell the others in the conversation, at most every TYPING_EVERY_SECONDS per socket
        and conversation (more often is ignored: a fast typist is no news)."""
        presence.touch(self.user.pk)
        now = time.monotonic()
        typing_at = self.typing_at
        if typing_at is None:
            typing_at = self.typing_at = {}
        if now - typing_at.get(conversation_id, -TYPING_EVERY_SECONDS) < TYPING_EVERY_SECONDS:
            return
        try:
            await database_sync_to_async(messaging.do_typing)(
                actor=self.user, conversation_id=conversation_id
            )
        except Http404:
            raise ClientError(NOT_IN_CONVERSATION, "conversation") from None
        except PermissionDenied as exc:
            raise ClientError(str(exc), "conversation") from None
        if len(typing_at) > 50:
            typing_at.clear()
        typing_at[conversation_id] = now

    async def _catch_up(self, since: dt.datetime) -> None:
        def counts() -> tuple[list[int], int, list[dict[str, object]], list[dict[str, int]], int]:
            return (
                access.new_post_ids(self.user, since),
                access.unread_notification_count(self.user),
                access.post_states(self.user, set(self.posts)),
                access.conversations_since(self.user, since),
                access.unread_message_count(self.user),
            )

        new_post_ids, unread, posts, conversations, unread_messages = await database_sync_to_async(
            counts
        )()
        # Posts that went away while the socket was down stop being followed now.
        for state in posts:
            if state["deleted"]:
                await self._leave_post(int(state["id"]))
        await self.send_json(
            {
                "type": "catch_up",
                "since": since.isoformat(),
                "new_posts": len(new_post_ids),
                "new_post_ids": new_post_ids,
                "new_posts_capped": len(new_post_ids) >= access.NEW_POSTS_CAP,
                "unread_notifications": unread,
                "posts": posts,
                "conversations": conversations,
                "unread_messages": unread_messages,
            }
        )

    # --- server events -------------------------------------------------------------------------

    async def deliver(self, message: dict[str, Any]) -> None:
        """Forward one event from a group, unless this person may not see it. The message is
        shared with every other socket it reached: read it, never change it."""
        event = message.get("event")
        if self.closed or not hasattr(self, "user") or not isinstance(event, dict):
            return
        # When the sweep is late for this socket, confirm before anything is forwarded.
        overdue = time.monotonic() - self.authorised_at >= REAUTHORISE_SECONDS
        if overdue and (not await rechecker.confirm(self) or self.closed):
            return
        kind = event.get("type")
        if kind == "follows.changed":
            await self._join_feed_groups()
            await self._drop_invisible_posts()
        elif kind == "post.created":
            if not await self._may_see_new_post(event):
                return
        elif kind == "post.deleted":
            post_id = _post_id(event)
            if post_id is not None:
                await self._leave_post(post_id)
        elif kind == "post.updated":
            # An edit may narrow the audience: keep following the post only while visible.
            post_id = _post_id(event)
            if post_id is not None and post_id in self.posts:
                visible = await database_sync_to_async(access.visible_post_ids)(
                    self.user, [post_id]
                )
                if not visible:
                    await self._leave_post(post_id)
                    return
        text = message.get("text")
        if not isinstance(text, str):
            text = await self.encode_json(event)
        await self.base_send({"type": "websocket.send", "text": text})

    def _seen(self, post_id: int) -> bool:
        """Whether ``post_id`` was handed over already (through another group); remembers it."""
        seen = self.seen_posts
        if seen is None:
            self.seen_posts = [post_id]
            return False
        if post_id in seen:
            return True
        seen.append(post_id)
        if len(seen) > SEEN_POSTS:
            del seen[0]
        return False

    async def _may_see_new_post(self, event: dict[str, Any]) -> bool:
        post_id = _post_id(event)
        if post_id is not None and self._seen(post_id):
            return False
        author_id, author_name, audience = _author_and_audience(event)
        if author_id == self.user.pk or (author_name and author_name == self.user.username):
            return True
        known, community_id, privacy = _community_of(event)
        if known and community_id is not None:
            # A community's post: its members, and everyone but guests when it is open. The
            # privacy travels with the event, so no query; membership is what the socket
            # joined groups for (re-read on follows.changed).
            if _has(self.communities, community_id):
                return True
            return privacy == "open" and not self.user.is_guest
        if not known:
            # The event does not say whether the post is in a community: ask the database.
            audience = None
        if audience == "everyone" and not self.user.is_guest:
            return True
        if audience == "followers" and not self.user.is_guest:
            if author_id is not None:
                return _has(self.feed_groups, author_group(author_id))
            if author_name is not None:
                return _has(self.followed, author_name)
        # The event does not say enough (or the reader is a guest): ask the database.
        if post_id is None:
            return False
        visible = await database_sync_to_async(access.visible_post_ids)(self.user, [post_id])
        return post_id in visible

    async def _drop_invisible_posts(self) -> None:
        if not self.posts:
            return
        visible = await database_sync_to_async(access.visible_post_ids)(self.user, set(self.posts))
        for pk in sorted(self.posts - visible):
            await self._leave_post(pk)


def _post_id(event: dict[str, Any]) -> int | None:
    """The post an event is about: ``post_id`` or ``post.id`` (see docs/events.md)."""
    value = event.get("post_id")
    post = event.get("post")
    if value is None and isinstance(post, dict):
        value = post.get("id")
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _community_of(event: dict[str, Any]) -> tuple[bool, int | None, str | None]:
    """(known, community id, privacy) of a ``post.created`` event. ``known`` is false when the
    event does not say (no ``post.community`` key, or one of the wrong shape), true with a None
    id for a post outside communities."""
    post = event.get("post")
    if not isinstance(post, dict) or "community" not in post:
        return False, None, None
    community = post["community"]
    if community is None:
        return True, None, None
    if not isinstance(community, dict):
        return False, None, None
    pk, privacy = community.get("id"), community.get("privacy")
    if isinstance(pk, bool) or not isinstance(pk, int) or not isinstance(privacy, str):
        return False, None, None
    return True, pk, privacy


def _author_and_audience(event: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    """(author id, author username, audience) of a ``post.created`` event, None where the
    event does not say. The feed sends ``post.author.username`` and ``post.audience``."""
    post = event.get("post")
    if not isinstance(post, dict):
        post = event
    author = post.get("author")
    author_id = post.get("author_id")
    author_name = None
    if isinstance(author, dict):
        author_id = author.get("id", author_id)
        author_name = author.get("username")
    audience = post.get("audience")
    return (
        author_id if isinstance(author_id, int) and not isinstance(author_id, bool) else None,
        author_name if isinstance(author_name, str) else None,
        audience if isinstance(audience, str) else None,
    )
