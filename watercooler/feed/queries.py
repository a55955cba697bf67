"""Reads of posts, replies, reactions, topics and follows for pages and the API.

Who may see a post is decided in ONE place, ``visible_posts_q``; everything else (``can_see_post``,
``access_post``, feeds, topic pages, threads, quotes) goes through it. Posts in a community follow
the community's content rule (``communities.queries.content_communities_q``).

Lists page with keyset cursors ordered newest first on ``post_recent_idx`` (created_at, id), so a
page is one indexed query plus a fixed number of prefetches whatever its size (tests assert it).
The home feed is ``timeline.py``.

Longer than most modules on purpose: the visibility rule and every list that applies it live
together, so a change to the rule is read and reviewed next to all its uses.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from watercooler.communities.models import Community, Membership, MembershipStatus, Privacy
from watercooler.communities.queries import (
    check_can_see_content,
    member_community_ids,
    open_community_ids,
)
from watercooler.core.paging import (
    InvalidCursorError,
    Page,
    decode_cursor,
    decode_moment,
    encode_cursor,
)
from watercooler.core.policy import is_active_person
from watercooler.core.sqlcache import instances, listed, run_template
from watercooler.feed.audiences import is_restricted, post_audiences
from watercooler.feed.models import (
    Attachment,
    Audience,
    PersonFollow,
    PollOption,
    PollVote,
    Post,
    PostKind,
    Reaction,
    Reply,
    Revision,
    Topic,
    TopicFollow,
)
from watercooler.people.models import Role, User

FEED_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
REPLIES_PAGE_SIZE = 50
PROFILE_PAGE_SIZE = 5  # posts and replies on a profile, then "More"


def followee_ids(viewer: User) -> QuerySet[PersonFollow, Any]:
    """Subquery: the ids of the people ``viewer`` follows."""
    return PersonFollow.objects.filter(follower_id=viewer.pk).values("followee_id")


def visible_posts_q(viewer: User) -> Q:
    """THE visibility rule, as a filter on Post (deletion is not part of it).

    Members see posts to everyone outside communities and in open communities, their own,
    followers-only posts of people they follow and posts in the communities they belong to.
    Guests see only their own posts and their communities' posts. Nobody signed out or
    deactivated sees anything. Deactivated authors' posts stay visible.

    An announcement's post is not an ordinary post: it is seen by its audience (the people
    holding a receipt for it, written when it is published) and its author, and a company
    announcement by communications people and administrators too. Until it is published (a
    scheduled one), by its author only.

    Subqueries (not joins) keep an OR of them from duplicating rows. The SQL differs only by
    whether the viewer is a guest and whether they are communications people: a compiled
    template (``_latest_page``) keys on both.
    """
    if not is_active_person(viewer):
        return Q(pk__in=[])
    ordinary = Q(community_id__in=member_community_ids(viewer))
    if not viewer.is_guest:
        ordinary |= (
            Q(audience=Audience.EVERYONE, community__isnull=True)
            | Q(audience=Audience.EVERYONE, community_id__in=open_community_ids())
            | Q(audience=Audience.FOLLOWERS, author_id__in=followee_ids(viewer))
        )
    restricted = post_audiences()
    return (
        Q(author_id=viewer.pk)
        | Q(pk__in=restricted.addressed_post_ids(viewer))
        | (ordinary & ~Q(pk__in=restricted.hidden_post_ids(viewer)))
    )


def rule_shape(viewer: User) -> str:
    """What ``visible_posts_q``'s SQL depends on besides the reader's id (their role, as the rule
    sees it), for a compiled template's key; ``rule_reader`` gives the stand-in its builder
    filters for."""
    return (
        Role.GUEST if viewer.is_guest else Role.COMMS if viewer.is_communications else Role.MEMBER
    )


def rule_reader(reader: int, shape: str) -> User:
    """An active reader with id ``reader`` and the role ``rule_shape`` gave, for a template's
    builder."""
    return User(pk=reader, role=shape, is_active=True)


def community_content_q(viewer: User) -> Q:
    """``visible_posts_q`` for a list of one community's posts once ``check_can_see_content``
    passed (so every ordinary post in it is visible): only the announcements' part of the rule
    is left, and the list keeps its index (``post_community_recent_idx``)."""
    restricted = post_audiences()
    return (
        Q(author_id=viewer.pk)
        | Q(pk__in=restricted.addressed_post_ids(viewer))
        | ~Q(pk__in=restricted.hidden_post_ids(viewer))
    )


def visible_posts(viewer: User) -> QuerySet[Post]:
    """Posts ``viewer`` may see and that are not deleted."""
    return Post.objects.filter(visible_posts_q(viewer), deleted_at__isnull=True)


def open_to_every_member(post: Post) -> bool:
    """Whether every member (not guests) may see ``post``, deletion aside: to everyone, outside
    communities or in an open one, and not an announcement's post. Reads ``post.community`` and may ask
    whether it is an announcement's (``audiences.is_restricted``)."""
    if post.audience != Audience.EVERYONE:
        return False
    community = post.community
    open_to_all = community is None or community.privacy == Privacy.OPEN
    return open_to_all and not is_restricted(post)


