"""The realtime events of posts, replies, reactions and polls, one dataclass per ``type``, and
the groups they go to. (The feed also sends ``follows.changed``, defined by communities.)

Events are built and queued only by ``watercooler.feed.actions``, and delivered only after the
transaction commits (``watercooler.core.events.send_event``). A client applying an event
to what it shows must end up with what a fresh read returns; when in doubt it re-reads.

Groups (``watercooler.core.events``):

* ``post.created`` → ``author.<author id>``, ``topic.<name>`` for each topic and ``user.<author
  id>``; for a followers-only post only ``author.<author id>`` (its members are exactly the
  author's followers, which the consumer checks when a socket joins). A post in a community
  goes to ``community.<id>`` and ``user.<author id>``, and, only for an open community, to the
  author's and topics' groups too (the consumer drops it for sockets that may not see it).
* ``post.updated``, ``post.deleted``, ``reply.created``, ``reply.deleted``, ``reaction.changed``,
  ``poll.voted`` → ``post.<post id>``.
* ``post.pinned`` → ``community.<id>`` and ``post.<post id>``.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from watercooler.core.events import (
    Event,
    author_group,
    community_group,
    post_group,
    topic_group,
    user_group,
)


@dataclass(frozen=True)
class PostCreated(Event):
    """A new post. ``post`` is the post as ``GET /api/v1/posts/{id}`` returns it, without the
    fields that depend on who reads it (``my_reactions``, ``poll.my_vote``; poll ``votes`` are
    null because nobody has voted yet)."""

    type: ClassVar[str] = "post.created"
    post: dict[str, Any]


@dataclass(frozen=True)
class PostUpdated(Event):
    """A post's text was edited: its new ``body``, ``body_html``, ``topics`` (names) and
    ``edited_at`` (ISO 8601)."""

    type: ClassVar[str] = "post.updated"
    post_id: int
    body: str
    body_html: str
    topics: list[str]
    edited_at: str


@dataclass(frozen=True)
class PostDeleted(Event):
    """A post was deleted: remove it from lists; a thread page shows a tombstone instead."""

    type: ClassVar[str] = "post.deleted"
    post_id: int


@dataclass(frozen=True)
class ReplyCreated(Event):
    """A reply under ``post_id``: ``reply`` as the replies endpoint returns it (without
    ``my_reactions``), and the post's new ``reply_count``."""

    type: ClassVar[str] = "reply.created"
    post_id: int
    reply: dict[str, Any]
    reply_count: int


@dataclass(frozen=True)
class ReplyDeleted(Event):
    """A reply was deleted (shown as a tombstone if it has children)."""

    type: ClassVar[str] = "reply.deleted"
    post_id: int
    reply_id: int
    reply_count: int


@dataclass(frozen=True)
class ReactionChanged(Event):
    """Someone reacted or took a reaction back, on the post (``reply_id`` null) or on one of its
    replies: the target's new ``reaction_count`` and ``reaction_summary`` ({kind: count})."""

    type: ClassVar[str] = "reaction.changed"
    post_id: int
    reply_id: int | None
    reaction_count: int
    reaction_summary: dict[str, int]


@dataclass(frozen=True)
class PostPinned(Event):
    """A community's owner or moderator pinned (``pinned`` true) or unpinned a post. It may
    reach a socket twice (community and post group); applying it twice changes nothing."""

    type: ClassVar[str] = "post.pinned"
    post_id: int
    pinned: bool


@dataclass(frozen=True)
class PollVoted(Event):
    """Someone voted in a poll. Only the total: per-option results are for people who voted."""

    type: ClassVar[str] = "poll.voted"
    post_id: int
    total_votes: int


def post_created_groups(
    *,
    author_id: int,
    topics: list[str],
    followers_only: bool,
    community_id: int | None = None,
    community_open: bool = False,
) -> list[str]:
    """Where ``post.created`` goes. A closed or secret community's post never enters an author
    or topic group: those hold sockets of people outside the community, and the group is the
    first line of visibility (the consumer's check is the second)."""
    if community_id is not None:
        groups = [community_group(community_id), user_group(author_id)]
        if community_open:
            groups += [author_group(author_id), *(topic_group(t) for t in topics)]
        return groups
    if followers_only:
        return [author_group(author_id)]
    return [author_group(author_id), *(topic_group(t) for t in topics), user_group(author_id)]


def post_groups(post_id: int) -> list[str]:
    return [post_group(post_id)]
