"""The one websocket a browser tab keeps open at ``/ws/`` (protocol: docs/events.md).

A socket joins the channel-layer groups for what its person may see (groups.py): their own
group, the authors and topics they follow, the communities they are an active member of, and
the posts the page shows once the page asks for them. Group membership is the first line of
visibility; the second is here, just before an event leaves: a followers-only post that reached
a topic group is dropped for non-followers, a community's post for people who may not see the
community's posts, and a post group is only joined after the feed's access rule (access.py)
says the post is visible.

Everything a client sends is checked: size, JSON, shape, rate. A bad message gets an ``error``
event and the socket stays open. Authentication failures close with 4401, a missing required
second factor with 4403; clients must not reconnect after those.
"""

import datetime as dt
import json
import logging
import time
from collections import OrderedDict
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.sessions.backends.base import SessionBase
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from watercooler.people.models import ApiToken, User
from watercooler.realtime import access
from watercooler.realtime.groups import (
    author_group,
    community_group,
    post_group,
    topic_group,
    user_group,
)

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_MFA_REQUIRED = 4403

MAX_MESSAGE_BYTES = 16 * 1024
MAX_POSTS_PER_MESSAGE = 200
# A feed page with "load more" pressed many times stays well under this.
MAX_SUBSCRIBED_POSTS = 1000
RATE_PER_SECOND = 20.0
RATE_BURST = 20.0
# How often an open socket re-checks that its person may still use the site (deactivated,
# signed out, token revoked): at most one query a minute per socket, and only when events flow.
REAUTHORISE_SECONDS = 60.0
# post.created reaches a socket once per group it is in (author and topic); remember this many
# post ids to hand each post over once.
SEEN_POSTS = 512

CLIENT_TYPES = ("subscribe", "unsubscribe", "ping", "catch_up")


class ClientError(Exception):
    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


def _mfa_missing(user: User) -> bool:
    from watercooler.api.auth import mfa_missing

    return mfa_missing(user)


