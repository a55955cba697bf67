"""The feed endpoints of /api/v1: posts, replies, reactions, polls, the home feed, topics, follows.

Each endpoint parses its input, calls one action (writes) or query (reads) and returns a schema
from ``schemas.py``. Who may see or change what lives in ``queries`` and ``actions``; a post one
may not see answers 404 exactly like a missing one. ``Conflict`` (reacting twice, voting
twice, following twice, a closed poll) answers 409 with the usual error shape.

Attachments are uploaded one file per request, as multipart/form-data, to
``POST /posts/{id}/attachments`` (fields ``file`` and ``alt_text``) after the post is created;
they are downloaded through ``GET /attachments/{id}``, always as an attachment.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from watercooler.communities.models import Privacy
from watercooler.communities.policy import can_see_content
from watercooler.communities.queries import access_community, membership_of
from watercooler.core.pages import viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.core.schemas import ErrorOut, unchecked_json
from watercooler.feed import actions, queries, timeline
from watercooler.feed.attachments import download_response, with_descriptions
from watercooler.feed.models import Attachment, Post
from watercooler.feed.schemas import (
    AttachmentOut,
    FeedQuery,
    FollowPage,
    FollowStateOut,
    PageQuery,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    PostWithAttachmentsIn,
    ReactionIn,
    ReactionPage,
    ReactionStateOut,
    ReplyIn,
    ReplyOut,
    RevisionList,
    SuggestionsOut,
    ThreadOut,
    TopicOut,
    VoteIn,
    attachment_data,
    person_data,
    post_data,
    reply_data,
)
from watercooler.people.models import User
from watercooler.people.queries import access_person

posts_router = Router()
replies_router = Router()
feed_router = Router()
topics_router = Router()
follows_router = Router()
attachments_router = Router()
community_feed_router = Router()

READ: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _post_out(viewer: User, post: Post) -> dict[str, Any]:
    """One post as ``viewer`` sees it (re-read with its prefetches)."""
    fresh = queries.access_post(viewer, post.pk)
    return post_data(fresh, queries.viewer_context(viewer, [fresh]))


def page_data(page: queries.FeedPage) -> dict[str, Any]:
    return {
        "items": [post_data(p, page.context) for p in page.items],
        "next_cursor": page.next_cursor,
    }


def _page_out(request: HttpRequest, page: queries.FeedPage) -> HttpResponse:
    # A page of cards is the API's hottest answer: rendered without ninja's re-validation
    # (core.schemas.unchecked_json; feed/tests/test_api_page_schema.py compares it with PostPage).
    return unchecked_json(request, page_data(page))


# --- Posts -----------------------------------------------------------------------------------


@posts_router.post("", response={201: PostOut, **WRITE}, summary="Write a post")
def create_post(request: HttpRequest, payload: PostIn) -> Status[dict[str, Any]]:
    """A post, question or poll (``poll_options``: 2 to 10). ``audience`` "followers" shows it
    only to your followers. ``quoted_post_id`` quotes a post you can see. ``community`` (a
    handle) posts into a community you are an active member of; guests may post only there."""
    viewer = viewer_of(request)
    data = _checked_post(viewer, payload)
    post = actions.do_create_post(author=viewer, data=data)
    return Status(201, _new_post_out(viewer, post))


@posts_router.post(
    "/with-attachments",
    response={201: PostOut, **WRITE, 413: ErrorOut},
    summary="Write a post with files",
)
def create_post_with_attachments(
    request: HttpRequest,
    payload: Form[PostWithAttachmentsIn],
    files: File[list[UploadedFile]],
) -> Status[dict[str, Any]]:
    """multipart/form-data: the fields of ``POST /posts`` and one or more ``files`` (as ``POST
    /posts/{id}/attachments`` takes them), with ``alt_texts`` in the same order. All or
    nothing: a file refused (422 on ``file`` or ``alt_text``) leaves no post."""
    viewer = viewer_of(request)
    data = _checked_post(viewer, payload)
    post = actions.do_create_post_with_attachments(
        author=viewer, data=data, uploads=with_descriptions(files, payload.alt_texts)
    )
    fresh = queries.access_post(viewer, post.pk)
    return Status(201, post_data(fresh, queries.viewer_context(viewer, [fresh])))


def _checked_post(viewer: User, payload: PostIn) -> actions.PostInput:
    return actions.check_post_input(
        author=viewer,
        body=payload.body,
        kind=payload.kind,
        audience=payload.audience,
        poll_options=payload.poll_options,
        poll_closes_at=payload.poll_closes_at,
        quoted_post_id=payload.quoted_post_id,
        community_handle=payload.community,
    )


def _new_post_out(author: User, post: Post) -> dict[str, Any]:
    """A post ``do_create_post`` just returned, as its author sees it, without re-reading it:
    the action left its relations at hand, nobody has reacted or voted yet, and the quoted post
    is one ``check_post_input`` found the author may see."""
    quoted = {post.quoted_post_id} if post.quoted_post_id is not None else set()
    ctx = queries.ViewerContext(viewer=author, visible_quotes=quoted)
    return post_data(post, ctx)


@posts_router.get("/{post_id}", response={200: PostOut, **READ}, summary="One post")
def get_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """404 for a post that does not exist, was deleted, or that you may not see."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id)
    return post_data(post, queries.viewer_context(viewer, [post]))