def can_see_post(viewer: User, post: Post) -> bool:
    """Whether ``viewer`` may see ``post`` (deleted or not). One query at most."""
    if not is_active_person(viewer):
        return False
    if post.author_id == viewer.pk:
        return True
    if (
        post.audience == Audience.EVERYONE
        and post.community_id is None
        and not viewer.is_guest
        and not is_restricted(post)
    ):
        return True
    return Post.objects.filter(visible_posts_q(viewer), pk=post.pk).exists()


def people_who_can_see(post: Post, user_ids: Iterable[int]) -> set[int]:
    """The subset of ``user_ids`` for whom ``can_see_post`` holds, in at most five queries
    however many people are asked about; nobody, for a deleted post.

    The rule of ``visible_posts_q`` read from the post's side, branch by branch: active people
    only; the author; for an announcement's post, anyone holding a receipt for it; then, for an
    ordinary post (or, for communications people only, a published company announcement's), the
    community's active members for a post in a community and members (``is_guest`` is false)
    for posts to everyone outside communities or in an open one, and for posts to followers
    when they follow the author. Keep the two in step:
    ``test_people_who_can_see_agrees_with_can_see_post`` compares them.
    """
    wanted = set(user_ids)
    if not wanted or post.deleted_at is not None:
        return set()
    people = User.objects.filter(pk__in=wanted, is_active=True).only(
        "id", "role", "is_superuser", "is_active"
    )
    active = {person.pk: person for person in people}
    visible = {post.author_id} & active.keys()
    restricted = post_audiences().audience(post.pk, active.keys() - visible)
    if restricted is not None and not restricted.published:
        return visible
    if restricted is not None:
        visible |= restricted.addressed
    # Who may see it as an ordinary post: everyone for one, communications people only for a
    # company announcement.
    ordinary = {
        pk: person
        for pk, person in active.items()
        if pk not in visible
        and (restricted is None or (restricted.communications_too and person.is_communications))
    }
    members = {pk for pk, person in ordinary.items() if not person.is_guest}
    open_to_members = post.audience == Audience.EVERYONE
    if post.community_id is not None:
        privacy = Community.objects.filter(pk=post.community_id).values_list("privacy", flat=True)
        open_to_members = open_to_members and privacy.first() == Privacy.OPEN
        if ordinary:
            visible |= set(
                Membership.objects.filter(
                    community_id=post.community_id,
                    status=MembershipStatus.ACTIVE,
                    user_id__in=ordinary,
                ).values_list("user_id", flat=True)
            )
    if open_to_members:
        visible |= members
    elif post.audience == Audience.FOLLOWERS and members:
        visible |= set(
            PersonFollow.objects.filter(
                followee_id=post.author_id, follower_id__in=members
            ).values_list("follower_id", flat=True)
        )
    return visible


