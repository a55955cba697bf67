"""Questions and their accepted answers: choosing and clearing the answer, and the questions a
person could answer.

A question (``Post.kind == "question"``) may have one accepted answer, a live reply under it,
chosen by the question's author or by a moderator of the community it was asked in
(``communities.queries.can_moderate``). Choosing another reply replaces it. The actions follow
``feed/actions.py``: keyword-only, permission checked here (``PermissionDenied``), bad input as
``ValidationError`` keyed by field, and the realtime event (``answer.accepted``, to the post's
group) and the domain signal (``signals.answer_accepted``) only once the transaction commits.

Replies are soft-deleted, so the ``SET_NULL`` on ``Post.accepted_reply`` does not fire when an
author deletes the accepted reply: ``forget_deleted_answer`` (connected to
``signals.reply_deleted`` below) clears it instead, and the thread page never marks a deleted
reply as accepted.

``answerable_questions`` suggests unanswered questions to people whose followed topics or
profile skills match them (docs/questions.md).
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone

from watercooler.communities.models import Community
from watercooler.communities.queries import can_moderate, membership_of
from watercooler.core.events import post_group, send_on_commit
from watercooler.core.paging import Page
from watercooler.feed import signals
from watercooler.feed.models import Post, PostKind, Reply, Topic, TopicFollow
from watercooler.feed.queries import (
    FEED_PAGE_SIZE,
    FeedPage,
    filter_posts,
    page_newest_first,
    post_queryset,
    viewer_context,
    visible_posts,
    visible_posts_q,
)
from watercooler.people.models import User

# Suggestions look this far back: an old unanswered question has usually been settled elsewhere.
SUGGESTION_WINDOW_DAYS = 60
SUGGESTION_LIMIT_MAX = 20
# What the questions page narrows to (``?show=``); the topic and community pages use
# ``queries.POST_FILTERS``, which also has "all".
QUESTION_FILTERS = ("unanswered", "answered", "questions")


# --- The realtime event ----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerAccepted:
    """The accepted answer of question ``post_id`` changed: ``reply_id`` is the newly accepted
    reply, or null when the answer was cleared (by hand, or because the reply was deleted).
    Sent to ``post.<post id>``; a thread page reloads its replies."""

    type: ClassVar[str] = "answer.accepted"
    post_id: int
    reply_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


def _send_changed(post_id: int, reply_id: int | None) -> None:
    send_on_commit([post_group(post_id)], AnswerAccepted(post_id, reply_id).as_dict())


# --- Who may choose --------------------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_accept_answer(viewer: User, post: Post) -> bool:
    """Whether ``viewer`` may choose (or clear) the accepted answer of ``post``: a live question,
    and they asked it or moderate the community it was asked in. One query at most (the
    membership), none for the author or a post outside communities."""
    if not _active(viewer) or post.kind != PostKind.QUESTION or post.deleted_at is not None:
        return False
    if post.author_id == viewer.pk:
        return True
    if post.community_id is None:
        return False
    # membership_of reads only the primary key: no need to load the community.
    community = Community(pk=post.community_id)
    return can_moderate(viewer, membership_of(viewer, community))


def _check_can_accept(actor: User, post: Post) -> None:
    if not _active(actor):
        raise PermissionDenied("Sign in first.")
    if post.author_id == actor.pk:
        return
    if post.community_id is not None and can_moderate(
        actor, membership_of(actor, Community(pk=post.community_id))
    ):
        return
    raise PermissionDenied(
        "Only the person who asked, or a moderator of the community, can choose the answer."
    )


def _lock_question(actor: User, post: Post) -> Post:
    """The post locked for the change, after the permission and kind checks."""
    _check_can_accept(actor, post)
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.deleted_at is not None:
        raise Http404("No such post.")
    if locked.kind != PostKind.QUESTION:
        raise ValidationError({"post": ["Only questions have an accepted answer."]})
    return locked


def _reply_id(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**63:
        raise ValidationError({"reply_id": ["Choose a reply under this question."]})
    return raw


# --- Actions ---------------------------------------------------------------------------------


@transaction.atomic
def do_accept_answer(*, actor: User, post: Post, reply: Reply | int | None) -> Post:
    """Mark ``reply`` (a Reply, or its id) as the accepted answer of the question ``post``,
    which the caller loaded with ``access_post``; it replaces the previous one.

    403 unless ``actor`` asked the question or moderates its community; 422 on ``post`` when it
    is not a question and on ``reply_id`` when the reply is missing, deleted or under another
    post. Accepting the reply that is already accepted changes nothing and sends nothing.
    On commit: ``answer.accepted`` to ``post.<id>`` and ``signals.answer_accepted(post=,
    reply=, by=)``.
    """
    locked = _lock_question(actor, post)
    reply_id = reply.pk if isinstance(reply, Reply) else _reply_id(reply)
    chosen = (
        Reply.objects.select_related("author")
        .filter(pk=reply_id, post_id=locked.pk, deleted_at__isnull=True)
        .first()
    )
    if chosen is None:
        raise ValidationError({"reply_id": ["No such reply under this question."]})
    if locked.accepted_reply_id == chosen.pk:
        return locked
    locked.accepted_reply, locked.accepted_by = chosen, actor
    locked.save(update_fields=["accepted_reply", "accepted_by"])
    _send_changed(locked.pk, chosen.pk)
    transaction.on_commit(
        lambda: signals.answer_accepted.send(sender=Post, post=locked, reply=chosen, by=actor),
        robust=True,
    )
    return locked


@transaction.atomic
def do_clear_answer(*, actor: User, post: Post) -> Post:
    """Take back the accepted answer of the question ``post`` (same permission as choosing it);
    the question is unanswered again. Nothing happens when there is none. On commit:
    ``answer.accepted`` with ``reply_id`` null."""
    locked = _lock_question(actor, post)
    if locked.accepted_reply_id is None:
        return locked
    locked.accepted_reply, locked.accepted_by = None, None
    locked.save(update_fields=["accepted_reply", "accepted_by"])
    _send_changed(locked.pk, None)
    return locked


@transaction.atomic
def forget_deleted_answer(*, reply: Reply) -> bool:
    """A deleted reply stops being its question's accepted answer. Returns whether it was."""
    cleared = Post.objects.filter(pk=reply.post_id, accepted_reply_id=reply.pk).update(
        accepted_reply=None, accepted_by=None
    )
    if cleared:
        _send_changed(reply.post_id, None)
    return bool(cleared)