@posts_router.patch("/{post_id}", response={200: PostOut, **WRITE}, summary="Edit a post")
def update_post(request: HttpRequest, post_id: int, payload: PostPatch) -> dict[str, Any]:
    """The author only (others get 403). The old text is kept as a revision."""
    viewer = viewer_of(request)
    post = actions.do_edit_post(
        actor=viewer, post=queries.access_post(viewer, post_id, related=False), body=payload.body
    )
    return _post_out(viewer, post)


@posts_router.delete("/{post_id}", response={204: None, **WRITE}, summary="Delete a post")
def delete_post(request: HttpRequest, post_id: int) -> Status[None]:
    """The author, an administrator, or for a post in a community its owners and moderators.
    Replies stay readable under a tombstone."""
    viewer = viewer_of(request)
    actions.do_delete_post(actor=viewer, post=queries.access_post(viewer, post_id, related=False))
    return Status(204, None)


@posts_router.post("/{post_id}/pin", response={200: PostOut, **WRITE}, summary="Pin a post")
def pin_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """Pin a post to the top of its community's page: the community's owners and moderators
    (403 for others); 422 for a post outside communities. Pinning twice changes nothing."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    actions.do_pin_post(actor=viewer, post=post, pinned=True)
    return _post_out(viewer, post)


@posts_router.delete("/{post_id}/pin", response={200: PostOut, **WRITE}, summary="Unpin a post")
def unpin_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """The same people as pinning; unpinning a post that is not pinned changes nothing."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    actions.do_pin_post(actor=viewer, post=post, pinned=False)
    return _post_out(viewer, post)