def post_queryset() -> QuerySet[Post]:
    """Posts with everything the API and pages show selected or prefetched (fixed query count)."""
    return Post.objects.select_related(
        "author", "quoted_post", "quoted_post__author", "community"
    ).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("id", "name", "label").order_by("name")),
        "attachments",
        "poll_options",
    )


# The author columns a post card shows (schemas.person_data, feed/_post.html, the avatar): a User
# row has ~35 columns, two of them JSON, and a page builds up to 40 of them.
_CARD_PERSON_FIELDS = (
    "username",
    "display_name",
    "title",
    "photo",
    "photo_thumb",
    "is_active",
    "role",
)
_CARD_COMMUNITY_FIELDS = ("name", "handle", "privacy")


def posts_in_order(ids: Sequence[int]) -> list[Post]:
    """The posts ``ids`` (already chosen by a visibility-checked query), in that order, with what
    a page shows: the same data as ``post_queryset`` in the same number of queries or fewer,
    for less Python. Topics, attachments and poll options are read as plain rows and put where
    ``post.topics.all()`` and friends find them: Django's prefetch builds a related manager per
    post and each query through the full queryset machinery (docs/performance.md)."""
    if not ids:
        return []
    post_fields = [f.name for f in Post._meta.concrete_fields]

    def build(**chosen: int) -> QuerySet[Post]:
        return (
            Post.objects.select_related("author", "quoted_post", "quoted_post__author", "community")
            .only(
                *post_fields,
                *(f"author__{name}" for name in _CARD_PERSON_FIELDS),
                *(f"quoted_post__{name}" for name in post_fields),
                *(f"quoted_post__author__{name}" for name in _CARD_PERSON_FIELDS),
                *(f"community__{name}" for name in _CARD_COMMUNITY_FIELDS),
            )
            .filter(pk__in=list(chosen.values()), deleted_at__isnull=True)
        )

    # Compiled once per page length (core/sqlcache.py): building this query was a fifth of a
    # feed request.
    found = {post.pk: post for post in instances(("cards", len(ids)), build, listed("id", ids))}
    posts = [found[pk] for pk in ids if pk in found]
    _attach_page_rows(posts)
    return posts


def _attach_page_rows(posts: Sequence[Post]) -> None:
    """Fill the prefetch caches of ``topics``, ``attachments`` and ``poll_options`` (the last
    only read when the page has a poll)."""
    if not posts:
        return
    ids = [p.pk for p in posts]
    topics: dict[int, list[Topic]] = {pk: [] for pk in ids}
    through = Post.topics.through
    for post_id, topic_id, name, label in run_template(
        ("card-topics", len(ids)),
        lambda **chosen: (
            through.objects.filter(post_id__in=list(chosen.values()))
            .values_list("post_id", "topic_id", "topic__name", "topic__label")
            .order_by("topic__name")
        ),
        listed("id", ids),
    ):
        topics[post_id].append(Topic(id=topic_id, name=name, label=label))
    attachments: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    for attachment in instances(
        ("card-attachments", len(ids)),
        lambda **chosen: Attachment.objects.filter(post_id__in=list(chosen.values())).order_by(
            "position", "id"
        ),
        listed("id", ids),
    ):
        attachments[attachment.post_id].append(attachment)
    options: dict[int, list[PollOption]] = {p.pk: [] for p in posts if p.kind == PostKind.POLL}
    if options:
        for option in instances(
            ("card-poll-options", len(options)),
            lambda **chosen: PollOption.objects.filter(post_id__in=list(chosen.values())).order_by(
                "position"
            ),
            listed("id", list(options)),
        ):
            options[option.post_id].append(option)
    # Most posts have no topic, attachment or poll: they share one empty answer per relation
    # instead of a queryset each (60 querysets a page were a tenth of a feed request).
    no_topics: QuerySet[Topic] = prefilled(QuerySet(Topic), [])
    no_attachments: QuerySet[Attachment] = prefilled(QuerySet(Attachment), [])
    no_options: QuerySet[PollOption] = prefilled(QuerySet(PollOption), [])
    for post in posts:
        cache = post.__dict__.setdefault("_prefetched_objects_cache", {})
        post_topics, post_attachments = topics[post.pk], attachments[post.pk]
        post_options = options.get(post.pk)
        cache["topics"] = prefilled(QuerySet(Topic), post_topics) if post_topics else no_topics
        cache["attachments"] = (
            prefilled(QuerySet(Attachment), post_attachments)
            if post_attachments
            else no_attachments
        )
        cache["poll_options"] = (
            prefilled(QuerySet(PollOption), post_options) if post_options else no_options
        )


