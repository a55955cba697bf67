"""The communities demo: every kind of community, exact counters, rules that hold, posts in the
right places, and secret communities that only their members ever took part in."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Sum
from pytest_django import DjangoDbBlocker

from watercooler.communities.models import (
    Category,
    Community,
    DirectoryRule,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipSource,
    MembershipStatus,
    Privacy,
    RuleOptOut,
)
from watercooler.communities.queries import visible_communities
from watercooler.demo.builder import run_demo
from watercooler.demo.context import DemoContext
from watercooler.people.models import Role, User

NOW = dt.datetime(2025, 3, 12, 15, 30, tzinfo=dt.UTC)
# By label: the feed sits above communities, so this package imports none of it.
Post = apps.get_model("feed", "Post")
Reply = apps.get_model("feed", "Reply")
Reaction = apps.get_model("feed", "Reaction")
Announcement = apps.get_model("announcements", "Announcement")


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoContext]:
    """One demo for the whole module (it takes seconds), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo(people=120, seed=7, photos=False, now=NOW)
        transaction.set_rollback(True)


@pytest.fixture
def demo(built: DemoContext, db: None) -> DemoContext:
    return built


def active_members(community: Community) -> set[int]:
    return set(
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).values_list(
            "user_id", flat=True
        )
    )


def matches(rule: DirectoryRule, departments: set[int], locations: set[int], user: User) -> bool:
    """The rule's test (DirectoryRule's docstring), written out again to check the demo by."""
    place = user.location
    return (
        (not departments or user.department_id in departments)
        and (not locations or user.location_id in locations)
        and (not rule.regions or (place is not None and place.region in rule.regions))
        and (not rule.countries or (place is not None and place.country in rule.countries))
    )


def test_every_privacy_and_category_is_there_with_an_owner(demo: DemoContext) -> None:
    communities = list(Community.objects.all())
    assert 12 <= len(communities) <= 16
    assert {c.privacy for c in communities} == set(Privacy.values)
    assert {c.category for c in communities} == set(Category.values)
    for community in communities:
        owners = Membership.objects.filter(
            community=community, role=MemberRole.OWNER, status=MembershipStatus.ACTIVE
        )
        assert owners.count() == 1, community.handle
        assert owners.get().user_id == community.created_by_id
        assert community.created_at <= NOW
    # Closed communities have requests waiting; open and secret ones never do.
    pending = Membership.objects.filter(status=MembershipStatus.PENDING)
    assert {m.community.privacy for m in pending.select_related("community")} == {Privacy.CLOSED}
    assert not pending.filter(joined_at__isnull=False).exists()
    assert not pending.filter(requested_at__isnull=True).exists()
    # Interest groups cross departments and stay small; the help desk is big.
    sizes = {c.handle: c.member_count for c in communities}
    assert sizes["ask-it"] > 2 * sizes["trail-runners"] >= 10
    runners = User.objects.filter(
        pk__in=active_members(Community.objects.get(handle="trail-runners"))
    )
    assert runners.values("department").distinct().count() >= 4


def test_counts_and_history_are_exact(demo: DemoContext) -> None:
    for community in Community.objects.all():
        members = active_members(community)
        history = MembershipChange.objects.filter(community=community)
        assert community.member_count == len(members), community.handle
        assert history.aggregate(total=Sum("delta"))["total"] == len(members), community.handle
        assert community.post_count == Post.objects.filter(community=community).count()
        # Every member's join is in the history, at the time they joined.
        joins = set(history.filter(delta=1).values_list("user_id", "at"))
        rows = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        assert set(rows.values_list("user_id", "joined_at")) <= joins
        assert all(at <= NOW for _, at in joins)
    # People joined over the months, so "members over time" has a shape, and some left.
    months = Counter(
        (c.at.year, c.at.month)
        for c in MembershipChange.objects.filter(delta=1, at__gte=NOW - dt.timedelta(days=182))
    )
    assert len(months) >= 6
    assert MembershipChange.objects.filter(delta=-1).exists()