@receiver(signals.reply_deleted, dispatch_uid="feed.answers.reply_deleted")
def _on_reply_deleted(sender: Any, *, reply: Reply, **_: Any) -> None:
    forget_deleted_answer(reply=reply)


# --- Suggestions: questions I could answer ---------------------------------------------------

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
    if not _active(viewer) or viewer.is_guest:
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
    since = timezone.now() - dt.timedelta(days=SUGGESTION_WINDOW_DAYS)
    posts = list(
        visible_posts(viewer)
        .filter(
            kind=PostKind.QUESTION,
            accepted_reply__isnull=True,
            created_at__gte=since,
            pk__in=through.objects.filter(topic_id__in=list(topics)).values("post_id"),
        )
        .exclude(author_id=viewer.pk)
        .select_related("author")
        .order_by("reply_count", "-created_at", "-id")[:limit]
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
    if not _active(viewer):
        raise Http404("Sign in first.")
    if show not in QUESTION_FILTERS:
        raise ValueError(f"show must be one of: {', '.join(QUESTION_FILTERS)}.")
    posts: QuerySet[Post] = post_queryset().filter(visible_posts_q(viewer), deleted_at__isnull=True)
    page: Page[Post] = page_newest_first(filter_posts(posts, show), cursor=cursor, limit=limit)
    return FeedPage(page.items, page.next_cursor, viewer_context(viewer, page.items))
