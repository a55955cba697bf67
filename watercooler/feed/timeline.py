"""The home feed: what it is made of (people, topics and communities followed, one's own
posts), in two orders, latest (newest first, cursor-paged over an index) and top (ranked by
engagement and closeness), and the suggestions a sparse feed shows. Read through the feed's one
visibility rule (``queries.visible_posts_q``); docs/feed.md explains the ranking."""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from watercooler.communities.models import Community
from watercooler.communities.queries import (
    member_community_ids,
)
from watercooler.core.paging import (
    InvalidCursorError,
    Page,
    decode_cursor,
    decode_moment,
    encode_cursor,
)
from watercooler.core.sqlcache import run_template
from watercooler.feed.audiences import post_audiences
from watercooler.feed.models import (
    PersonFollow,
    Post,
    Reaction,
    Reply,
    Topic,
    TopicFollow,
)
from watercooler.feed.queries import (
    FEED_PAGE_SIZE,
    MAX_PAGE_SIZE,
    FeedPage,
    cards_by_ids,
    check_reader,
    decode_time_cursor,
    followee_ids,
    page_newest_first,
    post_queryset,
    rule_reader,
    rule_shape,
    viewer_context,
    visible_posts_q,
)
from watercooler.people.models import Role, User

TOP_WINDOW_DAYS = 14
TOP_CANDIDATES = 500
FEED_ORDERS = ("latest", "top")


# --- Home feed ----------------------------------------------------------------------------------


def home_feed_q(
    viewer: User, *, author: str = "author_id", post: str = "pk", community: str = "community_id"
) -> Q:
    """What the home feed is made of: people, topics and communities I follow and my own posts
    (as id subqueries: no join can duplicate a row). Announcements are not among them: the feed
    shows them once, as pinned cards above it (the announcements app, through
    ``home_sections``), and folded ones are listed at /announcements/. ``author``, ``post`` and
    ``community`` name the fields the tests go on (``_latest_qs`` passes index-proof aliases)."""
    through = Post.topics.through
    my_topics = TopicFollow.objects.filter(follower_id=viewer.pk).values("topic_id")
    followed_topics = through.objects.filter(topic_id__in=my_topics).values("post_id")
    followed = (
        Q(**{f"{author}__in": followee_ids(viewer)})
        | Q(**{author: viewer.pk})
        | Q(**{f"{post}__in": followed_topics})
        | Q(**{f"{community}__in": member_community_ids(viewer, following=True)})
    )
    return followed & ~Q(**{f"{post}__in": post_audiences().all_post_ids()})


# A catch-up from at most this long ago walks the newest posts (post_recent_idx) and tests each:
# that range holds only the posts since then. Gathering the followed topics' posts instead read
# every post of each topic (15-24 ms for a socket opening on the full-size organisation).
CATCH_UP_WALK = dt.timedelta(hours=1)


def new_home_post_ids(viewer: User, since: dt.datetime, *, limit: int) -> list[int]:
    """Ids of the home feed's posts created after ``since`` that are not ``viewer``'s own,
    newest first, at most ``limit``: a socket's catch-up. A compiled template
    (core/sqlcache.py), like the feed's page: every socket asks once as it opens."""
    shape = rule_shape(viewer)
    # A recent ``since`` walks the newest posts; an old one plans as the feed's page does.
    sparse = False if since >= timezone.now() - CATCH_UP_WALK else _is_sparse(viewer)

    def build(reader: int, after: dt.datetime) -> QuerySet[Post, Any]:
        posts = _latest_qs(rule_reader(reader, shape), sparse=sparse, bare=True)
        return (
            posts.filter(created_at__gt=after)
            .exclude(author_id=reader)
            .order_by("-created_at", "-pk")
            .values_list("pk")[:limit]
        )

    key = ("home-since", shape, sparse, limit)
    return [row[0] for row in run_template(key, build, {"reader": viewer.pk, "after": since})]


def feed_page(
    viewer: User, *, order: str = "latest", cursor: str | None = None, limit: int = FEED_PAGE_SIZE
) -> FeedPage:
    """One page of the home feed. ``latest``: newest first, one indexed query (plus the fixed
    prefetches). ``top``: ranked, see ``top_score`` and docs/feed.md. Raises InvalidCursorError
    for a foreign cursor (including one from the other order)."""
    check_reader(viewer)
    if order == "top":
        return _top_page(viewer, cursor=cursor, limit=limit)
    if cursor and cursor.startswith("t"):
        raise InvalidCursorError("cursor is not valid")
    page = _latest_page(viewer, cursor=cursor, limit=limit)
    return FeedPage(page.items, page.next_cursor, viewer_context(viewer, page.items))