def prefilled[M: Model](queryset: QuerySet[M], rows: list[M]) -> QuerySet[M]:
    """``queryset`` (not evaluated) answering with ``rows`` without a query, as a finished
    prefetch does; put it in an instance's ``_prefetched_objects_cache``. Chained calls
    (``.filter()``) still ask the database, with ``queryset``'s own filters: pass a related
    manager's ``.all()`` when they must hold, a bare ``QuerySet(model)`` where only the rows are
    read (a page's cards: a third of the cost, 60 times a page)."""
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]  # a private flag, as Django sets it
    return queryset


def access_post(
    viewer: User, post_id: int, *, include_deleted: bool = False, related: bool = True
) -> Post:
    """The post ``post_id`` if ``viewer`` may see it, else Http404 (the same for missing, not
    visible and, unless ``include_deleted``, deleted posts, so nothing can be probed)."""
    if not is_active_person(viewer):
        raise Http404("No such post.")
    posts = post_queryset() if related else Post.objects.all()
    posts = posts.filter(visible_posts_q(viewer), pk=post_id)
    if not include_deleted:
        posts = posts.filter(deleted_at__isnull=True)
    post = posts.first()
    if post is None:
        raise Http404("No such post.")
    return post


def access_reply(viewer: User, reply_id: int) -> Reply:
    """A reply that is not deleted, under a post ``viewer`` may see (deleted posts included:
    their replies stay readable), else Http404."""
    if not is_active_person(viewer):
        raise Http404("No such reply.")
    reply = (
        Reply.objects.select_related("post", "author")
        .filter(
            pk=reply_id,
            deleted_at__isnull=True,
            post__in=Post.objects.filter(visible_posts_q(viewer)),
        )
        .first()
    )
    if reply is None:
        raise Http404("No such reply.")
    return reply


def can_fetch_attachment_file(viewer: User, name: str) -> bool:
    """Whether ``viewer`` may fetch the stored file ``name``, a post attachment or its thumbnail:
    the post is not deleted and ``can_see_post`` holds (the media view's check for URLs that
    carry no signature; two queries at most)."""
    if not is_active_person(viewer) or not name:
        return False
    attachment = (
        Attachment.objects.select_related("post")
        .filter(Q(file=name) | Q(thumbnail=name), post__deleted_at__isnull=True)
        .first()
    )
    return attachment is not None and can_see_post(viewer, attachment.post)


def access_topic(viewer: User, name: str) -> Topic:
    """The topic ``name`` if ``viewer`` may know it (``readable_topics_q``) or follows it, else
    Http404 (the same as for a topic nobody used). One query (two for a guest: their count);
    ``is_following`` is set on it."""
    if not is_active_person(viewer):
        raise Http404("No such topic.")
    following = Exists(TopicFollow.objects.filter(follower_id=viewer.pk, topic_id=OuterRef("pk")))
    topic = (
        Topic.objects.annotate(is_following=following)
        .filter(name=name.lower()[:64])
        .filter(readable_topics_q(viewer) | Q(is_following=True))
        .first()
    )
    if topic is None:
        raise Http404("No such topic.")
    set_reader_counts(viewer, [topic])
    return topic


def readable_topics_q(viewer: User) -> Q:
    """Filter on Topic: the topics ``viewer`` may know exist, i.e. that tag a post (not deleted)
    they may see. A topic used only in secret communities, followers-only posts or
    announcements is not revealed to anyone else by its page, the lists or the suggestions.

    For members, ``post_count`` (posts every member may see: ``actions.counts_in_topics``)
    above zero answers without looking at a post; the subquery runs only for the others."""
    tagged = Exists(visible_posts(viewer).filter(topics=OuterRef("pk")))
    if viewer.is_guest:
        return Q(tagged)
    return Q(post_count__gt=0) | Q(tagged)


