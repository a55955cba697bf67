"""Request and response schemas of the feed API, and the functions that turn posts into them.

``post_data`` is the one serialisation of a post: the API returns it, and ``post.created``
events carry it without the viewer-specific fields. It reads only what
``queries.post_queryset`` selects and prefetches plus a ``queries.ViewerContext``, so a list of
posts is a fixed number of queries.

Input schemas check shapes only; value rules (lengths, options, who may) live in ``actions``.
"""

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.core.inputs import Moment
from watercooler.core.media import media_url
from watercooler.feed.models import Attachment, Post, PostKind, ReactionKind, Reply
from watercooler.feed.queries import ViewerContext, open_to_every_member
from watercooler.people.models import User

# --- Serialising -----------------------------------------------------------------------------


def post_url(post_id: int) -> str:
    return f"/posts/{post_id}/"


def person_data(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "photo_thumb_url": user.photo_thumb.url if user.photo_thumb else None,
        "profile_url": f"/people/{user.username}/",
        "is_active": user.is_active,
    }


def attachment_data(attachment: Attachment, viewer: User | None) -> dict[str, Any]:
    """The attachment as ``viewer`` (who may see its post) gets it; the thumbnail URL is signed
    for them (core/media.py), unsigned for the viewer-neutral form of events."""
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": f"/api/v1/attachments/{attachment.pk}",
        "is_image": attachment.is_image,
        "thumbnail_url": media_url(attachment.thumbnail, viewer) or None,
        "width": attachment.width,
        "height": attachment.height,
        "alt_text": attachment.alt_text,
    }


def poll_data(post: Post, ctx: ViewerContext | None) -> dict[str, Any] | None:
    if post.kind != PostKind.POLL:
        return None
    now = ctx.now if ctx else dt.datetime.now(tz=dt.UTC)
    closed = post.poll_closes_at is not None and post.poll_closes_at <= now
    my_vote = ctx.my_votes.get(post.pk) if ctx else None
    visible = closed or my_vote is not None
    options = list(post.poll_options.all())
    return {
        "options": [
            {"id": o.pk, "label": o.label, "votes": o.vote_count if visible else None}
            for o in options
        ],
        "my_vote": my_vote,
        "closed": closed,
        "closes_at": post.poll_closes_at,
        "results_visible": visible,
        "total_votes": sum(o.vote_count for o in options) if visible else None,
    }


def community_ref(post: Post) -> dict[str, Any] | None:
    """The community a post was made in (``post_queryset`` selects it), or None. ``id`` and
    ``privacy`` let the websocket decide without a query whether a socket may see it."""
    community = post.community if post.community_id is not None else None
    if community is None:
        return None
    return {
        "id": community.pk,
        "handle": community.handle,
        "name": community.name,
        "privacy": community.privacy,
        "url": f"/c/{community.handle}/",
    }


def quoted_data(post: Post, ctx: ViewerContext | None) -> dict[str, Any] | None:
    quoted = post.quoted_post
    if quoted is None:
        return None
    if ctx is None:
        # The viewer-neutral form goes to every socket that may see ``post``: show the quoted
        # post only when all of them may (guests follow no authors or topics live, but share
        # communities), not a followers-only, community or announcement post.
        available = post.community_id is None and open_to_every_member(quoted)
    else:
        available = quoted.pk in ctx.visible_quotes
    available = available and quoted.deleted_at is None
    if not available:
        return {
            "id": quoted.pk,
            "is_deleted": quoted.deleted_at is not None,
            "available": False,
            "author": None,
            "body": "",
            "body_html": "",
            "created_at": None,
            "url": None,
        }
    return {
        "id": quoted.pk,
        "is_deleted": False,
        "available": True,
        "author": person_data(quoted.author),
        "body": quoted.body,
        "body_html": quoted.body_html,
        "created_at": quoted.created_at,
        "url": post_url(quoted.pk),
    }


