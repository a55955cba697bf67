"""Searching: one search over everything a person may see, and the type-ahead suggestions.

How a search runs (docs/search.md):
1. ``language.parse_query`` reads the words, phrases and operators.
2. Each engine gives the newest ``SEARCH_CANDIDATES`` matches of each kind (``engines.py``).
3. The candidates are loaded from the live tables *through each kind's visibility rule* (the
   feed's ``visible_posts``, ``visible_communities``, ``visible_events``, …), so an index that
   is out of date can never show what a person may not see, nor text edited away.
4. Each visible candidate is scored on its live text (``language.relevance``) with a recency
   boost as of the search's first page; the list is sorted by score and paged by a (moment,
   score, type, id) cursor.
Only the page's items get a snippet, a title and a URL.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from watercooler.communities.queries import visible_communities
from watercooler.core.inputs import EARLIEST, LATEST, MOMENT_MESSAGE
from watercooler.core.links import path_to
from watercooler.core.paging import InvalidCursorError, decode_cursor, encode_cursor
from watercooler.core.policy import is_active_person
from watercooler.core.sqlcache import instances, listed, run_template
from watercooler.events.queries import visible_events
from watercooler.feed.models import Attachment, Post, PostKind, Reply, Topic
from watercooler.feed.queries import readable_topics_q, rule_reader, rule_shape, visible_posts
from watercooler.people import queries as people_queries
from watercooler.people.models import User
from watercooler.search.engines import ContentFilter, engine
from watercooler.search.indexing import SOURCES, person_text
from watercooler.search.language import (
    TYPE_CHOICES,
    SearchQuery,
    name_value,
    parse_query,
    recency_boost,
    relevance,
    snippet,
)
from watercooler.search.models import KIND_SHIFT, NAME_KINDS

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
SUGGEST_LIMIT = 8
# Names are what people mostly look for by name: a name that matches outranks a post that
# mentions it as often.
NAME_WEIGHT = {"person": 3.0, "community": 2.5, "topic": 2.5, "event": 1.5, "file": 1.0}
CONTENT_WEIGHT = {"post": 1.0, "reply": 0.8}
# What a person result reads: its text (indexing.SOURCES) and its avatar.
PERSON_FIELDS = (
    "username",
    "display_name",
    "title",
    "bio",
    "role",
    "is_active",
    "photo_thumb",
    "department__name",
    "location__name",
)


@dataclass
class Hit:
    """One result. ``obj`` is what it was found through, read from the live tables: a
    ``Written`` row for a post or reply, the User, Community, Topic, Event or Attachment."""

    type: str
    id: int
    score: float
    obj: Any
    title: str = ""
    snippet: SafeString = field(default_factory=lambda: SafeString(""))
    url: str = ""
    created_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> tuple[float, int, int]:
        """Sort key, best first: score, then the type's place, then newest id."""
        return (-round(self.score, 6), ORDER.index(self.type), -self.id)


ORDER = ("person", "community", "topic", "post", "reply", "event", "file")


@dataclass
class SearchFilters:
    """What the page's or the API's filters add to the words typed (the words' own operators
    are merged into the same fields)."""

    type: str | None = None
    author: str | None = None
    community: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass
class SearchResults:
    query: SearchQuery
    items: list[Hit]
    next_cursor: str | None
    notes: list[str]


class SearchCursorError(InvalidCursorError):
    pass


def check_filters(filters: SearchFilters) -> None:
    """Refuse filters no search can apply, naming the field (422)."""
    errors: dict[str, list[str]] = {}
    if filters.type and filters.type not in TYPE_CHOICES:
        errors["type"] = ["Choose one of " + ", ".join(TYPE_CHOICES) + "."]
    for name in ("since", "until"):
        day = getattr(filters, name)
        if day is not None and not EARLIEST.date() <= day < LATEST.date():
            errors[name] = [MOMENT_MESSAGE]
    if not errors and filters.since and filters.until and filters.until < filters.since:
        errors["until"] = ["The end of the date range comes before its start."]
    if errors:
        raise ValidationError(errors)


def _merge(query: SearchQuery, filters: SearchFilters) -> SearchQuery:
    if filters.type:
        query.type = filters.type
    if filters.author:
        query.author = name_value(filters.author).lstrip("@") or query.author
    if filters.community:
        query.community = name_value(filters.community).lower() or query.community
    return query