def set_reader_counts(viewer: User, topics: Sequence[Topic]) -> None:
    """Make each topic's ``post_count`` count only posts ``viewer`` may see. A member's is the
    stored count already (posts every member may see); a guest sees none of those, so theirs
    is counted over the posts they may see, in one query for all ``topics``."""
    if not viewer.is_guest or not topics:
        return
    through = Post.topics.through
    rows = (
        through.objects.filter(
            topic_id__in=[t.pk for t in topics],
            post_id__in=visible_posts(viewer).values("pk"),
        )
        .values("topic_id")
        .annotate(n=Count("post_id"))
    )
    counts = {row["topic_id"]: row["n"] for row in rows}
    for topic in topics:
        topic.post_count = counts.get(topic.pk, 0)


# --- What depends on who is looking ----------------------------------------------------------


@dataclass
class ViewerContext:
    """Per-viewer facts about a set of posts, loaded in a fixed number of queries."""

    viewer: User | None
    my_reactions: dict[int, list[str]] = field(default_factory=dict)
    my_votes: dict[int, int] = field(default_factory=dict)
    visible_quotes: set[int] = field(default_factory=set)
    now: dt.datetime = field(default_factory=timezone.now)


def viewer_context(viewer: User | None, posts: Sequence[Post]) -> ViewerContext:
    """My reactions, my votes and which quoted posts I may see, for ``posts`` (3 queries at most;
    none for an empty page)."""
    ctx = ViewerContext(viewer=viewer)
    ids = [p.pk for p in posts]
    if not ids:
        return ctx
    quoted = {p.quoted_post_id for p in posts if p.quoted_post_id}
    if viewer is None:
        ctx.visible_quotes = {
            p.quoted_post_id
            for p in posts
            if p.quoted_post_id and p.quoted_post and p.quoted_post.audience == Audience.EVERYONE
        }
        return ctx
    # Compiled templates (core/sqlcache.py), as the page's cards are.
    for post_id, kind in run_template(
        ("my-reactions", len(ids)),
        lambda reader, **chosen: Reaction.objects.filter(
            user_id=reader, post_id__in=list(chosen.values()), reply__isnull=True
        ).values_list("post_id", "kind"),
        {"reader": viewer.pk, **listed("id", ids)},
    ):
        ctx.my_reactions.setdefault(post_id, []).append(kind)
    polls = [p.pk for p in posts if p.kind == "poll"]
    if polls:
        votes = run_template(
            ("my-votes", len(polls)),
            lambda reader, **chosen: PollVote.objects.filter(
                user_id=reader, post_id__in=list(chosen.values())
            ).values_list("post_id", "option_id"),
            {"reader": viewer.pk, **listed("id", polls)},
        )
        ctx.my_votes = dict(votes)  # type: ignore[arg-type]  # rows of two: (post, option)
    if quoted:
        ctx.visible_quotes = set(
            Post.objects.filter(visible_posts_q(viewer), pk__in=quoted).values_list("pk", flat=True)
        )
    return ctx


# --- Paging newest first -----------------------------------------------------------------------


def decode_time_cursor(cursor: str) -> tuple[dt.datetime, int]:
    created, pk = decode_cursor(cursor, 2)
    if not isinstance(pk, int):
        raise InvalidCursorError("cursor is not valid")
    return decode_moment(created), pk


def _time_cursor(row: Any, time_field: str = "created_at") -> str:
    return encode_cursor([getattr(row, time_field).isoformat(), row.pk])


