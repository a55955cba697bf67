"""Reads about questions for pages and the API: the questions page (``questions_page``) and the
questions a person could answer (``answerable_questions``, docs/questions.md).

``answerable_questions`` suggests unanswered questions to people whose followed topics or
profile skills match them.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from watercooler.core.paging import Page
from watercooler.core.policy import is_active_person
from watercooler.core.sqlcache import instances, listed
from watercooler.feed.models import Post, PostKind, Topic, TopicFollow
from watercooler.feed.queries import (
    FEED_PAGE_SIZE,
    FeedPage,
    filter_posts,
    page_newest_first,
    post_queryset,
    rule_reader,
    rule_shape,
    viewer_context,
    visible_posts,
    visible_posts_q,
)
from watercooler.people.models import User

# Suggestions look this far back: an old unanswered question has usually been settled elsewhere.
SUGGESTION_WINDOW_DAYS = 60
SUGGESTION_LIMIT_MAX = 20
# What the questions page narrows to (``?show=``); the topic and community pages use
# ``feed.queries.POST_FILTERS``, which also has "all".
QUESTION_FILTERS = ("unanswered", "answered", "questions")

_NOT_TOPIC = re.compile(r"[\s.\-]+")
_TOPIC_NAME = re.compile(r"^[a-z0-9_]{1,64}$")


def skill_topic_name(skill: str) -> str | None:
    """The topic name a skill matches: lower-cased, without spaces, dashes and dots, so "Machine
    Learning" is #machinelearning and "Node.js" #nodejs. None when no topic can be called that
    (topic names are 1-64 of a-z, 0-9 and _, core.markdown.TOPIC_RE), e.g. "C++"."""
    name = _NOT_TOPIC.sub("", skill.lower())
    return name if _TOPIC_NAME.match(name) else None


@dataclass(frozen=True)
class AnswerSuggestion:
    post: Post
    reason: str  # "You know Python", "You follow #hiring"


def answerable_questions(viewer: User, limit: int = 5) -> list[AnswerSuggestion]:
    """Unanswered questions of the last SUGGESTION_WINDOW_DAYS that ``viewer`` may see and did
    not ask, about a topic they follow or one named like a skill on their profile; fewest
    replies first, then newest. Each comes with the reason it is suggested. Guests and people
    signed out get none. Four queries at most, whatever the number of topics or questions."""
    if not is_active_person(viewer) or viewer.is_guest:
        return []
    limit = max(1, min(limit, SUGGESTION_LIMIT_MAX))
    skills: dict[str, str] = {}
    for skill in viewer.skills.values_list("name", flat=True):
        name = skill_topic_name(skill)
        if name is not None:
            skills.setdefault(name, skill)
    followed = TopicFollow.objects.filter(follower_id=viewer.pk, topic_id=OuterRef("pk"))
    topics = {
        topic.pk: topic
        for topic in Topic.objects.filter(
            Q(pk__in=TopicFollow.objects.filter(follower_id=viewer.pk).values("topic_id"))
            | Q(name__in=list(skills))
        )
        .annotate(followed=Exists(followed))
        .only("id", "name", "label")
    }
    if not topics:
        return []
    through = Post.topics.through
    shape = rule_shape(viewer)

    def build(reader: int, since: dt.datetime, **topic_ids: int) -> QuerySet[Post]:
        return (
            visible_posts(rule_reader(reader, shape))
            .filter(
                kind=PostKind.QUESTION,
                accepted_reply__isnull=True,
                created_at__gte=since,
                pk__in=through.objects.filter(topic_id__in=list(topic_ids.values())).values(
                    "post_id"
                ),
            )
            .exclude(author_id=reader)
            .select_related("author")
            .order_by("reply_count", "-created_at", "-id")[:limit]
        )

    # A compiled template (core/sqlcache.py): building this query cost twice its running. The
    # topic list is padded to a power of two (repeating an id changes nothing), so a handful of
    # templates serve every reader.
    topic_ids = list(topics)
    topic_ids += topic_ids[-1:] * ((1 << (len(topic_ids) - 1).bit_length()) - len(topic_ids))
    posts = instances(
        ("answerable-questions", shape, len(topic_ids), limit),
        build,
        {
            "reader": viewer.pk,
            "since": timezone.now() - dt.timedelta(days=SUGGESTION_WINDOW_DAYS),
            **listed("topic", topic_ids),
        },
    )
    if not posts:
        return []
    matched: dict[int, list[Topic]] = {}
    for post_id, topic_id in (
        through.objects.filter(post_id__in=[p.pk for p in posts], topic_id__in=list(topics))
        .order_by("topic_id")
        .values_list("post_id", "topic_id")
    ):
        matched.setdefault(post_id, []).append(topics[topic_id])
    return [AnswerSuggestion(post, _reason(matched.get(post.pk, []), skills)) for post in posts]


def _reason(topics: list[Topic], skills: dict[str, str]) -> str:
    """A skill says more about being able to answer than a follow, so it wins."""
    for topic in topics:
        if topic.name in skills:
            return f"You know {skills[topic.name]}"
    for topic in topics:
        return f"You follow #{topic.label}"
    return "About a topic you follow"  # pragma: no cover - every suggestion matched a topic


def questions_page(
    viewer: User,
    *,
    show: str = "unanswered",
    cursor: str | None = None,
    limit: int = FEED_PAGE_SIZE,
) -> FeedPage:
    """Questions ``viewer`` may see, newest first: the unanswered ones, the answered ones or all
    (``show``: one of QUESTION_FILTERS, else ValueError). One indexed query on
    ``post_questions_idx`` plus the fixed prefetches."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    if show not in QUESTION_FILTERS:
        raise ValueError(f"show must be one of: {', '.join(QUESTION_FILTERS)}.")
    posts: QuerySet[Post] = post_queryset().filter(visible_posts_q(viewer), deleted_at__isnull=True)
    page: Page[Post] = page_newest_first(filter_posts(posts, show), cursor=cursor, limit=limit)
    return FeedPage(page.items, page.next_cursor, viewer_context(viewer, page.items))