def _day_start(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _content_filter(
    viewer: User, query: SearchQuery, filters: SearchFilters, notes: list[str]
) -> ContentFilter | None:
    """The operators as row filters, or None when one of them selects nothing (a note says
    which). A community the viewer may not see reads exactly as one that does not exist."""
    author_id = community_id = None
    if query.author:
        author_id = (
            User.objects.filter(username__iexact=query.author).values_list("pk", flat=True).first()
        )
        if author_id is None:
            notes.append(f"Nobody has the username “{query.author}”.")
            return None
    if query.community:
        community_id = (
            visible_communities(viewer)
            .filter(handle=query.community)
            .values_list("pk", flat=True)
            .first()
        )
        if community_id is None:
            notes.append(f"There is no community “{query.community}” that you can see.")
            return None
    topic_ids: tuple[int, ...] = ()
    if query.topics:
        # Only topics the viewer may know of: one used only in secret places reads as none.
        known = Topic.objects.filter(readable_topics_q(viewer), name__in=query.topics)
        topic_ids = tuple(known.values_list("pk", flat=True))
        if not topic_ids:
            notes.append("No posts are tagged " + ", ".join(f"#{t}" for t in query.topics) + ".")
            return None
    until = _day_start(filters.until)
    return ContentFilter(
        author_id=author_id,
        community_id=community_id,
        since=_day_start(filters.since),
        until=until + dt.timedelta(days=1) if until else None,
        questions_only=query.type == "question",
        unanswered=query.unanswered,
        topic_ids=topic_ids,
    )


def _wanted_types(query: SearchQuery, filters: SearchFilters) -> list[str]:
    if query.type == "question" or query.unanswered:
        return ["post"]
    if query.type:
        return [query.type]
    if query.has_filters or filters.since or filters.until:
        # Operators and dates narrow content (who wrote it, where, when): names have none.
        return ["post", "reply"] + (["event", "file"] if not query.author else [])
    return list(ORDER)


def search(
    viewer: User,
    text: str,
    *,
    filters: SearchFilters | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> SearchResults:
    """One page of what ``viewer`` may see matching ``text``, best first. Raises
    ``SearchCursorError`` for a cursor this server did not make and ``ValidationError`` for
    filters out of range (``check_filters``). Never raises for the text."""
    filters = filters or SearchFilters()
    check_filters(filters)
    query = _merge(parse_query(text), filters)
    notes = list(query.notes)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    # Scores carry a recency boost: every page of one search scores as of its first page's
    # moment (kept in the cursor), so the pages neither repeat nor skip a result.
    moment, after = _decode(cursor) if cursor else (int(timezone.now().timestamp()), None)
    dated = bool(filters.since or filters.until)
    if not is_active_person(viewer) or (query.is_empty and not dated):
        return SearchResults(query, [], None, notes)
    where = _content_filter(viewer, query, filters, notes)
    if where is None:
        return SearchResults(query, [], None, notes)
    hits: list[Hit] = []
    now = dt.datetime.fromtimestamp(moment, tz=dt.UTC)
    for kind in _wanted_types(query, filters):
        hits.extend(_FINDERS[kind](viewer, query, where, now))
    hits.sort(key=Hit.key)
    if after is not None:
        hits = [h for h in hits if h.key() > after]
    page = hits[:limit]
    _describe(query, page)
    more = len(hits) > limit
    return SearchResults(query, page, _encode(moment, page[-1]) if more else None, notes)


def _encode(moment: int, hit: Hit) -> str:
    score, order, negative_id = hit.key()
    return encode_cursor([moment, repr(score), order, negative_id])


def _decode(cursor: str) -> tuple[int, tuple[float, int, int]]:
    try:
        moment, score, order, negative_id = decode_cursor(cursor, 4)
        if not isinstance(moment, int) or not 0 <= moment < LATEST.timestamp():
            raise InvalidCursorError("cursor is not valid")
        return moment, (float(score), int(order), int(negative_id))
    except (InvalidCursorError, ValueError, TypeError):
        raise SearchCursorError("cursor is not valid") from None


def _candidates() -> int:
    return int(settings.SEARCH_CANDIDATES)


# --- Each kind: candidates through its visibility rule, scored on live text ---------------------

Finder = Callable[[User, SearchQuery, ContentFilter, dt.datetime], list[Hit]]


def _age_days(now: dt.datetime, then: dt.datetime) -> float:
    return (now - then).total_seconds() / 86400


@dataclass(frozen=True)
class Written:
    """A post or reply found by its text: what scoring and the result's description read."""

    pk: int
    post_id: int
    body: str
    created_at: dt.datetime


def _scored(kind: str, rows: Iterable[Written], query: SearchQuery, now: dt.datetime) -> list[Hit]:
    hits = []
    for row in rows:
        score = relevance(query, "", row.body) if query.has_terms else 1.0
        if query.has_terms and score <= 0:
            continue
        boost = recency_boost(_age_days(now, row.created_at)) * CONTENT_WEIGHT[kind]
        hits.append(Hit(kind, row.pk, score * boost, row, created_at=row.created_at))
    return hits


def _find_posts(
    viewer: User, query: SearchQuery, where: ContentFilter, now: dt.datetime
) -> list[Hit]:
    columns = ("id", "id", "body", "created_at")
    if query.has_terms:
        ids = engine().content_ids("post", query, where, _candidates())
        rows: Iterable[Sequence[Any]] = visible_post_rows(viewer, ids, columns)
    else:
        rows = (
            _filtered_posts(visible_posts(viewer), where)
            .order_by("-created_at", "-id")
            .values_list(*columns)[: _candidates()]
        )
    return _scored("post", (Written(*row) for row in rows), query, now)


def _filtered_posts(posts: Any, where: ContentFilter, prefix: str = "") -> Any:
    """``where`` on a queryset of posts (``prefix="post__"`` on replies), for a search of
    operators alone."""
    conditions: dict[str, Any] = {}
    if where.author_id is not None:
        conditions["author_id"] = where.author_id
    if where.community_id is not None:
        conditions[f"{prefix}community_id"] = where.community_id
    if where.since is not None:
        conditions["created_at__gte"] = where.since
    if where.until is not None:
        conditions["created_at__lt"] = where.until
    if where.questions_only or where.unanswered:
        conditions[f"{prefix}kind"] = PostKind.QUESTION
    if where.unanswered:
        conditions[f"{prefix}accepted_reply__isnull"] = True
    if where.topic_ids:
        # A subquery, not a join: a post with two of the topics is still one row.
        tagged = Post.topics.through.objects.filter(topic_id__in=where.topic_ids)
        conditions[f"{prefix}id__in"] = tagged.values("post_id")
    return posts.filter(**conditions)


def visible_post_rows(
    viewer: User, post_ids: Iterable[int], columns: tuple[str, ...]
) -> list[Sequence[Any]]:
    """``columns`` of the posts among ``post_ids`` that ``viewer`` may see (not deleted): the
    feed's one rule on these rows only, which is far cheaper than joining to every post they
    may see. A compiled template (core/sqlcache.py) per reader shape, columns and list size,
    the list padded to a power of two so a few templates serve every size."""
    wanted = sorted(set(post_ids))
    if not wanted or not is_active_person(viewer):
        return []
    size = max(8, 1 << (len(wanted) - 1).bit_length())
    padded = wanted + [wanted[-1]] * (size - len(wanted))
    shape = rule_shape(viewer)

    def build(reader: int, **chosen: int) -> QuerySet[Post, Any]:
        return (
            visible_posts(rule_reader(reader, shape))
            .filter(pk__in=list(chosen.values()))
            .values_list(*columns)
        )

    return run_template(
        ("search-visible", shape, columns, size),
        build,
        {"reader": viewer.pk, **listed("id", padded)},
    )


def visible_post_ids(viewer: User, post_ids: Iterable[int]) -> set[int]:
    """Which of ``post_ids`` ``viewer`` may see (not deleted)."""
    return {row[0] for row in visible_post_rows(viewer, post_ids, ("pk",))}


def _find_replies(
    viewer: User, query: SearchQuery, where: ContentFilter, now: dt.datetime
) -> list[Hit]:
    live = Reply.objects.filter(deleted_at__isnull=True)
    if query.has_terms:
        ids = engine().content_ids("reply", query, where, _candidates())
        found = [Written(*row) for row in live.filter(pk__in=ids).values_list(*REPLY_ROW)]
        visible = visible_post_ids(viewer, {reply.post_id for reply in found})
        replies = [reply for reply in found if reply.post_id in visible]
    else:
        chosen = _filtered_posts(
            live.filter(post__in=visible_posts(viewer).values("pk")), where, "post__"
        )
        rows = chosen.order_by("-created_at", "-id").values_list(*REPLY_ROW)[: _candidates()]
        replies = [Written(*row) for row in rows]
    return _scored("reply", replies, query, now)


REPLY_ROW = ("id", "post_id", "body", "created_at")


def _visible_people(viewer: User) -> Any:
    """People ``viewer`` may find: active ones, and a guest only themselves (guests learn of
    others through what they share, not by searching)."""
    people = User.objects.filter(is_active=True)
    return people.filter(pk=viewer.pk) if viewer.is_guest else people


def _name_objects(viewer: User, kind: str, ids: Sequence[int]) -> dict[int, Any]:
    if kind == "person":
        found: Iterable[Any] = (
            _visible_people(viewer)
            .filter(pk__in=ids)
            .select_related("department", "location")
            .only(*PERSON_FIELDS)
        )
    elif kind == "community":
        found = visible_communities(viewer).filter(pk__in=ids)
    elif kind == "event":
        found = visible_events(viewer).filter(pk__in=ids)
    else:
        files = list(Attachment.objects.filter(pk__in=ids).select_related("post"))
        visible = visible_post_ids(viewer, {f.post_id for f in files})
        found = [f for f in files if f.post_id in visible]
    return {obj.pk: obj for obj in found}


def _find_names(kinds: Sequence[str]) -> Finder:
    def find(viewer: User, query: SearchQuery, where: ContentFilter, now: dt.datetime) -> list[Hit]:
        if not query.has_terms:
            return []
        entry_ids = engine().name_ids(query, kinds, _candidates())
        by_kind: dict[str, list[int]] = {}
        mask = (1 << KIND_SHIFT) - 1
        codes = {NAME_KINDS[k]: k for k in kinds}
        for entry_id in entry_ids:
            by_kind.setdefault(codes[entry_id >> KIND_SHIFT], []).append(entry_id & mask)
        hits = []
        for kind, ids in by_kind.items():
            objects = _name_objects(viewer, kind, ids)
            skills = skill_names(objects) if kind == "person" else {}
            for pk, obj in objects.items():
                # The same text the index was given, read from the live object.
                if kind == "person":
                    obj.skill_names = skills.get(pk, [])
                    title, body = person_text(obj, obj.skill_names)
                else:
                    title, body = SOURCES[kind].text(obj)
                # A name found by a prefix of its words scores at least a little.
                score = max(relevance(query, title, body), 0.5) * NAME_WEIGHT[kind]
                if kind == "event":
                    score *= recency_boost(abs(_age_days(now, obj.starts_at)))
                hits.append(Hit(kind, pk, score, obj))
        return hits

    return find


def _find_topics(
    viewer: User, query: SearchQuery, where: ContentFilter, now: dt.datetime
) -> list[Hit]:
    if not query.has_terms or query.excluded:
        return []
    name = "".join(query.all_words())[:64]
    shape = rule_shape(viewer)

    def build(reader: int, first: str, after: str) -> QuerySet[Topic]:
        # A range on the unique name index rather than LIKE: "starts with" as two bounds.
        topics = Topic.objects.filter(
            readable_topics_q(rule_reader(reader, shape)), name__gte=first, name__lt=after
        )
        return topics.order_by("-post_count", "name")[:SUGGEST_LIMIT]

    found = instances(
        ("search-topics", shape),
        build,
        {"reader": viewer.pk, "first": name, "after": name + "\uffff"},
    )
    return [
        Hit("topic", topic.pk, NAME_WEIGHT["topic"] * (2.0 if topic.name == name else 1.0), topic)
        for topic in found
    ]


_FINDERS: dict[str, Finder] = {
    "post": _find_posts,
    "reply": _find_replies,
    "person": _find_names(("person",)),
    "community": _find_names(("community",)),
    "event": _find_names(("event",)),
    "file": _find_names(("file",)),
    "topic": _find_topics,
}


# --- What a page of results shows ----------------------------------------------------------------


def _plain(markdown: str) -> str:
    """A post's Markdown as the text a snippet shows: its markup characters left out (quicker
    than stripping the rendered HTML's tags, and the words are the same)."""
    return _MARKUP.sub(" ", markdown)


_MARKUP = re.compile(r"\]\([^)]*\)|[*_`#>\[\]]+")


def _describe(query: SearchQuery, hits: Sequence[Hit]) -> None:
    """Title, snippet, URL and type-specific fields for the hits of one page, in a fixed number
    of queries."""
    posts = {h.obj.pk: h.obj for h in hits if h.type == "post"}
    reply_posts = {h.obj.post_id for h in hits if h.type == "reply"}
    loaded = (
        Post.objects.select_related("author", "community", "accepted_reply")
        .defer("body_html", "reaction_summary", "accepted_reply__body_html")
        .in_bulk(set(posts) | reply_posts)
    )
    for hit in hits:
        obj = hit.obj
        if hit.type == "post":
            post = loaded[obj.pk]
            hit.title = _post_title(post)
            hit.snippet = snippet(query, _plain(post.body))
            hit.url = path_to("feed:post", post.pk)
            hit.extra = {
                "kind": post.kind,
                "author": post.author,
                "community": post.community,
                "answered": post.accepted_reply_id is not None,
            }
            if post.kind == PostKind.QUESTION and post.accepted_reply is not None:
                hit.extra["accepted_answer"] = snippet(
                    query, _plain(post.accepted_reply.body), length=160
                )
        elif hit.type == "reply":
            post = loaded[obj.post_id]
            hit.title = f"Reply to {_post_title(post)}"
            hit.snippet = snippet(query, _plain(obj.body))
            hit.url = f"{path_to('feed:post', post.pk)}#reply-{obj.pk}"
            hit.extra = {"post_id": post.pk, "community": post.community}
        elif hit.type == "person":
            hit.title = obj.display_name
            hit.snippet = snippet(query, " · ".join(_person_facts(obj)), length=160)
            hit.url = path_to("people:profile", obj.username)
            hit.extra = {"username": obj.username, "person": obj}
        elif hit.type == "community":
            hit.title = obj.name
            hit.snippet = snippet(query, obj.description or f"c/{obj.handle}", length=160)
            hit.url = path_to("community_feed:feed", obj.handle)
            hit.extra = {"handle": obj.handle}
        elif hit.type == "topic":
            hit.title = f"#{obj.label}"
            hit.snippet = SafeString("")
            hit.url = path_to("feed:topic", obj.name)
            hit.extra = {"name": obj.name, "post_count": obj.post_count}
        elif hit.type == "event":
            hit.title = obj.title
            hit.snippet = snippet(query, f"{obj.location} {obj.description}".strip(), length=160)
            hit.url = path_to("events:detail", obj.pk)
            hit.created_at = obj.starts_at
            hit.extra = {"starts_at": obj.starts_at, "cancelled": obj.cancelled_at is not None}
        else:
            hit.title = obj.name
            hit.snippet = (
                snippet(query, obj.alt_text, length=160) if obj.alt_text else SafeString("")
            )
            hit.url = path_to("feed:post", obj.post_id)
            hit.created_at = obj.post.created_at
            hit.extra = {"post_id": obj.post_id, "size": obj.size, "attachment": obj}


def _post_title(post: Post) -> str:
    """A post's first line, shortened: what a result's heading shows."""
    line = _plain(post.body).strip().split("\n", 1)[0]
    label = "Question" if post.kind == PostKind.QUESTION else "Post"
    if not line:
        return f"{label} by {post.author.display_name}"
    return line if len(line) <= 90 else line[:89].rsplit(" ", 1)[0] + "…"


def skill_names(people: Iterable[int]) -> dict[int, list[str]]:
    """Each person's skills' names, in one query (no Skill objects made)."""
    names: dict[int, list[str]] = {}
    rows = User.skills.through.objects.filter(user_id__in=list(people)).values_list(
        "user_id", "skill__name"
    )
    for user_id, name in rows.order_by("skill__name"):
        names.setdefault(user_id, []).append(name)
    return names


def _person_facts(person: User) -> list[str]:
    facts = [person.title] if person.title else []
    if person.department_id and person.department:
        facts.append(person.department.name)
    if person.location_id and person.location:
        facts.append(person.location.name)
    skills: list[str] = getattr(person, "skill_names", [])
    if skills:
        facts.append(", ".join(skills[:6]))
    return facts


# --- Suggestions (the top bar's type-ahead) ------------------------------------------------------


def suggest(viewer: User, text: str, *, limit: int = SUGGEST_LIMIT) -> list[Hit]:
    """Up to ``limit`` people, communities and topics whose names start with what was typed
    (the last word as a prefix), best first."""
    query = parse_query(text, prefix=True)
    if not is_active_person(viewer) or not query.has_terms:
        return []
    now = timezone.now()
    where = ContentFilter()
    hits = _find_names(("person", "community"))(viewer, query, where, now)
    hits += _find_topics(viewer, query, where, now)
    hits.sort(key=Hit.key)
    page = hits[: max(1, min(limit, SUGGEST_LIMIT))]
    _describe(query, page)
    return page


def matching_people(viewer: User, text: str, limit: int) -> list[int]:
    """Ids of the people ``viewer`` may find whose name, username, job title, department,
    location or skills start with the words of ``text`` (the last one as typed so far), best
    first: the one people search behind the directory, @mentions and the search page."""
    query = parse_query(text, prefix=True)
    if not is_active_person(viewer) or not query.has_terms:
        return []
    hits = _find_names(("person",))(viewer, query, ContentFilter(), timezone.now())
    hits.sort(key=Hit.key)
    return [hit.id for hit in hits[:limit]]


def register() -> None:
    """Give the people app this search (``SearchConfig.ready``)."""
    people_queries.register_people_search(matching_people)