def page_newest_first[T: Model](
    queryset: QuerySet[T], *, cursor: str | None, limit: int, time_field: str = "created_at"
) -> Page[T]:
    """One page of ``queryset`` ordered by (time_field, id) descending, after ``cursor``."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    queryset = _after_cursor(queryset, cursor, time_field)
    rows = list(queryset.order_by(f"-{time_field}", "-pk")[: limit + 1])
    next_cursor = _time_cursor(rows[limit - 1], time_field) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor)


def _after_cursor[T: Model](
    queryset: QuerySet[T], cursor: str | None, time_field: str = "created_at"
) -> QuerySet[T]:
    if not cursor:
        return queryset
    when, pk = decode_time_cursor(cursor)
    # A range on the index's leading column, then the tie on the id excluded: SQLite seeks
    # into the index with this; an OR of the two cases made it scan from the start.
    return queryset.filter(**{f"{time_field}__lte": when}).exclude(
        **{time_field: when, "pk__gte": pk}
    )


def card_page(posts: QuerySet[Post], *, cursor: str | None, limit: int) -> Page[Post]:
    """``page_newest_first`` for post cards: the page's ids from ``posts`` (any filter, no
    related rows needed), then ``posts_in_order``."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    ordered = _after_cursor(posts, cursor).order_by("-created_at", "-pk")
    return cards_by_ids(list(ordered.values_list("pk", flat=True)[: limit + 1]), limit)


def cards_by_ids(ids: Sequence[int], limit: int) -> Page[Post]:
    """A page from ``limit + 1`` ids at most: the cards of the first ``limit``, and a cursor
    when there were more."""
    items = posts_in_order(ids[:limit])
    next_cursor = _time_cursor(items[-1]) if len(ids) > limit and items else None
    return Page(items=items, next_cursor=next_cursor)


def page_oldest_first[T: Model](
    queryset: QuerySet[T], *, cursor: str | None, limit: int
) -> Page[T]:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if cursor:
        when, pk = decode_time_cursor(cursor)
        queryset = queryset.filter(created_at__gte=when).exclude(created_at=when, pk__lte=pk)
    rows = list(queryset.order_by("created_at", "pk")[: limit + 1])
    next_cursor = _time_cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor)


@dataclass(frozen=True)
class FeedPage:
    items: list[Post]
    next_cursor: str | None
    context: ViewerContext


def check_reader(viewer: User) -> None:
    if not is_active_person(viewer):
        raise Http404("Sign in first.")


# --- Topics ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicDetails:
    topic: Topic
    is_following: bool


def topic_details(viewer: User, name: str) -> TopicDetails:
    topic = access_topic(viewer, name)
    return TopicDetails(topic=topic, is_following=bool(topic.is_following))  # type: ignore[attr-defined]


# What a community or topic page can narrow its posts to (``?show=``).
POST_FILTERS = ("all", "questions", "unanswered", "answered")


def filter_posts(posts: QuerySet[Post], show: str | None) -> QuerySet[Post]:
    """Narrow ``posts`` to questions, unanswered questions (no accepted answer) or answered
    ones; anything else (or None) leaves them as they are. Raises ValueError for an unknown
    filter so callers answer 422."""
    if show in (None, "", "all"):
        return posts
    if show not in POST_FILTERS:
        raise ValueError(f"show must be one of: {', '.join(POST_FILTERS)}.")
    questions = posts.filter(kind=PostKind.QUESTION)
    if show == "unanswered":
        return questions.filter(accepted_reply__isnull=True)
    if show == "answered":
        return questions.filter(accepted_reply__isnull=False)
    return questions


def topic_posts_page(
    viewer: User,
    name: str,
    *,
    cursor: str | None = None,
    limit: int = FEED_PAGE_SIZE,
    show: str | None = None,
) -> FeedPage:
    """Visible, not deleted posts tagged ``name``, newest first (``show``: ``filter_posts``)."""
    topic = access_topic(viewer, name)
    through = Post.topics.through
    posts = post_queryset().filter(
        visible_posts_q(viewer),
        deleted_at__isnull=True,
        pk__in=through.objects.filter(topic_id=topic.pk).values("post_id"),
    )
    page = page_newest_first(filter_posts(posts, show), cursor=cursor, limit=limit)
    return FeedPage(page.items, page.next_cursor, viewer_context(viewer, page.items))