def _latest_page(viewer: User, *, cursor: str | None, limit: int) -> Page[Post]:
    """The latest feed's page in two queries: the page's ids from a compiled template of
    ``_latest_qs`` (building and compiling that query each time cost more than running it:
    core/sqlcache.py), then the posts by primary key with their prefetches."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    sparse = _is_sparse(viewer)
    shape = rule_shape(viewer)
    values: dict[str, int | dt.datetime] = {"reader": viewer.pk}
    if cursor:
        values["before"], values["before_id"] = decode_time_cursor(cursor)

    def build(
        reader: int, before: dt.datetime | None = None, before_id: int | None = None
    ) -> QuerySet[Post, Any]:
        posts = _latest_qs(rule_reader(reader, shape), sparse=sparse, bare=True)
        if before is not None:
            posts = posts.filter(created_at__lte=before).exclude(
                created_at=before, pk__gte=before_id
            )
        return posts.order_by("-created_at", "-pk").values_list("pk")[: limit + 1]

    key = ("home-latest", shape, sparse, bool(cursor), limit)
    return cards_by_ids([row[0] for row in run_template(key, build, values)], limit)


# A reader following at most this many people and topics has a sparse feed: gathering their
# authors' posts through post_author_recent_idx and sorting is cheaper than walking
# post_recent_idx until a page is full (bench/feed_scale.py, docs/feed.md) -- unless the
# communities they follow hold many posts, which that plan would gather and sort too
# (bench/community_scale.py: 360 ms instead of 12 ms for a member of busy communities).
SPARSE_FOLLOWS = 30
SPARSE_COMMUNITY_POSTS = 2000


def _is_sparse(viewer: User) -> bool:
    # Two compiled templates (core/sqlcache.py): building these small queries cost more than
    # running them.
    follows = run_template(
        "sparse-follows",
        lambda reader: PersonFollow.objects.filter(follower_id=reader).values_list("pk")[
            : SPARSE_FOLLOWS + 1
        ],
        {"reader": viewer.pk},
    )
    if len(follows) > SPARSE_FOLLOWS:
        return False
    counts = run_template(
        "sparse-community-posts",
        lambda reader: Community.objects.filter(
            pk__in=member_community_ids(User(pk=reader), following=True)
        ).values_list("post_count"),
        {"reader": viewer.pk},
    )
    community_posts: int = sum(row[0] for row in counts)
    return community_posts <= SPARSE_COMMUNITY_POSTS


def _latest_qs(viewer: User, *, sparse: bool | None = None, bare: bool = False) -> QuerySet[Post]:
    """The latest feed's query. For a dense feed the membership tests go on ``author_id + 0``
    and ``id + 0``, which no index matches, so SQLite walks post_recent_idx newest first and
    stops at the page's end instead of gathering every followed author's posts and sorting
    them (PostgreSQL chooses by cost and is not hurt by the hint)."""
    if sparse is None:
        sparse = _is_sparse(viewer)
    # bare: without the related rows a page shows (for a query of ids).
    posts = (Post.objects.all() if bare else post_queryset()).filter(deleted_at__isnull=True)
    if sparse:
        return posts.filter(visible_posts_q(viewer), home_feed_q(viewer))
    posts = posts.alias(author_key=F("author_id") + 0, post_key=F("id") + 0)
    posts = posts.alias(community_key=F("community_id") + 0)
    return posts.filter(visible_posts_q(viewer)).filter(
        home_feed_q(viewer, author="author_key", post="post_key", community="community_key")
    )


# Top: weights of the ranking (docs/feed.md explains them).
W_REACTION = 1.0
W_REPLY = 2.0
HALF_LIFE_HOURS = 18.0
REL_FOLLOW = 1.0
REL_TEAM = 0.8  # same manager, or manager / direct report
REL_DEPARTMENT = 0.4
REL_INTERACTED = 0.6
REL_SELF = 0.2
INTERACTION_DAYS = 60


@dataclass(frozen=True)
class Relationship:
    follows: frozenset[int]
    interacted: frozenset[int]
    department_id: int | None
    manager_id: int | None
    viewer_id: int


def relationship(viewer: User) -> Relationship:
    """Who the viewer is close to (2 queries): whom they follow and whose posts they recently
    reacted or replied to."""
    since = timezone.now() - dt.timedelta(days=INTERACTION_DAYS)
    reacted = Reaction.objects.filter(
        user_id=viewer.pk, created_at__gte=since, post__isnull=False
    ).values_list("post__author_id", flat=True)
    replied = Reply.objects.filter(author_id=viewer.pk, created_at__gte=since).values_list(
        "post__author_id", flat=True
    )
    interacted = set(reacted.union(replied))
    return Relationship(
        follows=frozenset(
            PersonFollow.objects.filter(follower_id=viewer.pk).values_list("followee_id", flat=True)
        ),
        interacted=frozenset(interacted - {viewer.pk}),
        department_id=viewer.department_id,
        manager_id=viewer.manager_id,
        viewer_id=viewer.pk,
    )


def top_score(
    *,
    age_hours: float,
    reactions: int,
    replies: int,
    author_id: int,
    author_department_id: int | None,
    author_manager_id: int | None,
    rel: Relationship,
) -> float:
    """score = (1 + ln(1 + reactions + 2·replies)) · (1 + closeness) · 2^(-age / 18 h)."""
    engagement = math.log1p(W_REACTION * reactions + W_REPLY * replies)
    closeness = 0.0
    if author_id == rel.viewer_id:
        closeness = REL_SELF
    else:
        if author_id in rel.follows:
            closeness += REL_FOLLOW
        if (
            (rel.manager_id is not None and author_manager_id == rel.manager_id)
            or author_id == rel.manager_id
            or author_manager_id == rel.viewer_id
        ):
            closeness += REL_TEAM
        elif rel.department_id is not None and author_department_id == rel.department_id:
            closeness += REL_DEPARTMENT
        if author_id in rel.interacted:
            closeness += REL_INTERACTED
    decay = 2 ** (-max(age_hours, 0.0) / HALF_LIFE_HOURS)
    return (1 + engagement) * (1 + closeness) * decay


def _top_page(viewer: User, *, cursor: str | None, limit: int) -> FeedPage:
    """Top order: the feed's posts of the last TOP_WINDOW_DAYS (at most TOP_CANDIDATES of them)
    ranked by ``top_score`` at a snapshot time fixed by the first page, then everything older in
    latest order. The cursor carries the snapshot and the position, so each post appears once.

    Cursor: "t" + base64([snapshot iso, offset]) while ranking, "l" + a latest cursor after.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    now = timezone.now()
    offset = 0
    if cursor:
        if cursor.startswith("l"):
            page = page_newest_first(_latest_qs(viewer), cursor=cursor[1:], limit=limit)
            nxt = f"l{page.next_cursor}" if page.next_cursor else None
            return FeedPage(page.items, nxt, viewer_context(viewer, page.items))
        if not cursor.startswith("t"):
            raise InvalidCursorError("cursor is not valid")
        snap, offset = decode_cursor(cursor[1:], 2)
        if not isinstance(offset, int) or offset < 0:
            raise InvalidCursorError("cursor is not valid")
        now = decode_moment(snap)
    since = now - dt.timedelta(days=TOP_WINDOW_DAYS)
    candidates = list(
        Post.objects.filter(
            visible_posts_q(viewer),
            home_feed_q(viewer),
            deleted_at__isnull=True,
            created_at__gt=since,
            created_at__lte=now,
        )
        .order_by("-created_at", "-id")
        .values_list(
            "id",
            "created_at",
            "reaction_count",
            "reply_count",
            "author_id",
            "author__department_id",
            "author__manager_id",
        )[:TOP_CANDIDATES]
    )
    rel = relationship(viewer)
    ranked = sorted(
        candidates,
        key=lambda c: (
            -top_score(
                age_hours=(now - c[1]).total_seconds() / 3600,
                reactions=c[2],
                replies=c[3],
                author_id=c[4],
                author_department_id=c[5],
                author_manager_id=c[6],
                rel=rel,
            ),
            -c[0],
        ),
    )
    chosen = ranked[offset : offset + limit]
    by_id = {p.pk: p for p in post_queryset().filter(pk__in=[c[0] for c in chosen])}
    items = [by_id[c[0]] for c in chosen if c[0] in by_id]
    next_cursor: str | None
    if offset + limit < len(ranked):
        next_cursor = "t" + encode_cursor([now.isoformat(), offset + limit])
    else:
        # The ranked window is done: continue in latest order below its oldest post.
        if candidates:
            oldest = candidates[-1]
            boundary = (oldest[1], oldest[0])
        else:
            boundary = (now, 2**62)
        rest = _latest_qs(viewer).filter(created_at__lte=boundary[0])
        rest = rest.exclude(created_at=boundary[0], pk__gte=boundary[1])
        next_cursor = None
        if rest.exists():
            next_cursor = "l" + encode_cursor([boundary[0].isoformat(), boundary[1]])
    return FeedPage(items, next_cursor, viewer_context(viewer, items))