def post_data(post: Post, ctx: ViewerContext | None) -> dict[str, Any]:
    """The post as the API shows it to ``ctx.viewer``; with ``ctx=None``, the viewer-neutral
    form for events (no ``my_reactions``, no ``poll.my_vote``). Deleted posts come out blank."""
    deleted = post.deleted_at is not None
    data: dict[str, Any] = {
        "id": post.pk,
        "url": post_url(post.pk),
        "author": person_data(post.author),
        "kind": post.kind,
        "audience": post.audience,
        "body": "" if deleted else post.body,
        "body_html": "" if deleted else post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "is_edited": post.edited_at is not None,
        "is_deleted": deleted,
        "counts": {"reply_count": post.reply_count, "reaction_count": post.reaction_count},
        "reaction_summary": dict(post.reaction_summary or {}),
        "topics": [] if deleted else [t.name for t in post.topics.all()],
        "attachments": []
        if deleted
        else [attachment_data(a, ctx.viewer if ctx else None) for a in post.attachments.all()],
        "poll": None if deleted else poll_data(post, ctx),
        "quoted_post": None if deleted else quoted_data(post, ctx),
        "accepted_reply_id": None if deleted else post.accepted_reply_id,
        "community": community_ref(post),
        "pinned": post.pinned_at is not None and not deleted,
    }
    if ctx is not None:
        data["my_reactions"] = ctx.my_reactions.get(post.pk, [])
    else:
        if data["poll"] is not None:
            data["poll"].pop("my_vote")
    return data


def reply_data(
    reply: Reply, *, my_reactions: dict[int, list[str]] | None, children: bool = True
) -> dict[str, Any]:
    """A reply (blank when deleted); ``my_reactions=None`` leaves out the viewer's reactions."""
    deleted = reply.deleted_at is not None
    data: dict[str, Any] = {
        "id": reply.pk,
        "post_id": reply.post_id,
        "parent_id": reply.parent_id,
        "author": None if deleted else person_data(reply.author),
        "body": "" if deleted else reply.body,
        "body_html": "" if deleted else reply.body_html,
        "created_at": reply.created_at,
        "edited_at": reply.edited_at,
        "is_deleted": deleted,
        "reaction_count": reply.reaction_count,
        "reaction_summary": dict(reply.reaction_summary or {}),
        "children": [],
    }
    if my_reactions is not None:
        data["my_reactions"] = my_reactions.get(reply.pk, [])
    if children:
        data["children"] = [
            reply_data(child, my_reactions=my_reactions, children=False)
            for child in getattr(reply, "thread_children", [])
        ]
    return data


# --- Output schemas (for validation and the OpenAPI document) --------------------------------


class PersonRefOut(Schema):
    username: str
    display_name: str
    photo_thumb_url: str | None
    profile_url: str
    is_active: bool


class PostCountsOut(Schema):
    reply_count: int
    reaction_count: int


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str = Field(description="Download path; always served as an attachment.")
    is_image: bool
    thumbnail_url: str | None
    width: int | None
    height: int | None
    alt_text: str


class PollOptionOut(Schema):
    id: int
    label: str
    votes: int | None = Field(description="Null until you have voted or the poll closed.")


class PollOut(Schema):
    options: list[PollOptionOut]
    my_vote: int | None = Field(description="The option id you voted for, or null.")
    closed: bool
    closes_at: dt.datetime | None
    results_visible: bool
    total_votes: int | None


class QuotedPostOut(Schema):
    id: int
    is_deleted: bool
    available: bool = Field(description="False when deleted or not visible to you: a tombstone.")
    author: PersonRefOut | None
    body: str
    body_html: str
    created_at: dt.datetime | None
    url: str | None


class CommunityRefOut(Schema):
    id: int
    handle: str
    name: str
    privacy: str = Field(description="open, closed or secret.")
    url: str