def test_directory_rules_hold_exactly(demo: DemoContext) -> None:
    rules = list(DirectoryRule.objects.select_related("community"))
    assert {r.community.handle for r in rules} >= {"customer-care", "retail-emea", "berlin-office"}
    assert any(r.regions for r in rules)
    assert any(r.allow_leave for r in rules)
    assert any(not r.allow_leave for r in rules)
    people = list(
        User.objects.filter(is_active=True).exclude(role=Role.GUEST).select_related("location")
    )
    for rule in rules:
        departments = set(rule.departments.values_list("pk", flat=True))
        locations = set(rule.locations.values_list("pk", flat=True))

        matching = {u.pk for u in people if matches(rule, departments, locations, u)}
        assert matching, rule.community.handle
        rows = Membership.objects.filter(community=rule.community, status=MembershipStatus.ACTIVE)
        by_rule = set(rows.filter(source=MembershipSource.RULE).values_list("user_id", flat=True))
        opted_out = set(
            RuleOptOut.objects.filter(community=rule.community).values_list("user_id", flat=True)
        )
        assert by_rule <= matching
        # Re-applying the rule would change nothing: whoever matches is in, or chose to leave.
        assert matching <= active_members(rule.community) | opted_out
        assert not opted_out & active_members(rule.community)
        if not rule.allow_leave:
            assert not opted_out


def test_conversation_happens_in_communities(demo: DemoContext) -> None:
    in_communities = Post.objects.filter(community__isnull=False)
    assert in_communities.count() >= 100
    assert not in_communities.exclude(audience="everyone").exists()
    assert set(in_communities.values_list("community__handle", flat=True)) >= {
        "ask-it",
        "customer-care",
        "project-summit",
        "trail-runners",
    }
    questions = in_communities.filter(kind="question")
    answered = questions.filter(accepted_reply__isnull=False)
    assert answered.exists()
    assert questions.filter(accepted_reply__isnull=True).exists()
    assert questions.filter(reply_count=0).exists()
    # Every accepted answer is a reply to that question, accepted by its asker or a moderator.
    for post in Post.objects.filter(accepted_reply__isnull=False).select_related("accepted_reply"):
        assert post.accepted_reply is not None
        assert post.accepted_reply.post_id == post.pk
        assert post.accepted_by_id is not None
        if post.accepted_by_id != post.author_id:
            assert post.community_id is not None
            assert Membership.objects.filter(
                community_id=post.community_id,
                user_id=post.accepted_by_id,
                role__in=[MemberRole.OWNER, MemberRole.MODERATOR],
            ).exists()
    assert in_communities.filter(pinned_at__isnull=False).exists()
    announcement = Announcement.objects.get(community__isnull=False)
    assert announcement.community is not None
    assert announcement.post.community_id == announcement.community_id
    assert announcement.audience_size == announcement.receipts.count() > 0
    assert set(announcement.receipts.values_list("user_id", flat=True)) <= active_members(
        announcement.community
    )


def test_closed_and_secret_conversations_are_members_only(demo: DemoContext) -> None:
    private = Community.objects.exclude(privacy=Privacy.OPEN)
    assert private.filter(privacy=Privacy.SECRET, post_count__gt=0).count() == 2
    for community in private:
        members = active_members(community)
        posts = Post.objects.filter(community=community)
        people = {
            *posts.values_list("author_id", flat=True),
            *Reply.objects.filter(post__in=posts).values_list("author_id", flat=True),
            *Reaction.objects.filter(post__in=posts).values_list("user_id", flat=True),
            *Reaction.objects.filter(reply__post__in=posts).values_list("user_id", flat=True),
        }
        assert people <= members, community.handle
        # Nobody wrote in a community before they joined it.
        joined = dict(
            Membership.objects.filter(
                community=community, status=MembershipStatus.ACTIVE
            ).values_list("user_id", "joined_at")
        )
        for post in posts:
            since = joined[post.author_id]
            assert since is not None
            assert since <= post.created_at, community.handle


def test_demo_accounts_each_see_something_different(demo: DemoContext) -> None:
    member, admin, guest = (demo.accounts[k] for k in ("member", "admin", "guest"))
    secret = set(Community.objects.filter(privacy=Privacy.SECRET).values_list("pk", flat=True))
    # The member has asked to join a closed community and knows no secret one exists.
    assert Membership.objects.filter(user=member, status=MembershipStatus.PENDING).exists()
    assert not secret & set(visible_communities(member).values_list("pk", flat=True))
    # The administrator belongs to a secret project; the guest only to the photography group.
    assert secret & set(visible_communities(admin).values_list("pk", flat=True))
    assert list(visible_communities(guest).values_list("handle", flat=True)) == ["photography"]
    assert Membership.objects.get(user=guest).added_by is not None
    # Region values are on every demo location (directory rules match on them).
    assert set(demo.locations["Berlin"].__class__.objects.values_list("region", flat=True)) == {
        "EMEA",
        "Americas",
        "APAC",
    }
