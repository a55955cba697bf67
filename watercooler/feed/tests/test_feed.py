"""The home feed: what is in it, both orders, cursor paging and a fixed number of queries."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.feed import actions, queries, timeline
from watercooler.feed.models import Attachment, PersonFollow, Post, Topic, TopicFollow
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def all_pages(client: ApiClient, **params: Any) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        response = client.get("/feed", **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [item["id"] for item in data["items"]]
        cursor = data["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError("paging did not end")


def test_feed_is_followed_people_topics_and_own_not_announcements(
    world: World, api_as: type[ApiClient]
) -> None:
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    followed = actions.create_post(world.owner, body="from someone I follow")
    own = actions.create_post(world.teammate, body="my own")
    topic_post = actions.create_post(world.outsider, body="about #python")
    TopicFollow.objects.create(follower=world.teammate, topic=Topic.objects.get(name="python"))
    actions.create_post(world.outsider, body="not for me")
    actions.create_post(world.outsider, body="nor this #python", audience="followers")
    announced = Post.objects.create(author=world.admin, body="all hands", body_html="<p>x</p>")
    announcement = Announcement.objects.create(
        post=announced, title="All hands", published_at=timezone.now()
    )
    AnnouncementReceipt.objects.create(announcement=announcement, user=world.teammate)
    AnnouncementReceipt.objects.create(announcement=announcement, user=world.owner)
    # The announcement is pinned above the feed (GET /announcements), not repeated in it, even
    # though the teammate follows its author.
    PersonFollow.objects.create(follower=world.teammate, followee=world.admin)
    ids = all_pages(api_as(world.teammate))
    assert ids == [topic_post.pk, own.pk, followed.pk]


def _spread_posts(world: World, n: int) -> list[Post]:
    authors = [world.owner, world.outsider, world.admin]
    for author in authors:
        PersonFollow.objects.create(follower=world.teammate, followee=author)
    start = timezone.now() - dt.timedelta(hours=n)
    posts = []
    for i in range(n):
        post = actions.create_post(authors[i % 3], body=f"post {i} #t{i % 4}")
        # Several posts share a timestamp, so the id breaks ties.
        Post.objects.filter(pk=post.pk).update(created_at=start + dt.timedelta(hours=i // 2))
        posts.append(post)
    return posts


@pytest.mark.parametrize("order", ["latest", "top"])
def test_every_post_exactly_once_across_pages(
    world: World, api_as: type[ApiClient], order: str
) -> None:
    posts = _spread_posts(world, 23)
    for post in posts[::5]:
        actions.do_react(user=world.teammate, post=post, kind="like")
    ids = all_pages(api_as(world.teammate), order=order, limit=4)
    assert sorted(ids) == sorted(p.pk for p in posts)
    assert len(ids) == len(set(ids))
    if order == "latest":
        fresh = {p.pk: p for p in Post.objects.all()}
        expected = sorted(fresh.values(), key=lambda p: (p.created_at, p.pk), reverse=True)
        assert ids == [p.pk for p in expected]


def test_top_ranks_engagement_and_closeness(world: World, api_as: type[ApiClient]) -> None:
    old_popular = actions.create_post(world.outsider, body="old but loved")
    plain = actions.create_post(world.outsider, body="plain")
    teammate_post = actions.create_post(world.owner, body="from my manager")
    for person in [world.admin, world.owner, world.guest, world.outsider]:
        actions.do_react(user=person, post=old_popular, kind="like")
    for i in range(3):
        actions.do_create_reply(author=world.admin, post=old_popular, body=f"r{i}")
    now = timezone.now()
    Post.objects.filter(pk=old_popular.pk).update(created_at=now - dt.timedelta(hours=2))
    Post.objects.filter(pk=plain.pk).update(created_at=now - dt.timedelta(hours=1))
    Post.objects.filter(pk=teammate_post.pk).update(created_at=now - dt.timedelta(hours=1))
    PersonFollow.objects.create(follower=world.teammate, followee=world.outsider)
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    top = [p["id"] for p in api_as(world.teammate).get("/feed", order="top").json()["items"]]
    latest = [p["id"] for p in api_as(world.teammate).get("/feed").json()["items"]]
    assert latest[-1] == old_popular.pk
    assert top.index(old_popular.pk) < top.index(plain.pk)
    assert top.index(teammate_post.pk) < top.index(plain.pk)


def test_top_score_formula() -> None:
    rel = timeline.Relationship(
        follows=frozenset({2}),
        interacted=frozenset({3}),
        department_id=1,
        manager_id=9,
        viewer_id=1,
    )
    base: dict[str, Any] = {"author_department_id": None, "author_manager_id": None, "rel": rel}
    fresh = timeline.top_score(age_hours=0, reactions=0, replies=0, author_id=5, **base)
    assert fresh == pytest.approx(1.0)
    assert timeline.top_score(age_hours=18, reactions=0, replies=0, author_id=5, **base) == (
        pytest.approx(0.5)
    )
    followed = timeline.top_score(age_hours=0, reactions=0, replies=0, author_id=2, **base)
    assert followed == pytest.approx(2.0)
    busy = timeline.top_score(age_hours=0, reactions=3, replies=2, author_id=5, **base)
    assert busy > fresh


def _add_everything(world: World, count: int, tmp_path: Path) -> None:
    PersonFollow.objects.get_or_create(follower=world.teammate, followee=world.owner)
    quoted = actions.create_post(world.outsider, body="quotable")
    for i in range(count):
        if i % 3 == 0:
            post = actions.create_post(
                world.owner, body=f"poll {i} #q", kind="poll", poll_options=["a", "b"]
            )
            option = post.poll_options.first()
            assert option is not None
            actions.do_vote(user=world.teammate, post=post, option_id=option.pk)
        else:
            post = actions.create_post(
                world.owner, body=f"post {i} #x #y @theo_teammate", quoted_post_id=quoted.pk
            )
        actions.do_react(user=world.teammate, post=post, kind="like")
        actions.do_react(user=world.outsider, post=post, kind="funny")
        attachment = Attachment(post=post, name="a.txt", content_type="text/plain", size=1)
        attachment.file.save("a.txt", ContentFile(b"a"), save=False)
        attachment.thumbnail.save("t.jpg", ContentFile(b"jpeg"), save=False)
        attachment.save()


@pytest.mark.parametrize("order", ["latest", "top"])
def test_feed_query_count_is_constant(
    world: World,
    api_as: type[ApiClient],
    order: str,
    tmp_path: Path,
    settings: Settings,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = api_as(world.teammate)
    _add_everything(world, 5, tmp_path)
    client.get("/feed")  # warm up the token's last-used write
    # 14: a reader who follows few people costs one more query (the posts of the communities
    # they follow decide the plan, feed.timeline._is_sparse).
    with django_assert_max_num_queries(14) as small:
        response = client.get("/feed", order=order, limit=50)
    assert len(response.json()["items"]) == 5
    _add_everything(world, 45, tmp_path)
    with django_assert_max_num_queries(14) as big:
        response = client.get("/feed", order=order, limit=50)
    items = response.json()["items"]
    assert len(items) == 50
    assert len(big.captured_queries) == len(small.captured_queries)
    assert any(item["poll"] for item in items)
    assert any(item["quoted_post"] for item in items)
    assert all(item["attachments"] for item in items)
    assert all(item["reaction_summary"] == {"like": 1, "funny": 1} for item in items)


def test_topic_page_query_count_is_constant(
    world: World,
    api_as: type[ApiClient],
    tmp_path: Path,
    settings: Settings,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = api_as(world.outsider)
    _add_everything(world, 5, tmp_path)
    client.get("/topics/x")
    with django_assert_max_num_queries(13) as small:
        client.get("/topics/q/posts")
    _add_everything(world, 20, tmp_path)
    with django_assert_max_num_queries(14) as big:
        assert len(client.get("/topics/x/posts").json()["items"]) == 16
    assert len(big.captured_queries) == len(small.captured_queries)


def test_latest_feed_is_one_query_for_the_posts(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    for i in range(5):
        actions.create_post(world.owner, body=f"p{i}")
    with django_assert_num_queries(7) as captured:
        # the plan choice (how many people I follow, capped; then, following few, how many
        # posts the communities I follow hold), the page's ids (a compiled template), the
        # posts by id, their topics and attachments; then my reactions; and nothing else (no
        # polls and no quotes on this page).
        page = timeline.feed_page(world.teammate, limit=3)
    assert len(page.items) == 3
    sql = captured.captured_queries[2]["sql"]
    assert "ORDER BY" in sql
    assert "LIMIT" in sql
    assert " JOIN " in sql


def test_suggestions_for_a_newcomer(world: World, api_as: type[ApiClient]) -> None:
    newcomer = make_person(
        "nina_new", department=world.engineering, manager=world.owner, display_name="Nina New"
    )
    actions.create_post(world.outsider, body="#welcome everyone")
    data = api_as(newcomer).get("/feed/suggestions").json()
    names = [p["username"] for p in data["people"]]
    assert names[:2] == ["olivia_owner", "theo_teammate"] or set(names[:2]) == {
        "olivia_owner",
        "theo_teammate",
    }
    assert "oscar_outsider" not in names
    assert "nina_new" not in names
    assert [t["name"] for t in data["topics"]] == ["welcome"]
    assert api_as(world.guest).get("/feed/suggestions").json() == {"people": [], "topics": []}


def test_feed_excludes_deleted_posts(world: World, api_as: type[ApiClient]) -> None:
    mine = actions.create_post(world.owner, body="mine")
    actions.do_delete_post(actor=world.owner, post=mine)
    assert api_as(world.owner).get("/feed").json()["items"] == []


def test_people_who_can_see_agrees_with_can_see_post(world: World) -> None:
    """The bulk form of the visibility rule (notifications use it) gives, for every kind of
    person and post, exactly the people ``can_see_post`` lets in."""
    from watercooler.announcements import actions as announcement_actions
    from watercooler.announcements import tasks as announcement_tasks

    gone = make_person("dora_departed", display_name="Dora Departed")
    actions.do_follow_person(follower=world.teammate, followee=world.owner)
    actions.do_follow_person(follower=gone, followee=world.owner)
    gone.is_active = False
    gone.save()
    comms = make_person("cora_comms", display_name="Cora Comms", role="comms")
    people = [*world.everyone, gone, comms]
    announcement = announcement_actions.do_create_announcement(
        actor=comms, title="Welcome, guests", body="Monday", roles=["guest"]
    )
    announcement_tasks.publish_announcement(announcement.pk)
    deleted = actions.create_post(world.owner, body="soon gone")
    deleted.deleted_at = timezone.now()
    deleted.save()
    # Communities: the owner owns each; the teammate and the guest are members of the open and
    # the secret one, the departed person of the closed one, the outsider only asked to join.
    from watercooler.communities.models import Community, MemberRole, Membership

    for privacy in ("open", "closed", "secret"):
        community = Community.objects.create(name=privacy, handle=f"{privacy}-c", privacy=privacy)
        joined = {"open": [world.teammate, world.guest], "closed": [gone], "secret": [world.guest]}
        rows = [(world.owner, MemberRole.OWNER), *((p, MemberRole.MEMBER) for p in joined[privacy])]
        for person, role in rows:
            Membership.objects.create(
                community=community, user=person, role=role, joined_at=timezone.now()
            )
        Membership.objects.create(
            community=community, user=world.outsider, status="pending", requested_at=timezone.now()
        )
    posts = {
        "everyone": actions.create_post(world.owner, body="everyone"),
        "followers": actions.create_post(world.owner, body="followers", audience="followers"),
        "announcement": Post.objects.get(pk=announcement.post_id),
        "deleted": deleted,
        "open community": actions.create_post(world.owner, body="o", community_handle="open-c"),
        "closed community": actions.create_post(world.owner, body="c", community_handle="closed-c"),
        "secret community": actions.create_post(world.owner, body="s", community_handle="secret-c"),
    }
    expected_sees = {
        "everyone": {world.owner, world.teammate, world.outsider, world.admin, comms},
        "followers": {world.owner, world.teammate},
        # its audience (the guest, by a receipt), its author and administrators: not the
        # members outside the audience
        "announcement": {comms, world.admin, world.guest},
        "deleted": set(),
        # every member of the company, and the guest as a member of the community
        "open community": {
            world.owner,
            world.teammate,
            world.outsider,
            world.admin,
            world.guest,
            comms,
        },
        # active members only: not the departed one, not the one who asked to join
        "closed community": {world.owner},
        "secret community": {world.owner, world.guest},
    }
    for name, post in posts.items():
        bulk = queries.people_who_can_see(post, [p.pk for p in people])
        one_by_one = {p.pk for p in people if queries.can_see_post(p, post)}
        if name != "deleted":  # can_see_post answers for deleted posts too; the bulk form never
            assert bulk == one_by_one, name
        assert bulk == {p.pk for p in expected_sees[name]}, name
    assert queries.people_who_can_see(posts["everyone"], []) == set()


@pytest.mark.parametrize("hours_ago", [0.4, 3, 30])
def test_new_posts_since_agree_with_the_rule(world: World, hours_ago: float) -> None:
    """A socket's catch-up (``new_home_post_ids``: a recent ``since`` walks the newest posts, an
    old one plans as the page does) finds what the visibility rule and the feed's make-up find."""
    _spread_posts(world, 23)
    actions.create_post(world.teammate, body="followers only", audience="followers")
    actions.do_follow_person(follower=world.outsider, followee=world.teammate)
    since = timezone.now() - dt.timedelta(hours=hours_ago)
    for reader in world.everyone:
        expected = list(
            queries.visible_posts(reader)
            .filter(timeline.home_feed_q(reader), created_at__gt=since)
            .exclude(author_id=reader.pk)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:5]
        )
        assert timeline.new_home_post_ids(reader, since, limit=5) == expected, reader.username


@pytest.mark.parametrize("sparse", [True, False])
def test_compiled_feed_query_agrees_with_the_orm(
    world: World, sparse: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The latest feed runs a compiled template of ``_latest_qs`` (core/sqlcache.py): for every
    kind of reader, on every page, it finds exactly the posts the ORM query finds."""
    monkeypatch.setattr(timeline, "_is_sparse", lambda viewer: sparse)
    _spread_posts(world, 23)
    actions.create_post(world.teammate, body="followers only", audience="followers")
    actions.do_follow_person(follower=world.outsider, followee=world.teammate)
    for reader in world.everyone:
        expected: list[int] = []
        got: list[int] = []
        cursor = None
        for _ in range(20):
            orm = queries.page_newest_first(
                timeline._latest_qs(reader, sparse=sparse), cursor=cursor, limit=4
            )
            page = timeline.feed_page(reader, cursor=cursor, limit=4)
            expected += [p.pk for p in orm.items]
            got += [p.pk for p in page.items]
            assert page.next_cursor == orm.next_cursor
            cursor = page.next_cursor
            if not cursor:
                break
        assert got == expected, reader.username