class PostOut(Schema):
    id: int
    url: str
    author: PersonRefOut
    kind: str = Field(description=f"One of: {', '.join(PostKind.values)}.")
    audience: str
    body: str = Field(description="The Markdown source (empty once deleted).")
    body_html: str = Field(description="Sanitised HTML, safe to insert as is.")
    created_at: dt.datetime
    edited_at: dt.datetime | None
    is_edited: bool
    is_deleted: bool
    counts: PostCountsOut
    reaction_summary: dict[str, int]
    my_reactions: list[str]
    topics: list[str]
    attachments: list[AttachmentOut]
    poll: PollOut | None
    quoted_post: QuotedPostOut | None
    accepted_reply_id: int | None = Field(
        description="The reply accepted as the answer of a question; null if none."
    )
    community: CommunityRefOut | None = Field(
        description="The community the post was made in; null for posts outside communities."
    )
    pinned: bool = Field(description="Pinned to the top of its community's page.")


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None = Field(description="Pass back as `cursor`; null on the last page.")


class ReplyOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonRefOut | None = Field(description="Null for a deleted reply (a tombstone).")
    body: str
    body_html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    is_deleted: bool
    reaction_count: int
    reaction_summary: dict[str, int]
    my_reactions: list[str]
    children: list["ReplyOut"]


class ThreadOut(Schema):
    post: PostOut | None = Field(description="Null when the post was deleted (a tombstone).")
    post_deleted: bool
    items: list[ReplyOut]
    next_cursor: str | None


class ReactionStateOut(Schema):
    post_id: int
    reply_id: int | None
    reaction_count: int
    reaction_summary: dict[str, int]
    my_reactions: list[str]


class ReactionOut(Schema):
    user: PersonRefOut
    kind: str
    created_at: dt.datetime


class ReactionPage(Schema):
    items: list[ReactionOut]
    next_cursor: str | None


class RevisionOut(Schema):
    id: int
    body: str
    created_at: dt.datetime


class RevisionList(Schema):
    post_id: int
    edited_at: dt.datetime | None
    items: list[RevisionOut]


class FollowOut(Schema):
    person: PersonRefOut
    since: dt.datetime


class FollowPage(Schema):
    items: list[FollowOut]
    next_cursor: str | None


class FollowStateOut(Schema):
    following: bool
    follower_count: int


class TopicOut(Schema):
    name: str
    label: str
    url: str
    post_count: int
    follower_count: int
    is_following: bool
    created_at: dt.datetime
    last_used_at: dt.datetime


class SuggestionsOut(Schema):
    people: list[PersonRefOut]
    topics: list[TopicOut]


# --- Input ----------------------------------------------------------------------------------


class StrictInput(Schema):
    """Unknown fields are an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PostIn(StrictInput):
    body: str = Field(description="Markdown: links, emphasis, lists, code; @mentions, #topics.")
    kind: PostKind = PostKind.POST
    poll_options: list[str] | None = Field(None, description="2 to 10 labels, for polls only.")
    poll_closes_at: Moment | None = Field(None, description="When a poll closes (future).")
    audience: str = Field("everyone", description="'everyone' or 'followers'.")
    quoted_post_id: int | None = Field(None, description="A post to quote (you must see it).")
    community: str | None = Field(
        None,
        max_length=80,
        description="The handle of a community you are a member of, to post there "
        "(audience must then be 'everyone').",
    )


class PostWithAttachmentsIn(PostIn):
    alt_texts: list[str] = Field(
        default_factory=list,
        description="A description of each file, in the order of ``files`` (for images: what a"
        " screen reader says).",
    )


class PostPatch(StrictInput):
    body: str


class ReplyIn(StrictInput):
    body: str
    parent_id: int | None = Field(
        None, description="Reply to this reply; a reply to a child attaches to its parent."
    )


class ReactionIn(StrictInput):
    kind: ReactionKind = Field(description=f"One of: {', '.join(ReactionKind.values)}.")


class VoteIn(StrictInput):
    option_id: int


class FeedQuery(Schema):
    order: str = Field("latest", pattern="^(latest|top)$")
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(20, ge=1, le=100)


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(50, ge=1, le=100)
