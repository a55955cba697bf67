"""The feed demo: believable volumes, conversation shaped by the organisation, consistent counters."""

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Count, Q
from pytest_django import Settings

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.demo.builder import run_demo
from watercooler.demo.context import DemoContext
from watercooler.demo.feed_text import DEPARTMENT_TOPICS
from watercooler.feed.actions import render_body
from watercooler.feed.models import (
    Mention,
    PersonFollow,
    PollOption,
    PollVote,
    Post,
    PostKind,
    Reaction,
    Reply,
    Topic,
    TopicFollow,
)
from watercooler.feed.queries import FEED_PAGE_SIZE
from watercooler.feed.timeline import feed_page
from watercooler.notifications.models import Notification
from watercooler.people.models import Role, User

NOW = dt.datetime(2025, 3, 12, 15, 30, tzinfo=dt.UTC)
PEOPLE = 60


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def demo(db: None, media: Path) -> DemoContext:
    return run_demo(people=PEOPLE, seed=7, photos=False, now=NOW)


def departments() -> dict[int, int | None]:
    return dict(User.objects.values_list("pk", "department_id"))


def test_volumes_are_plausible_and_in_the_past(demo: DemoContext) -> None:
    posts, replies, reactions = (
        Post.objects.count(),
        Reply.objects.count(),
        Reaction.objects.count(),
    )
    assert 400 <= posts <= 900  # about ten per person
    # Replies answer their own post (no stock lines), so threads are shorter than stock chatter.
    assert 0.7 * posts <= replies <= 4 * posts
    assert 4 * posts <= reactions <= 11 * posts
    assert Post.objects.filter(created_at__gt=NOW).count() == 0
    assert Reply.objects.filter(created_at__gt=NOW).count() == 0
    oldest = Post.objects.order_by("created_at").values_list("created_at", flat=True)[0]
    assert NOW - oldest > dt.timedelta(days=150)
    kinds = Counter(Post.objects.values_list("kind", flat=True))
    assert 0.1 <= kinds[PostKind.QUESTION] / posts <= 0.2
    assert kinds[PostKind.POLL] >= 3
    assert PollVote.objects.exists()
    questions = Post.objects.filter(kind=PostKind.QUESTION)
    assert questions.filter(reply_count=0).exists()  # some stay unanswered
    assert questions.filter(reply_count__gt=0).count() > questions.count() / 2
    assert questions.filter(accepted_reply__isnull=False).exists()
    assert Reply.objects.filter(parent__isnull=False).exists()  # replies to replies
    assert Reaction.objects.filter(reply__isnull=False).exists()
    # Mostly likes, but every kind shows up.
    reaction_kinds = Counter(Reaction.objects.values_list("kind", flat=True))
    assert reaction_kinds.most_common(1)[0][0] == "like"
    assert len(reaction_kinds) == 6
    # Heavy tail: the top tenth of posters write far more than their share.
    per_author = sorted(Counter(Post.objects.values_list("author_id", flat=True)).values())
    top = per_author[-max(1, PEOPLE // 10) :]
    assert sum(top) > 0.3 * posts


def test_people_talk_mostly_within_their_department(demo: DemoContext) -> None:
    department = departments()
    pairs = list(Reply.objects.values_list("author_id", "post__author_id"))
    same = sum(1 for a, b in pairs if department[a] == department[b])
    assert same / len(pairs) >= 0.65
    # Reactions too (in a 60-person organisation departments are small, so less strongly).
    pairs = list(
        Reaction.objects.filter(post__isnull=False).values_list("user_id", "post__author_id")
    )
    assert sum(1 for a, b in pairs if department[a] == department[b]) / len(pairs) >= 0.55


def test_connectors_work_across_departments(demo: DemoContext) -> None:
    department = departments()
    connectors = set(demo.extra["feed.connectors"])
    assert 2 <= len(connectors) <= 6
    interactions = [
        *Reply.objects.values_list("author_id", "post__author_id"),
        *Reaction.objects.filter(post__isnull=False).values_list("user_id", "post__author_id"),
    ]
    cross: dict[bool, Counter[bool]] = {True: Counter(), False: Counter()}
    for actor, author in interactions:
        is_connector = actor in connectors or author in connectors
        cross[is_connector][department[actor] != department[author]] += 1

    def share(counts: Counter[bool]) -> float:
        return counts[True] / (counts[True] + counts[False])

    assert share(cross[True]) > 2 * share(cross[False])
    assert share(cross[True]) > 0.4


def test_counters_match_the_rows(demo: DemoContext) -> None:
    replies = dict(Reply.objects.values("post").annotate(n=Count("id")).values_list("post", "n"))
    post_reactions = Counter(
        Reaction.objects.filter(post__isnull=False).values_list("post_id", "kind")
    )
    reply_reactions = Counter(
        Reaction.objects.filter(reply__isnull=False).values_list("reply_id", "kind")
    )
    for post in Post.objects.all():
        assert post.reply_count == replies.get(post.pk, 0)
        summary = {k: n for (pk, k), n in post_reactions.items() if pk == post.pk}
        assert post.reaction_summary == summary
        assert post.reaction_count == sum(summary.values())
        assert post.last_activity_at >= post.created_at
        if post.accepted_reply_id:
            assert post.accepted_reply.post_id == post.pk  # type: ignore[union-attr]
    for reply in Reply.objects.filter(reaction_count__gt=0)[:200]:
        summary = {k: n for (pk, k), n in reply_reactions.items() if pk == reply.pk}
        assert reply.reaction_summary == summary
        assert reply.reaction_count == sum(summary.values())
    for option in PollOption.objects.annotate(n=Count("votes")):
        assert option.vote_count == option.n
    # A topic counts the posts everyone may know about: not closed or secret communities' ones.
    outside = ~Q(posts__community__privacy__in=["closed", "secret"])
    counted = Topic.objects.annotate(
        n=Count("posts", filter=outside, distinct=True), f=Count("follows", distinct=True)
    )
    for topic in counted:
        assert topic.post_count == topic.n
        assert topic.follower_count == topic.f


def test_bodies_are_what_the_app_renders_and_mentions_are_real(demo: DemoContext) -> None:
    posts = list(Post.objects.filter(announcement__isnull=True).order_by("pk")[:150])
    for post in posts:
        rendered = render_body(post.body)
        assert post.body_html == rendered.html
        assert {t.name for t in post.topics.all()} == set(rendered.topics)
        assert {m.user_id for m in post.mentions.all()} == {
            u.pk for u in rendered.mentioned if u.pk != post.author_id
        }
    for reply in Reply.objects.order_by("pk")[:150]:
        assert reply.body_html == render_body(reply.body).html
    mentions = Mention.objects.select_related("user")
    assert mentions.count() > 20
    assert all(m.user.is_active and m.user.role != Role.GUEST for m in mentions)
    assert Mention.objects.filter(reply__isnull=False).exists()


def test_topics_are_departmental_and_company_wide(demo: DemoContext) -> None:
    department = departments()
    spread: dict[str, set[int | None]] = {}
    for name, author in Post.topics.through.objects.values_list("topic__name", "post__author_id"):
        spread.setdefault(name, set()).add(department[author])
    for name in ("wins", "kudos", "wellbeing"):
        assert len(spread[name]) >= 3, name
    assert spread["release"] <= {demo.departments["Engineering"].pk}
    own = {t for topics in DEPARTMENT_TOPICS.values() for t in topics}
    assert len(own & set(spread)) >= 10
    assert TopicFollow.objects.exists()


def test_follows_and_the_member_feed(demo: DemoContext) -> None:
    member = demo.accounts["member"]
    assert 35 <= PersonFollow.objects.filter(follower=member).count() <= 45
    assert TopicFollow.objects.filter(follower=member).count() == 5
    page = feed_page(member, order="latest")
    assert len(page.items) == FEED_PAGE_SIZE
    newcomer = demo.extra["feed.newcomer"]
    assert not PersonFollow.objects.filter(follower_id=newcomer).exists()
    assert any("follows nobody" in note for note in demo.notes)
    # Everyone with a manager follows them; connectors and the CEO are followed widely.
    guest = demo.accounts["guest"].pk
    managers = {pk: m for pk, m in demo.managers.items() if m and pk not in (newcomer, guest)}
    follows = set(PersonFollow.objects.values_list("follower_id", "followee_id"))
    assert all((pk, m) in follows for pk, m in managers.items())
    followers = Counter(f for _, f in follows)
    median = sorted(followers.values())[len(followers) // 2]
    assert followers[demo.accounts["ceo"].pk] > 2 * median
    connectors = demo.extra["feed.connectors"]
    assert sum(followers[c] for c in connectors) / len(connectors) > median
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_announcements_are_partly_acknowledged(demo: DemoContext) -> None:
    travel = Announcement.objects.get(title="New travel policy")
    receipts = AnnouncementReceipt.objects.filter(announcement=travel)
    assert travel.must_read
    assert travel.published_at == travel.post.created_at
    assert NOW - travel.published_at >= dt.timedelta(days=9)
    assert travel.audience_size == receipts.count() == User.objects.exclude(role=Role.GUEST).count()
    assert travel.seen_count == receipts.filter(seen_at__isnull=False).count()
    assert travel.acknowledged_count == receipts.filter(acknowledged_at__isnull=False).count()
    assert 0 < travel.acknowledged_count < travel.seen_count < travel.audience_size
    stores = Announcement.objects.get(title__startswith="London stores")
    assert not stores.must_read
    assert list(stores.departments.values_list("name", flat=True)) == ["Retail Stores"]
    assert stores.audience_size == stores.receipts.count()
    assert stores.acknowledged_count == 0


def test_the_same_seed_gives_the_same_conversation(db: None, media: Path) -> None:
    def snapshot() -> tuple[int, list[str]]:
        bodies = list(Post.objects.order_by("pk").values_list("body", flat=True)[:10])
        return Post.objects.count(), bodies

    run_demo(people=40, seed=3, photos=False, now=NOW)
    first = snapshot()
    # Events protect their organisers and community handles are unique: clear them too.
    for label in ("events.Event", "communities.Community"):
        apps.get_model(label).objects.all().delete()
    for model in (Post, Topic):
        model.objects.all().delete()
    User.objects.all().delete()
    run_demo(people=40, seed=3, photos=False, now=NOW)
    assert snapshot() == first