@dataclass(frozen=True)
class Suggestions:
    people: list[User]
    topics: list[Topic]


def feed_suggestions(viewer: User, *, limit: int = 8) -> Suggestions:
    """For a newcomer (or anyone): active people in their team (same manager, their manager,
    their reports) then department whom they do not follow yet, and the most recently used
    topics they do not follow. Guests get none. Two queries."""
    check_reader(viewer)
    if viewer.is_guest:
        return Suggestions([], [])
    close = Q(manager_id=viewer.pk)
    if viewer.manager_id:
        close |= Q(manager_id=viewer.manager_id) | Q(pk=viewer.manager_id)
    if viewer.department_id:
        close |= Q(department_id=viewer.department_id)
    people = list(
        User.objects.filter(close, is_active=True)
        .exclude(pk=viewer.pk)
        .exclude(role=Role.GUEST)
        .exclude(pk__in=followee_ids(viewer))
        .order_by("sort_name", "id")[: limit * 3]
    )

    def team_first(person: User) -> int:
        same_team = person.manager_id in (viewer.pk, viewer.manager_id) and person.manager_id
        return 0 if same_team or person.pk == viewer.manager_id else 1

    people.sort(key=team_first)
    topics = list(
        Topic.objects.exclude(
            pk__in=TopicFollow.objects.filter(follower_id=viewer.pk).values("topic_id")
        )
        .filter(post_count__gt=0)
        .order_by("-last_used_at", "-id")[:limit]
    )
    return Suggestions(people=people[:limit], topics=topics)