def _still_authorised(user_id: int, auth: str, token_hash: str | None, session: Any) -> bool:
    """Whether the person behind an open socket may still use it."""
    if not User.objects.filter(pk=user_id, is_active=True).exists():
        return False
    if auth == "token":
        return ApiToken.objects.filter(key_hash=token_hash, user_id=user_id).exists()
    if isinstance(session, SessionBase) and session.session_key:
        return session.exists(session.session_key)
    return True


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
    return min(since, timezone.now())


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """One authenticated socket per browser tab. Group messages are ``{"type": "deliver",
    "event": {...}}`` (realtime.events.send_now) and reach :meth:`deliver`."""

    user: User
    groups: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Accept first, then close with a code: a refusal before accepting reaches a browser as
        # a bare 1006, which it cannot tell from a network failure and would retry forever.
        await self.accept()
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if await database_sync_to_async(_mfa_missing)(user):
            await self.close(code=CLOSE_MFA_REQUIRED)
            return
        self.user = user
        self.follows: dict[int, str] = {}
        self.topics: set[str] = set()
        self.communities: set[int] = set()
        self.posts: set[int] = set()
        self.seen_posts: OrderedDict[int, None] = OrderedDict()
        self.tokens = RATE_BURST
        self.tokens_at = time.monotonic()
        self.authorised_at = time.monotonic()
        self.closed = False
        await self._join_feed_groups()

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        # Events carry datetimes and decimals from the API's serialisers.
        return json.dumps(content, cls=DjangoJSONEncoder, separators=(",", ":"))

    async def disconnect(self, code: int) -> None:
        self.closed = True

    # --- groups ----------------------------------------------------------------------------

    async def _join(self, group: str) -> None:
        if group not in self.groups:
            self.groups.append(group)
            await self.channel_layer.group_add(group, self.channel_name)

    async def _leave(self, group: str) -> None:
        if group in self.groups:
            self.groups.remove(group)
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _join_feed_groups(self) -> None:
        """Join (or re-join after a follow changed) the groups of the person's feed."""
        follows, topics, communities = await database_sync_to_async(access.following)(self.user)
        # Forget a community first: an event already queued for its group is then dropped.
        self.follows, self.topics, self.communities = follows, topics, communities
        wanted = {user_group(self.user.pk), author_group(self.user.pk)}
        wanted |= {author_group(pk) for pk in follows}
        wanted |= {topic_group(name) for name in topics}
        wanted |= {community_group(pk) for pk in communities}
        current = {
            g for g in self.groups if g.startswith(("author.", "topic.", "user.", "community."))
        }
        for group in sorted(current - wanted):
            await self._leave(group)
        for group in sorted(wanted - current):
            await self._join(group)

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
        if len(text_data) > MAX_MESSAGE_BYTES or len(text_data.encode()) > MAX_MESSAGE_BYTES:
            await self._error(f"Messages may be at most {MAX_MESSAGE_BYTES} bytes.", None)
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self._error("Messages must be JSON objects.", None)
            return
        await self.receive_json(content)

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
            self.posts.add(pk)
            await self._join(post_group(pk))
        subscribed = [pk for pk in ids if pk in self.posts]
        # Missing and invisible posts are answered alike, so ids cannot be probed.
        denied = [pk for pk in ids if pk not in self.posts]
        await self.send_json({"type": "subscribed", "posts": subscribed, "denied": denied})

    async def _unsubscribe(self, ids: list[int]) -> None:
        for pk in ids:
            self.posts.discard(pk)
            await self._leave(post_group(pk))
        await self.send_json({"type": "unsubscribed", "posts": ids})

    async def _catch_up(self, since: dt.datetime) -> None:
        def counts() -> tuple[list[int], int, list[dict[str, object]]]:
            return (
                access.new_post_ids(self.user, since),
                access.unread_notification_count(self.user),
                access.post_states(self.user, set(self.posts)),
            )

        new_post_ids, unread, posts = await database_sync_to_async(counts)()
        # Posts that went away while the socket was down stop being followed now.
        for state in posts:
            if state["deleted"]:
                self.posts.discard(int(state["id"]))
                await self._leave(post_group(int(state["id"])))
        await self.send_json(
            {
                "type": "catch_up",
                "since": since.isoformat(),
                "new_posts": len(new_post_ids),
                "new_post_ids": new_post_ids,
                "new_posts_capped": len(new_post_ids) >= access.NEW_POSTS_CAP,
                "unread_notifications": unread,
                "posts": posts,
            }
        )

    # --- server events -------------------------------------------------------------------------

    async def deliver(self, message: dict[str, Any]) -> None:
        """Forward one event from a group, unless this person may not see it."""
        event = message.get("event")
        if not hasattr(self, "user") or self.closed or not isinstance(event, dict):
            return
        if not await self._reauthorise():
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
                self.posts.discard(post_id)
                await self._leave(post_group(post_id))
        elif kind == "post.updated":
            # An edit may narrow the audience: keep following the post only while visible.
            post_id = _post_id(event)
            if post_id is not None and post_id in self.posts:
                visible = await database_sync_to_async(access.visible_post_ids)(
                    self.user, [post_id]
                )
                if not visible:
                    self.posts.discard(post_id)
                    await self._leave(post_group(post_id))
                    return
        await self.send_json(event)

    async def _may_see_new_post(self, event: dict[str, Any]) -> bool:
        post_id = _post_id(event)
        if post_id is not None:
            if post_id in self.seen_posts:
                return False  # already handed over through another group
            self.seen_posts[post_id] = None
            while len(self.seen_posts) > SEEN_POSTS:
                self.seen_posts.popitem(last=False)
        author_id, author_name, audience = _author_and_audience(event)
        if author_id == self.user.pk or (author_name and author_name == self.user.username):
            return True
        known, community_id, privacy = _community_of(event)
        if known and community_id is not None:
            # A community's post: its members, and everyone but guests when it is open. The
            # privacy travels with the event, so no query; membership is what the socket
            # joined groups for (re-read on follows.changed).
            if community_id in self.communities:
                return True
            return privacy == "open" and not self.user.is_guest
        if not known:
            # The event does not say whether the post is in a community: ask the database.
            audience = None
        if audience == "everyone" and not self.user.is_guest:
            return True
        if audience == "followers" and not self.user.is_guest:
            if author_id is not None:
                return author_id in self.follows
            if author_name is not None:
                return author_name in self.follows.values()
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
            self.posts.discard(pk)
            await self._leave(post_group(pk))

    async def _reauthorise(self) -> bool:
        if time.monotonic() - self.authorised_at < REAUTHORISE_SECONDS:
            return True
        ok = await database_sync_to_async(_still_authorised)(
            self.user.pk,
            self.scope.get("auth", "session"),
            self.scope.get("token_hash"),
            self.scope.get("session"),
        )
        if not ok:
            self.closed = True
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return False
        self.authorised_at = time.monotonic()
        return True


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