def community_posts_page(
    viewer: User,
    community: Community,
    *,
    cursor: str | None = None,
    limit: int = FEED_PAGE_SIZE,
    show: str | None = None,
) -> FeedPage:
    """The community's posts, newest first, for someone who may see its content (Http404
    otherwise); one query on ``post_community_recent_idx`` plus the fixed prefetches."""
    check_reader(viewer)
    check_can_see_content(viewer, community)
    posts = Post.objects.filter(
        community_content_q(viewer), community_id=community.pk, deleted_at__isnull=True
    )
    page = card_page(filter_posts(posts, show), cursor=cursor, limit=limit)
    return FeedPage(page.items, page.next_cursor, viewer_context(viewer, page.items))


def community_pinned_posts(viewer: User, community: Community, *, limit: int = 5) -> list[Post]:
    """The community's pinned posts, most recently pinned first (content access checked)."""
    check_reader(viewer)
    check_can_see_content(viewer, community)
    return list(
        post_queryset()
        .filter(community_content_q(viewer), community_id=community.pk)
        .filter(deleted_at__isnull=True, pinned_at__isnull=False)
        .order_by("-pinned_at", "-id")[:limit]
    )


def author_posts_page(
    viewer: User, author: User, *, cursor: str | None = None, limit: int = FEED_PAGE_SIZE
) -> FeedPage:
    """Visible posts by ``author``, newest first (post_author_recent_idx)."""
    check_reader(viewer)
    posts = post_queryset().filter(
        visible_posts_q(viewer), author_id=author.pk, deleted_at__isnull=True
    )
    page = page_newest_first(posts, cursor=cursor, limit=limit)
    return FeedPage(page.items, page.next_cursor, viewer_context(viewer, page.items))


def author_replies_page(
    viewer: User, author: User, *, cursor: str | None = None, limit: int = PROFILE_PAGE_SIZE
) -> Page[Reply]:
    """``author``'s replies and answers, newest first, on posts ``viewer`` may see
    (reply_author_recent_idx); each with its post (``post.accepted_reply_id`` tells an accepted
    answer)."""
    check_reader(viewer)
    replies = Reply.objects.select_related("post", "post__author").filter(
        author_id=author.pk,
        deleted_at__isnull=True,
        post__deleted_at__isnull=True,
        post_id__in=Post.objects.filter(visible_posts_q(viewer)).values("pk"),
    )
    return page_newest_first(replies, cursor=cursor, limit=limit)


# --- Threads, reactions, revisions -------------------------------------------------------------


@dataclass(frozen=True)
class ThreadPage:
    post: Post
    replies: list[Reply]  # top-level, oldest first, with ``thread_children`` set
    next_cursor: str | None
    my_reactions: dict[int, list[str]]  # reply id -> kinds


def replies_page(
    viewer: User, post_id: int, *, cursor: str | None = None, limit: int = REPLIES_PAGE_SIZE
) -> ThreadPage:
    """Top-level replies oldest first, each with all its children; deleted replies are kept as
    tombstones only when they have children. The post may be deleted (shown as a tombstone)."""
    post = access_post(viewer, post_id, include_deleted=True)
    top = Reply.objects.select_related("author").filter(post_id=post.pk, parent__isnull=True)
    live_parents = Reply.objects.filter(
        post_id=post.pk, parent__isnull=False, deleted_at__isnull=True
    ).values("parent_id")
    top = top.filter(Q(deleted_at__isnull=True) | Q(pk__in=live_parents))
    page = page_oldest_first(top, cursor=cursor, limit=limit)
    parents = [r.pk for r in page.items]
    children: dict[int, list[Reply]] = {}
    if parents:
        for child in (
            Reply.objects.select_related("author")
            .filter(parent_id__in=parents, deleted_at__isnull=True)
            .order_by("created_at", "id")
        ):
            children.setdefault(child.parent_id or 0, []).append(child)
    for reply in page.items:
        reply.thread_children = children.get(reply.pk, [])  # type: ignore[attr-defined]
    all_ids = parents + [c.pk for kids in children.values() for c in kids]
    mine: dict[int, list[str]] = {}
    if all_ids:
        for reply_id, kind in Reaction.objects.filter(
            user_id=viewer.pk, reply_id__in=all_ids
        ).values_list("reply_id", "kind"):
            mine.setdefault(reply_id, []).append(kind)
    return ThreadPage(post, page.items, page.next_cursor, mine)


