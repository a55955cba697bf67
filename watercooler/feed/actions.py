"""Everything that changes posts, replies, reactions, polls, topics and follows.

Each public ``do_*`` function takes keyword arguments only, checks that the actor may do it
(``PermissionDenied``; ``Http404`` for what they may not even see), validates its input
(``ValidationError`` keyed by field name, through the ``check_*`` helpers), writes in one
transaction and then, only once it commits, sends the realtime event (``feed.events``) and the
domain signal (``feed.signals``) other apps listen to. A duplicate (second like, second vote,
second follow) raises ``Conflict``, which the API answers with 409.

Callers load what the actor acts on through ``queries.access_*`` first, so the visibility rule
is applied once, in ``queries.visible_posts_q``.

Longer than most modules on purpose: posts, replies, reactions and polls share their checks,
the locking of the post they change and the topic, mention and event bookkeeping, so their
writes are read and reviewed together.
"""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, QuerySet
from django.http import Http404
from django.utils import timezone

from watercooler.communities.events import FollowsChanged
from watercooler.communities.models import (
    Community,
    Privacy,
)
from watercooler.communities.queries import access_community, membership_of
from watercooler.core.errors import Conflict, FieldErrors
from watercooler.core.events import community_group, send_event, user_group
from watercooler.core.markdown import find_mentions, find_topics, render_markdown
from watercooler.core.media import delete_stored_files
from watercooler.core.policy import check_active
from watercooler.core.signals import send_signal_on_commit
from watercooler.feed import events, policy, signals
from watercooler.feed.attachments import check_alt_text, check_upload, save_checked
from watercooler.feed.audiences import is_restricted, mark_unrestricted
from watercooler.feed.models import (
    Attachment,
    Audience,
    Mention,
    PersonFollow,
    PollOption,
    PollVote,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    Reply,
    Revision,
    Topic,
    TopicFollow,
)
from watercooler.feed.queries import (
    access_post,
    open_to_every_member,
    people_who_can_see,
    prefilled,
)
from watercooler.feed.schemas import post_data, reply_data
from watercooler.people.models import Role, User

POST_BODY_MAX = 20_000
REPLY_BODY_MAX = 10_000
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 10
POLL_OPTION_MAX = 140
MAX_MENTIONS = 50
MAX_TOPICS = 30