@posts_router.get(
    "/{post_id}/revisions", response={200: RevisionList, **READ}, summary="Earlier texts"
)
def list_post_revisions(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post, revisions = queries.post_revisions(viewer_of(request), post_id)
    return {
        "post_id": post.pk,
        "edited_at": post.edited_at,
        "items": [{"id": r.pk, "body": r.body, "created_at": r.created_at} for r in revisions],
    }


@posts_router.post(
    "/{post_id}/attachments",
    response={201: AttachmentOut, **WRITE, 413: ErrorOut},
    summary="Attach a file to your post",
)
def add_post_attachment(
    request: HttpRequest,
    post_id: int,
    file: File[UploadedFile],
    alt_text: Form[str] = "",
) -> Status[dict[str, Any]]:
    """multipart/form-data with ``file`` and optional ``alt_text``. Images (JPEG, PNG, WebP,
    GIF) get a thumbnail; other files: pdf, docx, xlsx, pptx, txt, csv, zip. At most 10 per
    post, each at most ATTACHMENT_MAX_BYTES."""
    viewer = viewer_of(request)
    attachment = actions.do_add_attachment(
        actor=viewer,
        post=queries.access_post(viewer, post_id, related=False),
        upload=file,
        alt_text=alt_text,
    )
    return Status(201, attachment_data(attachment, viewer))


# --- Replies ---------------------------------------------------------------------------------


@posts_router.get("/{post_id}/replies", response={200: ThreadOut, **READ}, summary="Replies")
def list_replies(request: HttpRequest, post_id: int, params: Query[PageQuery]) -> dict[str, Any]:
    """Top-level replies oldest first, each with its replies in ``children``. Replies under a
    deleted post stay readable: ``post`` is then null and ``post_deleted`` true."""
    viewer = viewer_of(request)
    thread = queries.replies_page(viewer, post_id, cursor=params.cursor, limit=params.limit)
    post = thread.post
    return {
        "post": None
        if post.deleted_at
        else post_data(post, queries.viewer_context(viewer, [post])),
        "post_deleted": post.deleted_at is not None,
        "items": [reply_data(r, my_reactions=thread.my_reactions) for r in thread.replies],
        "next_cursor": thread.next_cursor,
    }


@posts_router.post("/{post_id}/replies", response={201: ReplyOut, **WRITE}, summary="Reply")
def create_reply(request: HttpRequest, post_id: int, payload: ReplyIn) -> Status[dict[str, Any]]:
    """``parent_id`` replies to a reply; a reply to a child reply attaches to its parent."""
    viewer = viewer_of(request)
    reply = actions.do_create_reply(
        author=viewer,
        post=queries.access_post(viewer, post_id, related=False),
        body=payload.body,
        parent_id=payload.parent_id,
    )
    return Status(201, reply_data(reply, my_reactions={}))


@replies_router.delete("/{reply_id}", response={204: None, **WRITE}, summary="Delete a reply")
def delete_reply(request: HttpRequest, reply_id: int) -> Status[None]:
    viewer = viewer_of(request)
    actions.do_delete_reply(actor=viewer, reply=queries.access_reply(viewer, reply_id))
    return Status(204, None)


# --- Reactions -------------------------------------------------------------------------------


@posts_router.post(
    "/{post_id}/reactions", response={201: ReactionStateOut, **WRITE}, summary="React to a post"
)
def react_to_post(
    request: HttpRequest, post_id: int, payload: ReactionIn
) -> Status[actions.ReactionState]:
    """Reacting twice with the same kind answers 409."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    return Status(201, actions.do_react(user=viewer, post=post, kind=payload.kind))


@posts_router.delete(
    "/{post_id}/reactions", response={200: ReactionStateOut, **WRITE}, summary="Take it back"
)
def unreact_to_post(request: HttpRequest, post_id: int, payload: ReactionIn) -> Any:
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    return actions.do_unreact(user=viewer, post=post, kind=payload.kind)


@posts_router.post(
    "/{post_id}/reactions/toggle",
    response={200: ReactionStateOut, **WRITE},
    summary="Press a reaction button",
)
def toggle_post_reaction(
    request: HttpRequest, post_id: int, payload: ReactionIn
) -> actions.ReactionState:
    """Reacts with ``kind``, or takes it back when you had given it: what a reaction button
    does. A second press racing the first counts once (never 409)."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    return actions.do_toggle_reaction(user=viewer, post=post, kind=payload.kind)


@posts_router.get(
    "/{post_id}/reactions", response={200: ReactionPage, **READ}, summary="Who reacted"
)
def list_post_reactions(
    request: HttpRequest, post_id: int, params: Query[PageQuery]
) -> dict[str, Any]:
    page = queries.reactions_page(
        viewer_of(request), post_id=post_id, cursor=params.cursor, limit=params.limit
    )
    return _reactions_out(page)


def _reactions_out(page: Any) -> dict[str, Any]:
    return {
        "items": [
            {"user": person_data(r.user), "kind": r.kind, "created_at": r.created_at}
            for r in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@replies_router.post(
    "/{reply_id}/reactions", response={201: ReactionStateOut, **WRITE}, summary="React to a reply"
)
def react_to_reply(
    request: HttpRequest, reply_id: int, payload: ReactionIn
) -> Status[actions.ReactionState]:
    viewer = viewer_of(request)
    reply = queries.access_reply(viewer, reply_id)
    return Status(
        201, actions.do_react(user=viewer, post=reply.post, reply=reply, kind=payload.kind)
    )


@replies_router.delete(
    "/{reply_id}/reactions", response={200: ReactionStateOut, **WRITE}, summary="Take it back"
)
def unreact_to_reply(request: HttpRequest, reply_id: int, payload: ReactionIn) -> Any:
    viewer = viewer_of(request)
    reply = queries.access_reply(viewer, reply_id)
    return actions.do_unreact(user=viewer, post=reply.post, reply=reply, kind=payload.kind)


@replies_router.post(
    "/{reply_id}/reactions/toggle",
    response={200: ReactionStateOut, **WRITE},
    summary="Press a reaction button on a reply",
)
def toggle_reply_reaction(
    request: HttpRequest, reply_id: int, payload: ReactionIn
) -> actions.ReactionState:
    """As ``POST /posts/{post_id}/reactions/toggle``, for a reply."""
    viewer = viewer_of(request)
    reply = queries.access_reply(viewer, reply_id)
    return actions.do_toggle_reaction(user=viewer, post=reply.post, reply=reply, kind=payload.kind)


@replies_router.get(
    "/{reply_id}/reactions", response={200: ReactionPage, **READ}, summary="Who reacted"
)
def list_reply_reactions(
    request: HttpRequest, reply_id: int, params: Query[PageQuery]
) -> dict[str, Any]:
    page = queries.reactions_page(
        viewer_of(request), reply_id=reply_id, cursor=params.cursor, limit=params.limit
    )
    return _reactions_out(page)


# --- Polls -----------------------------------------------------------------------------------


@posts_router.post("/{post_id}/vote", response={200: PostOut, **WRITE}, summary="Vote in a poll")
def vote_in_poll(request: HttpRequest, post_id: int, payload: VoteIn) -> dict[str, Any]:
    """One vote per person: a second vote, or a vote in a closed poll, answers 409. The post
    comes back with the results."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    actions.do_vote(user=viewer, post=post, option_id=payload.option_id)
    return _post_out(viewer, post)


# --- Feed ------------------------------------------------------------------------------------


@feed_router.get("", response={200: PostPage, **READ}, summary="Your home feed")
def get_feed(request: HttpRequest, params: Query[FeedQuery]) -> HttpResponse:
    """Posts by people and topics you follow and your own (announcements are pinned apart:
    ``GET /announcements``).
    ``order=latest`` (newest first) or ``top`` (ranked; see docs/feed.md)."""
    page = timeline.feed_page(
        viewer_of(request), order=params.order, cursor=params.cursor, limit=params.limit
    )
    return _page_out(request, page)


@feed_router.get("/suggestions", response={200: SuggestionsOut, **READ}, summary="Who to follow")
def get_feed_suggestions(request: HttpRequest) -> dict[str, Any]:
    viewer = viewer_of(request)
    suggestions = timeline.feed_suggestions(viewer)
    return {
        "people": [person_data(p) for p in suggestions.people],
        "topics": [_topic_out(t, following=False) for t in suggestions.topics],
    }


# --- Communities' posts -------------------------------------------------------------------------


class CommunityFeedQuery(Schema):
    cursor: str | None = Field(None, max_length=1000)
    limit: int = Field(20, ge=1, le=100)
    show: str | None = Field(
        None,
        max_length=20,
        description=f"One of: {', '.join(queries.POST_FILTERS)} (questions by answer state).",
    )


class PinnedPosts(Schema):
    items: list[PostOut]


def _community_for_posts(viewer: User, handle: str) -> Any:
    """The community if ``viewer`` may read its posts. A secret or unknown community is 404
    (nothing can be probed); a closed one is listed in the directory, so a non-member learns
    nothing new from 403, and it tells them why the posts are missing."""
    community = access_community(viewer, handle)
    if not can_see_content(viewer, community, membership_of(viewer, community)):
        if community.privacy == Privacy.CLOSED:
            raise PermissionDenied("Only members can see this community's posts.")
        raise Http404("No such community.")
    return community


@community_feed_router.get(
    "/{handle}/feed", response={200: PostPage, 403: ErrorOut, **READ}, summary="A community's posts"
)
def community_feed_posts(
    request: HttpRequest, handle: str, params: Query[CommunityFeedQuery]
) -> HttpResponse:
    """Newest first. ``show``: all, questions, unanswered or answered. 403 for a closed
    community you are not a member of; 404 for one you may not know about."""
    viewer = viewer_of(request)
    community = _community_for_posts(viewer, handle)
    try:
        page = queries.community_posts_page(
            viewer, community, cursor=params.cursor, limit=params.limit, show=params.show
        )
    except ValueError as exc:
        if isinstance(exc, InvalidCursorError):
            raise
        raise ValidationError({"show": [str(exc)]}) from None
    return _page_out(request, page)


@community_feed_router.get(
    "/{handle}/pinned",
    response={200: PinnedPosts, 403: ErrorOut, **READ},
    summary="A community's pinned posts",
)
def community_feed_pinned(request: HttpRequest, handle: str) -> dict[str, Any]:
    """Most recently pinned first (at most 5); the same access as the community's feed."""
    viewer = viewer_of(request)
    community = _community_for_posts(viewer, handle)
    posts = queries.community_pinned_posts(viewer, community)
    context = queries.viewer_context(viewer, posts)
    return {"items": [post_data(p, context) for p in posts]}


# --- Topics ----------------------------------------------------------------------------------


def _topic_out(topic: Any, *, following: bool) -> dict[str, Any]:
    return {
        "name": topic.name,
        "label": topic.label,
        "url": actions.topic_url(topic.name),
        "post_count": topic.post_count,
        "follower_count": topic.follower_count,
        "is_following": following,
        "created_at": topic.created_at,
        "last_used_at": topic.last_used_at,
    }


@topics_router.get("/{name}", response={200: TopicOut, **READ}, summary="A topic")
def get_topic(request: HttpRequest, name: str) -> dict[str, Any]:
    details = queries.topic_details(viewer_of(request), name)
    return _topic_out(details.topic, following=details.is_following)


@topics_router.get("/{name}/posts", response={200: PostPage, **READ}, summary="A topic's posts")
def list_topic_posts(request: HttpRequest, name: str, params: Query[PageQuery]) -> HttpResponse:
    page = queries.topic_posts_page(
        viewer_of(request), name, cursor=params.cursor, limit=min(params.limit, 50)
    )
    return _page_out(request, page)


@topics_router.post("/{name}/follow", response={201: TopicOut, **WRITE}, summary="Follow a topic")
def follow_topic(request: HttpRequest, name: str) -> Status[dict[str, Any]]:
    viewer = viewer_of(request)
    topic = queries.access_topic(viewer, name)
    actions.do_follow_topic(follower=viewer, topic=topic)
    topic.refresh_from_db()
    return Status(201, _topic_out(topic, following=True))


@topics_router.delete("/{name}/follow", response={204: None, **WRITE}, summary="Unfollow a topic")
def unfollow_topic(request: HttpRequest, name: str) -> Status[None]:
    viewer = viewer_of(request)
    actions.do_unfollow_topic(follower=viewer, topic=queries.access_topic(viewer, name))
    return Status(204, None)


# --- Following people -------------------------------------------------------------------------


@follows_router.post(
    "/{username}/follow", response={201: FollowStateOut, **WRITE}, summary="Follow someone"
)
def follow_person(request: HttpRequest, username: str) -> Status[dict[str, Any]]:
    """Following twice answers 409; yourself, 422."""
    viewer = viewer_of(request)
    person = access_person(viewer, username)
    actions.do_follow_person(follower=viewer, followee=person)
    return Status(201, {"following": True, "follower_count": person.followers.count()})


@follows_router.delete(
    "/{username}/follow", response={204: None, **WRITE}, summary="Unfollow someone"
)
def unfollow_person(request: HttpRequest, username: str) -> Status[None]:
    viewer = viewer_of(request)
    actions.do_unfollow_person(follower=viewer, followee=access_person(viewer, username))
    return Status(204, None)


@follows_router.get(
    "/{username}/followers", response={200: FollowPage, **READ}, summary="Their followers"
)
def list_followers(request: HttpRequest, username: str, params: Query[PageQuery]) -> dict[str, Any]:
    viewer = viewer_of(request)
    page = queries.followers_page(
        viewer, access_person(viewer, username), cursor=params.cursor, limit=params.limit
    )
    return {
        "items": [{"person": person_data(f.follower), "since": f.created_at} for f in page.items],
        "next_cursor": page.next_cursor,
    }


@follows_router.get(
    "/{username}/following", response={200: FollowPage, **READ}, summary="Whom they follow"
)
def list_following(request: HttpRequest, username: str, params: Query[PageQuery]) -> dict[str, Any]:
    viewer = viewer_of(request)
    page = queries.following_page(
        viewer, access_person(viewer, username), cursor=params.cursor, limit=params.limit
    )
    return {
        "items": [{"person": person_data(f.followee), "since": f.created_at} for f in page.items],
        "next_cursor": page.next_cursor,
    }


# --- Attachments -----------------------------------------------------------------------------


@attachments_router.get(
    "/{attachment_id}", response={200: None, **READ}, summary="Download an attachment"
)
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """The file, always with ``Content-Disposition: attachment`` (never shown inline)."""
    viewer = viewer_of(request)
    attachment = Attachment.objects.filter(pk=attachment_id).only("post_id").first()
    post = queries.access_post(viewer, attachment.post_id if attachment else 0, related=False)
    return download_response(Attachment.objects.get(pk=attachment_id, post=post))