def reactions_page(
    viewer: User,
    *,
    post_id: int | None = None,
    reply_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Reaction]:
    """Who reacted to a post (or to one of its replies), newest first."""
    if reply_id is not None:
        reply = access_reply(viewer, reply_id)
        reactions = Reaction.objects.filter(reply_id=reply.pk)
    else:
        post = access_post(viewer, post_id or 0, related=False)
        reactions = Reaction.objects.filter(post_id=post.pk, reply__isnull=True)
    return page_newest_first(reactions.select_related("user"), cursor=cursor, limit=limit)


def post_revisions(viewer: User, post_id: int) -> tuple[Post, list[Revision]]:
    """Earlier texts of a post, newest first, for anyone who may see it."""
    post = access_post(viewer, post_id, related=False)
    return post, list(Revision.objects.filter(post_id=post.pk).order_by("-created_at", "-id"))


# --- Follows --------------------------------------------------------------------------------


def followers_page(
    viewer: User, person: User, *, cursor: str | None = None, limit: int = 50
) -> Page[PersonFollow]:
    """Active people following ``person``, most recent first (``followers_idx``)."""
    follows = PersonFollow.objects.select_related("follower").filter(
        followee_id=person.pk, follower__is_active=True
    )
    return page_newest_first(follows, cursor=cursor, limit=limit)


def following_page(
    viewer: User, person: User, *, cursor: str | None = None, limit: int = 50
) -> Page[PersonFollow]:
    """Active people ``person`` follows, most recent first (``following_idx``)."""
    follows = PersonFollow.objects.select_related("followee").filter(
        follower_id=person.pk, followee__is_active=True
    )
    return page_newest_first(follows, cursor=cursor, limit=limit)


def is_following(viewer: User, person_ids: Iterable[int]) -> set[int]:
    return set(
        PersonFollow.objects.filter(
            follower_id=viewer.pk, followee_id__in=list(person_ids)
        ).values_list("followee_id", flat=True)
    )


# --- pages helpers (feed/views.py: topic list and suggestions, follow counts) -----------------


def active_topics_page(viewer: User, *, cursor: str | None = None, limit: int = 30) -> Page[Topic]:
    """Topics with posts every member may see, most recently used first (``topic_recent_idx``);
    for a guest, those tagging a post they may see, with their counts."""
    check_reader(viewer)
    if viewer.is_guest:
        topics = Topic.objects.filter(readable_topics_q(viewer))
    else:
        topics = Topic.objects.filter(post_count__gt=0)
    page = page_newest_first(topics, cursor=cursor, limit=limit, time_field="last_used_at")
    set_reader_counts(viewer, page.items)
    return page


def suggest_topics(viewer: User, prefix: str, *, limit: int = 8) -> list[Topic]:
    """Topics ``viewer`` may know whose name starts with ``prefix`` (the composer's
    #autocomplete), busiest first."""
    check_reader(viewer)
    name = prefix.strip().lstrip("#").lower()[:64]
    if not name:
        return []
    found = list(
        Topic.objects.filter(readable_topics_q(viewer), name__startswith=name).order_by(
            "-post_count", "name"
        )[:limit]
    )
    set_reader_counts(viewer, found)
    return found


@dataclass(frozen=True)
class FollowCounts:
    followers: int
    following: int


def follow_counts(person: User) -> FollowCounts:
    """How many active people follow ``person`` and whom they follow (2 queries)."""
    return FollowCounts(
        followers=PersonFollow.objects.filter(
            followee_id=person.pk, follower__is_active=True
        ).count(),
        following=PersonFollow.objects.filter(
            follower_id=person.pk, followee__is_active=True
        ).count(),
    )