def _json(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as plain JSON types (datetimes as ISO strings), for channel layers."""
    plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return plain


def mention_url(username: str) -> str:
    return f"/people/{username}/"


def topic_url(name: str) -> str:
    return f"/topics/{name}/"


# --- Checks ----------------------------------------------------------------------------------


def check_can_post(actor: User, *, in_community: bool = False) -> None:
    check_active(actor)
    if not policy.can_post(actor, in_community=in_community):
        raise PermissionDenied("Guests can post only in communities they are members of.")


def check_body(raw: Any, *, limit: int, field: str = "body") -> str:
    if not isinstance(raw, str):
        raise ValidationError({field: ["Must be text."]})
    body = raw.strip()
    if not body:
        raise ValidationError({field: ["Write something first."]})
    if len(body) > limit:
        raise ValidationError({field: [f"At most {limit} characters (got {len(body)})."]})
    if "\x00" in body:
        raise ValidationError({field: ["Text may not contain NUL characters."]})
    return body


def check_poll_options(kind: str, options: list[str] | None) -> list[str]:
    if kind != PostKind.POLL:
        if options:
            raise ValidationError({"poll_options": ["Only polls have options."]})
        return []
    cleaned = [" ".join(str(o).split()) for o in options or []]
    if len(cleaned) < POLL_MIN_OPTIONS or len(cleaned) > POLL_MAX_OPTIONS:
        raise ValidationError(
            {"poll_options": [f"A poll needs {POLL_MIN_OPTIONS} to {POLL_MAX_OPTIONS} options."]}
        )
    if any(not o or len(o) > POLL_OPTION_MAX for o in cleaned):
        raise ValidationError(
            {"poll_options": [f"Each option needs 1 to {POLL_OPTION_MAX} characters."]}
        )
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise ValidationError({"poll_options": ["Options must differ from each other."]})
    return cleaned


@dataclass(frozen=True)
class RenderedBody:
    html: str
    mentioned: list[User]  # active, existing people linked, in order
    topics: dict[str, str]  # name -> label, in order


def render_body(body: str) -> RenderedBody:
    """Markdown to safe HTML, with @mentions of active people (one query) and #topics linked."""
    candidates = find_mentions(body)[:MAX_MENTIONS]
    people = (
        {
            u.username: u
            for u in User.objects.filter(username__in=candidates, is_active=True).exclude(
                role=Role.GUEST
            )
        }
        if candidates
        else {}  # most posts mention nobody: not even an empty query to build
    )
    html, mentions, topic_names = render_markdown(
        body,
        mention_url=lambda name: mention_url(name) if name in people else None,
        topic_url=topic_url,
    )
    labels = find_topics(body)
    topics = {name: labels.get(name, name) for name in topic_names[:MAX_TOPICS]}
    return RenderedBody(html=html, mentioned=[people[m] for m in mentions], topics=topics)


def _topics_for(labels: dict[str, str], *, now: dt.datetime) -> list[Topic]:
    """Existing topics for these names, new ones created (safe against a concurrent creator)."""
    if not labels:
        return []
    Topic.objects.bulk_create(
        [Topic(name=name, label=label, created_at=now) for name, label in labels.items()],
        ignore_conflicts=True,
    )
    return list(Topic.objects.filter(name__in=list(labels)))


def counts_in_topics(post: Post) -> bool:
    """Whether ``post`` counts in its topics' ``post_count``: whether every member may see it.
    A topic's count is shown to every member, so it leaves out posts of closed and secret
    communities (a count that moved when a secret community posted would tell outsiders it
    exists), followers-only posts and announcements' posts (``queries.visible_posts_q``)."""
    return open_to_every_member(post)


# One statement for the topics of a new post that counts in them: new topics are inserted with a
# count of 1, existing ones counted up, and every row's id comes back. Sorted by name, so two
# posts tagging the same topics lock their rows in the same order (PostgreSQL).
_UPSERT_COUNTED_TOPICS = """
    INSERT INTO feed_topic (name, label, created_at, post_count, follower_count, last_used_at)
    VALUES {rows}
    ON CONFLICT (name) DO UPDATE
        SET post_count = feed_topic.post_count + 1, last_used_at = excluded.last_used_at
    RETURNING id, name, label
"""


def _use_topics(labels: dict[str, str], *, now: dt.datetime, counted: bool) -> list[Topic]:
    """The topics ``labels`` names (name -> label) for a new post, sorted by name: created when
    missing and, when the post ``counted`` (``counts_in_topics``), counted and marked used now.
    The same rows and counts as ``_topics_for`` then ``_count_topic_use(..., 1)``, in one
    statement instead of three."""
    if not labels:
        return []
    if not counted:
        return sorted(_topics_for(labels, now=now), key=lambda t: t.name)
    names = sorted(labels)
    stamp = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for name in names:
        params += [name, labels[name], stamp, stamp]
    sql = _UPSERT_COUNTED_TOPICS.format(rows=", ".join(["(%s, %s, %s, 1, 0, %s)"] * len(names)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Loaded as ``post_queryset`` prefetches them: only these fields, the rest deferred.
    topics = [Topic.from_db(connection.alias, ["id", "name", "label"], row) for row in rows]
    return sorted(topics, key=lambda t: t.name)


def _count_topic_use(topic_ids: Iterable[int], delta: int, *, now: dt.datetime, post: Post) -> None:
    ids = list(topic_ids)
    if not ids or not counts_in_topics(post):
        return
    if delta > 0:
        Topic.objects.filter(pk__in=ids).update(
            post_count=F("post_count") + delta, last_used_at=now
        )
    else:
        Topic.objects.filter(pk__in=ids, post_count__gte=-delta).update(
            post_count=F("post_count") + delta
        )


def _who_can_see(post: Post, people: list[User], *, actor_id: int) -> list[User]:
    """The people among ``people`` but the actor who may see ``post`` (one query at most): the
    only ones a mention may notify."""
    others = [p for p in people if p.pk != actor_id]
    if not others:
        return []
    if post.audience == Audience.EVERYONE and post.community_id is None and not is_restricted(post):
        return [p for p in others if not p.is_guest]
    allowed = people_who_can_see(post, [p.pk for p in others])
    return [p for p in others if p.pk in allowed]


def _post_payload(post: Post) -> dict[str, Any]:
    """``post.created``'s payload of a post ``do_create_post`` just made (its relations at
    hand, so no re-read)."""
    return _json(post_data(post, None))


# --- Posts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostInput:
    """Checked input of a new post."""

    body: str
    kind: str
    audience: str
    poll_options: list[str]
    poll_closes_at: dt.datetime | None
    quoted_post: Post | None
    community: Community | None = None


NO_COMMUNITY = "No such community (or you are not a member)."


def check_post_community(author: User, handle: Any) -> Community:
    """The community ``handle`` if ``author`` is an active member of it (open communities too:
    one posts where one belongs), else ValidationError on ``community``. Unknown, invisible
    and not-a-member read alike, so a handle cannot be probed."""
    if not isinstance(handle, str) or not handle.strip():
        raise ValidationError({"community": [NO_COMMUNITY]})
    try:
        community = access_community(author, handle.strip())
    except Http404:
        raise ValidationError({"community": [NO_COMMUNITY]}) from None
    membership = membership_of(author, community)
    if membership is None or not membership.is_active:
        raise ValidationError({"community": [NO_COMMUNITY]})
    return community


def check_post_input(
    *,
    author: User,
    body: Any,
    kind: Any = PostKind.POST,
    audience: Any = Audience.EVERYONE,
    poll_options: list[str] | None = None,
    poll_closes_at: dt.datetime | None = None,
    quoted_post_id: int | None = None,
    community_handle: str | None = None,
) -> PostInput:
    """Validate a new post's input; every field's errors at once. With ``community_handle`` the
    post goes into that community (the author must be an active member; guests may then post
    too) and its audience must be "everyone": the community's privacy decides who sees it."""
    in_community = community_handle is not None and community_handle != ""
    check_can_post(author, in_community=in_community)
    errors = FieldErrors()
    quoted: Post | None = None
    community: Community | None = None
    checked_body = ""
    options: list[str] = []
    with errors.collect():
        checked_body = check_body(body, limit=POST_BODY_MAX)
    if kind not in PostKind.values:
        errors.add("kind", f"Must be one of: {', '.join(PostKind.values)}.")
    if audience not in Audience.values:
        errors.add("audience", f"Must be one of: {', '.join(Audience.values)}.")
    if in_community:
        with errors.collect():
            community = check_post_community(author, community_handle)
        if audience == Audience.FOLLOWERS:
            errors.add(
                "audience", "Posts in a community go to everyone who may see the community's posts."
            )
    with errors.collect():
        options = check_poll_options(str(kind), poll_options)
    if poll_closes_at is not None:
        if kind != PostKind.POLL:
            errors.add("poll_closes_at", "Only polls close.")
        elif poll_closes_at.tzinfo is None or poll_closes_at <= timezone.now():
            errors.add("poll_closes_at", "Must be a time in the future, with a time zone.")
    if quoted_post_id is not None:
        try:
            quoted = access_post(author, quoted_post_id, related=False)
        except Http404:
            errors.add("quoted_post_id", "No such post (or you cannot see it).")
    errors.raise_if_any()
    return PostInput(
        body=checked_body,
        kind=str(kind),
        audience=str(audience),
        poll_options=options,
        poll_closes_at=poll_closes_at,
        quoted_post=quoted,
        community=community,
    )


@transaction.atomic
def do_create_post(*, author: User, data: PostInput) -> Post:
    """Create a post from checked input (``check_post_input``).

    The post comes back as ``queries.post_queryset`` would load it (author, community, quoted
    post, topics, attachments and poll options at hand), so serialising it takes no query; the
    quoted post's author is the exception, loaded when first asked for.

    On commit: ``post.created`` to the author's (and topics') groups, or for a post in a
    community to the community's group (``events.post_created_groups``), and
    ``signals.post_created(post=, mentioned=[people who may see it])``.
    """
    community = data.community
    check_can_post(author, in_community=community is not None)
    now = timezone.now()
    rendered = render_body(data.body)
    post = Post.objects.create(
        author=author,
        kind=data.kind,
        audience=data.audience,
        body=data.body,
        body_html=rendered.html,
        quoted_post=data.quoted_post,
        created_at=now,
        last_activity_at=now,
        poll_closes_at=data.poll_closes_at,
        community=community,
    )
    # A new post has no audience of its own: known without asking.
    mark_unrestricted(post)
    if community is not None:
        Community.objects.filter(pk=community.pk).update(
            post_count=F("post_count") + 1, last_activity_at=now
        )
    options: list[PollOption] = []
    if data.poll_options:
        options = PollOption.objects.bulk_create(
            [
                PollOption(post=post, label=label, position=i)
                for i, label in enumerate(data.poll_options)
            ]
        )
    topics = _use_topics(rendered.topics, now=now, counted=counts_in_topics(post))
    # A new post has no topic rows yet: insert them, without the read ``topics.set`` makes.
    PostTopic = Post.topics.through  # noqa: N806 - a model class
    PostTopic.objects.bulk_create([PostTopic(post_id=post.pk, topic_id=t.pk) for t in topics])
    mentioned = _who_can_see(post, rendered.mentioned, actor_id=author.pk)
    Mention.objects.bulk_create([Mention(post=post, user=u, created_at=now) for u in mentioned])
    # What post_queryset's prefetches would find: nothing else wrote to this post yet.
    post.__dict__["_prefetched_objects_cache"] = {
        "topics": prefilled(post.topics.all(), topics),
        "attachments": prefilled(post.attachments.all(), []),
        "poll_options": prefilled(post.poll_options.all(), options),
    }
    send_event(
        events.post_created_groups(
            author_id=author.pk,
            topics=[t.name for t in topics],
            followers_only=post.audience == Audience.FOLLOWERS,
            community_id=community.pk if community is not None else None,
            community_open=community is not None and community.privacy == Privacy.OPEN,
        ),
        events.PostCreated(post=_post_payload(post)),
    )
    send_signal_on_commit(signals.post_created, sender=Post, post=post, mentioned=mentioned)
    return post


@transaction.atomic
def do_create_post_with_attachments(
    *, author: User, data: PostInput, uploads: Sequence[tuple[UploadedFile[bytes], str]]
) -> Post:
    """``do_create_post`` and then ``do_add_attachment`` for each (file, description), all or
    nothing: a file refused (``ValidationError`` on ``file`` or ``alt_text``) leaves no post."""
    post = do_create_post(author=author, data=data)
    for upload, alt_text in uploads:
        upload.seek(0)
        do_add_attachment(actor=author, post=post, upload=upload, alt_text=alt_text)
    return post


def create_post(author: User, **fields: Any) -> Post:
    """Check and create in one go (for the demo, tests and simple callers):
    ``create_post(user, body=..., kind=..., audience=..., poll_options=..., quoted_post_id=...)``."""
    return do_create_post(author=author, data=check_post_input(author=author, **fields))


def check_can_edit(*, actor: User, author_id: int) -> None:
    check_active(actor)
    if not policy.can_edit(actor, author_id=author_id):
        raise PermissionDenied("Only the author can edit this.")


def check_can_delete(
    *, actor: User, author_id: int, community_id: int | None = None, moderates: bool | None = None
) -> None:
    check_active(actor)
    if policy.can_delete(
        actor, author_id=author_id, community_id=community_id, moderates=moderates
    ):
        return
    raise PermissionDenied(
        "Only the author, an administrator or the community's moderators can delete this."
    )


def check_can_pin(*, actor: User, post: Post) -> None:
    """Owners and moderators of the post's community (and administrators) pin; a post outside
    communities cannot be pinned (ValidationError on ``post``)."""
    check_active(actor)
    if post.community_id is None:
        raise ValidationError({"post": ["Only posts in a community can be pinned."]})
    if not policy.can_pin(actor, post):
        raise PermissionDenied("Only the community's owners and moderators can pin posts.")


@transaction.atomic
def do_pin_post(*, actor: User, post: Post, pinned: bool) -> Post:
    """Pin ``post`` to the top of its community's page, or unpin it (the caller loaded it with
    ``access_post``). Pinning a pinned post keeps its first pin time; unpinning an unpinned one
    changes nothing. On commit: ``post.pinned`` to the community's group and the post's."""
    check_can_pin(actor=actor, post=post)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.deleted_at is not None:
        raise Http404("No such post.")
    if pinned == (post.pinned_at is not None):
        return post
    post.pinned_at = timezone.now() if pinned else None
    post.save(update_fields=["pinned_at"])
    assert post.community_id is not None  # check_can_pin
    send_event(
        [community_group(post.community_id), *events.post_groups(post.pk)],
        events.PostPinned(post_id=post.pk, pinned=pinned),
    )
    return post


@transaction.atomic
def do_edit_post(*, actor: User, post: Post, body: Any) -> Post:
    """Change a post's text (author only), keeping the old text as a Revision and marking it
    edited. Topics follow the new text. On commit: ``post.updated`` and
    ``signals.post_updated(post=, mentioned=[people newly mentioned])``."""
    check_can_edit(actor=actor, author_id=post.author_id)
    text = check_body(body, limit=POST_BODY_MAX)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.deleted_at is not None:
        raise Http404("No such post.")
    now = timezone.now()
    if text == post.body:
        return post
    Revision.objects.create(post=post, body=post.body, created_at=now)
    rendered = render_body(text)
    post.body, post.body_html, post.edited_at = text, rendered.html, now
    post.save(update_fields=["body", "body_html", "edited_at"])
    old_topics = set(post.topics.values_list("pk", flat=True))
    topics = _topics_for(rendered.topics, now=now)
    new_topics = {t.pk for t in topics}
    post.topics.set(topics)
    _count_topic_use(new_topics - old_topics, 1, now=now, post=post)
    _count_topic_use(old_topics - new_topics, -1, now=now, post=post)
    already = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    mentioned = [
        u for u in _who_can_see(post, rendered.mentioned, actor_id=actor.pk) if u.pk not in already
    ]
    Mention.objects.bulk_create([Mention(post=post, user=u, created_at=now) for u in mentioned])
    send_event(
        events.post_groups(post.pk),
        events.PostUpdated(
            post_id=post.pk,
            body=post.body,
            body_html=post.body_html,
            topics=sorted(t.name for t in topics),
            edited_at=now.isoformat(),
        ),
    )
    send_signal_on_commit(signals.post_updated, sender=Post, post=post, mentioned=mentioned)
    return post


@transaction.atomic
def do_delete_post(*, actor: User, post: Post) -> None:
    """Soft-delete a post (author, administrator, or a moderator of its community): its text, revisions, topics, mentions, poll
    and attachments go; the row stays so replies remain readable under a tombstone and quotes
    show one. On commit: ``post.deleted`` and ``signals.post_deleted(post=)``."""
    check_can_delete(actor=actor, author_id=post.author_id, community_id=post.community_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.deleted_at is not None:
        raise Http404("No such post.")
    now = timezone.now()
    topic_ids = list(post.topics.values_list("pk", flat=True))
    _count_topic_use(topic_ids, -1, now=now, post=post)
    post.topics.clear()
    files: list[str | None] = []
    for attachment in Attachment.objects.filter(post=post):
        files += [attachment.file.name, attachment.thumbnail.name]
    Attachment.objects.filter(post=post).delete()
    Revision.objects.filter(post=post).delete()
    Mention.objects.filter(post=post).delete()
    PollOption.objects.filter(post=post).delete()
    post.body, post.body_html, post.deleted_at = "", "", now
    post.save(update_fields=["body", "body_html", "deleted_at"])
    transaction.on_commit(lambda: delete_stored_files(files))
    send_event(events.post_groups(post.pk), events.PostDeleted(post_id=post.pk))
    send_signal_on_commit(signals.post_deleted, sender=Post, post=post)


@transaction.atomic
def do_add_attachment(
    *, actor: User, post: Post, upload: UploadedFile[bytes], alt_text: str = ""
) -> Attachment:
    """Attach a checked file to one's own post (at most ATTACHMENT_MAX_PER_POST). Images get a
    thumbnail and their size. On commit: ``post.updated`` is not sent; clients re-read."""
    check_can_edit(actor=actor, author_id=post.author_id)
    alt_text = check_alt_text(alt_text)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.deleted_at is not None:
        raise Http404("No such post.")
    count = Attachment.objects.filter(post=post).count()
    if count >= settings.ATTACHMENT_MAX_PER_POST:
        raise ValidationError(
            {"file": [f"A post has at most {settings.ATTACHMENT_MAX_PER_POST} attachments."]}
        )
    attachment = Attachment(post=post, alt_text=alt_text, position=count)
    save_checked(attachment, check_upload(upload))
    return attachment


# --- Replies ---------------------------------------------------------------------------------


def _reply_payload(reply: Reply) -> dict[str, Any]:
    return _json(reply_data(reply, my_reactions=None))


@transaction.atomic
def do_create_reply(*, author: User, post: Post, body: Any, parent_id: int | None = None) -> Reply:
    """Reply under ``post`` (which the caller loaded with ``access_post``), or under one of its
    replies: a reply to a child reply attaches to that child's parent (two levels at most).

    On commit: ``reply.created`` and ``signals.reply_created(reply=, mentioned=)``.
    """
    check_active(author)
    text = check_body(body, limit=REPLY_BODY_MAX)
    parent = None
    if parent_id is not None:
        parent = Reply.objects.filter(pk=parent_id, post_id=post.pk).first()
        if parent is None or parent.deleted_at is not None:
            raise ValidationError({"parent_id": ["No such reply under this post."]})
        if parent.parent_id is not None:
            parent = Reply.objects.get(pk=parent.parent_id)
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.deleted_at is not None:
        raise Http404("No such post.")
    now = timezone.now()
    rendered = render_body(text)
    reply = Reply.objects.create(
        post=locked,
        parent=parent,
        author=author,
        body=text,
        body_html=rendered.html,
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    locked.reply_count += 1
    mentioned = _who_can_see(locked, rendered.mentioned, actor_id=author.pk)
    Mention.objects.bulk_create([Mention(reply=reply, user=u, created_at=now) for u in mentioned])
    send_event(
        events.post_groups(post.pk),
        events.ReplyCreated(
            post_id=post.pk, reply=_reply_payload(reply), reply_count=locked.reply_count
        ),
    )
    send_signal_on_commit(signals.reply_created, sender=Reply, reply=reply, mentioned=mentioned)
    return reply


@transaction.atomic
def do_delete_reply(*, actor: User, reply: Reply) -> None:
    """Soft-delete a reply (author, administrator, or a moderator of the post's community);
    children stay under a tombstone."""
    # access_reply selected the post: no query for its community.
    check_can_delete(actor=actor, author_id=reply.author_id, community_id=reply.post.community_id)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.deleted_at is not None:
        raise Http404("No such reply.")
    reply.body, reply.body_html, reply.deleted_at = "", "", timezone.now()
    reply.save(update_fields=["body", "body_html", "deleted_at"])
    Revision.objects.filter(reply=reply).delete()
    Mention.objects.filter(reply=reply).delete()
    Post.objects.filter(pk=reply.post_id, reply_count__gt=0).update(
        reply_count=F("reply_count") - 1
    )
    count = Post.objects.filter(pk=reply.post_id).values_list("reply_count", flat=True).get()
    send_event(
        events.post_groups(reply.post_id),
        events.ReplyDeleted(post_id=reply.post_id, reply_id=reply.pk, reply_count=count),
    )
    send_signal_on_commit(signals.reply_deleted, sender=Reply, reply=reply)


# --- Reactions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReactionState:
    post_id: int
    reply_id: int | None
    reaction_count: int
    reaction_summary: dict[str, int]
    my_reactions: list[str]


def check_reaction_kind(kind: Any) -> str:
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": [f"Must be one of: {', '.join(ReactionKind.values)}."]})
    return str(kind)


def _reactions_on(post: Post, reply: Reply | None) -> QuerySet[Reaction]:
    """The reactions on ``reply``, or on ``post`` itself (not on its replies) without one."""
    if reply is not None:
        return Reaction.objects.filter(reply_id=reply.pk)
    return Reaction.objects.filter(post_id=post.pk, reply__isnull=True)


def _recount(*, user: User, post: Post, reply: Reply | None) -> ReactionState:
    """Recompute the target's counters from the reactions themselves (the row is locked)."""
    reactions = _reactions_on(post, reply)
    summary = {
        row["kind"]: row["n"]
        for row in reactions.values("kind").annotate(n=Count("id")).order_by("kind")
    }
    total = sum(summary.values())
    target: Post | Reply = reply if reply is not None else post
    target.reaction_summary, target.reaction_count = summary, total
    target.save(update_fields=["reaction_summary", "reaction_count"])
    mine = sorted(reactions.filter(user_id=user.pk).values_list("kind", flat=True))
    return ReactionState(
        post_id=post.pk,
        reply_id=reply.pk if reply is not None else None,
        reaction_count=total,
        reaction_summary=summary,
        my_reactions=mine,
    )


def _lock_target(post: Post, reply: Reply | None) -> tuple[Post, Reply | None]:
    if reply is not None:
        locked_reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if locked_reply.deleted_at is not None:
            raise Http404("No such reply.")
        return post, locked_reply
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.deleted_at is not None:
        raise Http404("No such post.")
    return locked, None


def _send_reaction_changed(state: ReactionState) -> None:
    send_event(
        events.post_groups(state.post_id),
        events.ReactionChanged(
            post_id=state.post_id,
            reply_id=state.reply_id,
            reaction_count=state.reaction_count,
            reaction_summary=state.reaction_summary,
        ),
    )


@transaction.atomic
def do_react(*, user: User, post: Post, reply: Reply | None = None, kind: Any) -> ReactionState:
    """React to ``post`` (or to ``reply``, one of its replies) with ``kind``; the caller loaded
    them through ``access_post`` / ``access_reply``. The same kind twice raises Conflict.
    On commit: ``reaction.changed`` and ``signals.reaction_added(reaction=)``."""
    check_active(user)
    kind = check_reaction_kind(kind)
    post, reply = _lock_target(post, reply)
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(
                post=post if reply is None else None, reply=reply, user=user, kind=kind
            )
    except IntegrityError:
        raise Conflict("You already reacted with this.") from None
    state = _recount(user=user, post=post, reply=reply)
    if reply is None:
        Post.objects.filter(pk=post.pk).update(last_activity_at=timezone.now())
    _send_reaction_changed(state)
    send_signal_on_commit(signals.reaction_added, sender=Reaction, reaction=reaction)
    return state


@transaction.atomic
def do_unreact(*, user: User, post: Post, reply: Reply | None = None, kind: Any) -> ReactionState:
    """Take back a reaction; Http404 when there is none of that kind.
    On commit: ``reaction.changed`` and ``signals.reaction_removed(reaction=)``."""
    check_active(user)
    kind = check_reaction_kind(kind)
    post, reply = _lock_target(post, reply)
    target = _reactions_on(post, reply)
    reaction = target.filter(user=user, kind=kind).first()
    if reaction is None:
        raise Http404("You have not reacted with this.")
    reaction.delete()
    state = _recount(user=user, post=post, reply=reply)
    _send_reaction_changed(state)
    send_signal_on_commit(signals.reaction_removed, sender=Reaction, reaction=reaction)
    return state


def do_toggle_reaction(
    *, user: User, post: Post, reply: Reply | None = None, kind: Any
) -> ReactionState:
    """One press of a reaction button: react with ``kind``, or take it back when already given.
    A second press that arrives before the first one's answer finds the change already made
    (``Conflict`` or ``Http404`` underneath): it answers with the state as it is now, so a
    double press counts once."""
    kind = check_reaction_kind(kind)
    given = _reactions_on(post, reply)
    mine = list(given.filter(user_id=user.pk).values_list("kind", flat=True))
    try:
        if kind in mine:
            return do_unreact(user=user, post=post, reply=reply, kind=kind)
        return do_react(user=user, post=post, reply=reply, kind=kind)
    except (Conflict, Http404):
        target: Post | Reply = reply if reply is not None else post
        target.refresh_from_db()
        return ReactionState(
            post_id=post.pk,
            reply_id=reply.pk if reply is not None else None,
            reaction_count=target.reaction_count,
            reaction_summary=dict(target.reaction_summary or {}),
            my_reactions=[k for k in mine if k != kind] if kind in mine else [*mine, kind],
        )


# --- Polls -----------------------------------------------------------------------------------


@transaction.atomic
def do_vote(*, user: User, post: Post, option_id: Any) -> PollVote:
    """Vote once in an open poll. Unknown option: ValidationError on ``option_id``; a second
    vote or a closed poll: Conflict. On commit: ``poll.voted`` (the total only)."""
    check_active(user)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.deleted_at is not None:
        raise Http404("No such post.")
    if post.kind != PostKind.POLL:
        raise ValidationError({"option_id": ["This post is not a poll."]})
    option = PollOption.objects.filter(pk=option_id, post=post).first()
    if option is None:
        raise ValidationError({"option_id": ["No such option in this poll."]})
    if post.poll_closes_at is not None and post.poll_closes_at <= timezone.now():
        raise Conflict("This poll is closed.")
    try:
        with transaction.atomic():
            vote = PollVote.objects.create(post=post, option=option, user=user)
    except IntegrityError:
        raise Conflict("You already voted in this poll.") from None
    PollOption.objects.filter(pk=option.pk).update(vote_count=F("vote_count") + 1)
    total = PollVote.objects.filter(post=post).count()
    send_event(events.post_groups(post.pk), events.PollVoted(post_id=post.pk, total_votes=total))
    return vote


# --- Follows ---------------------------------------------------------------------------------


def _follows_changed(follower: User) -> None:
    """Tell the follower's open websockets to re-join their author and topic groups, so an
    unfollow stops followers-only posts at once (docs/events.md, ``follows.changed``)."""
    send_event([user_group(follower.pk)], FollowsChanged())


@transaction.atomic
def do_follow_person(*, follower: User, followee: User) -> PersonFollow:
    """Follow someone the follower may see (loaded with ``people.queries.access_person``).
    Following oneself: ValidationError; twice: Conflict. On commit:
    ``signals.person_followed(follower=, followee=)``."""
    check_active(follower)
    if follower.pk == followee.pk:
        raise ValidationError({"username": ["You cannot follow yourself."]})
    try:
        with transaction.atomic():
            follow = PersonFollow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        raise Conflict(f"You already follow {followee.display_name}.") from None
    send_signal_on_commit(
        signals.person_followed, sender=PersonFollow, follower=follower, followee=followee
    )
    _follows_changed(follower)
    return follow


@transaction.atomic
def do_unfollow_person(*, follower: User, followee: User) -> None:
    check_active(follower)
    deleted, _ = PersonFollow.objects.filter(follower=follower, followee=followee).delete()
    if not deleted:
        raise Http404(f"You do not follow {followee.display_name}.")
    _follows_changed(follower)


@transaction.atomic
def do_follow_topic(*, follower: User, topic: Topic) -> TopicFollow:
    check_active(follower)
    try:
        with transaction.atomic():
            follow = TopicFollow.objects.create(follower=follower, topic=topic)
    except IntegrityError:
        raise Conflict(f"You already follow #{topic.label}.") from None
    Topic.objects.filter(pk=topic.pk).update(follower_count=F("follower_count") + 1)
    _follows_changed(follower)
    return follow


@transaction.atomic
def do_unfollow_topic(*, follower: User, topic: Topic) -> None:
    check_active(follower)
    deleted, _ = TopicFollow.objects.filter(follower=follower, topic=topic).delete()
    if not deleted:
        raise Http404(f"You do not follow #{topic.label}.")
    Topic.objects.filter(pk=topic.pk, follower_count__gt=0).update(
        follower_count=F("follower_count") - 1
    )
    _follows_changed(follower)
