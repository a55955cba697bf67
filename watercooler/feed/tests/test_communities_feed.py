"""Posts in communities: who may post where, who sees them (home feed, topics, authors, quotes,
the API, mentions), pinning, moderators deleting, the community feed API and community
announcements.

The clubs: ``open-club`` (owner Olivia, members Theo and the guest), ``closed-club`` (owner
Olivia, member Theo) and ``secret-club`` (owner Olivia, moderator Theo, member the guest). Oscar
the outsider and Ada the administrator belong to none.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipStatus,
    Privacy,
)
from watercooler.core.events import community_group, post_group
from watercooler.feed import actions, queries
from watercooler.feed.models import Post, PostKind
from watercooler.notifications.models import Notification
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient, ClientAs, SentEvents
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db

NO_COMMUNITY = "No such community (or you are not a member)."


def make_community(
    handle: str,
    privacy: str,
    owner: User,
    *,
    members: tuple[User, ...] = (),
    moderators: tuple[User, ...] = (),
) -> Community:
    community = Community.objects.create(
        name=handle.replace("-", " ").title(), handle=handle, privacy=privacy, created_by=owner
    )
    now = timezone.now()
    rows = [(owner, MemberRole.OWNER)]
    rows += [(m, MemberRole.MODERATOR) for m in moderators]
    rows += [(m, MemberRole.MEMBER) for m in members]
    for user, role in rows:
        Membership.objects.create(community=community, user=user, role=role, joined_at=now)
    community.member_count = len(rows)
    community.save(update_fields=["member_count"])
    return community


@dataclass
class Clubs:
    open: Community
    closed: Community
    secret: Community


@pytest.fixture
def clubs(world: World) -> Clubs:
    return Clubs(
        open=make_community(
            "open-club", Privacy.OPEN, world.owner, members=(world.teammate, world.guest)
        ),
        closed=make_community(
            "closed-club", Privacy.CLOSED, world.owner, members=(world.teammate,)
        ),
        secret=make_community(
            "secret-club",
            Privacy.SECRET,
            world.owner,
            moderators=(world.teammate,),
            members=(world.guest,),
        ),
    )


def fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# --- Posting into a community ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "handle", "status"),
    [
        ("owner", "open-club", 201),
        ("owner", "closed-club", 201),
        ("owner", "secret-club", 201),
        ("teammate", "closed-club", 201),
        ("teammate", "secret-club", 201),
        ("guest", "open-club", 201),
        ("guest", "secret-club", 201),
        # Not a member: one message for an open, closed, secret and unknown community alike.
        ("outsider", "open-club", 422),
        ("outsider", "closed-club", 422),
        ("outsider", "secret-club", 422),
        ("outsider", "no-such-club", 422),
        ("admin", "secret-club", 422),
        ("guest", "closed-club", 422),
    ],
)
def test_who_may_post_where(
    world: World, clubs: Clubs, api_as: type[ApiClient], who: str, handle: str, status: int
) -> None:
    response = api_as(getattr(world, who)).post(
        "/posts", {"body": "Hello club", "community": handle}
    )
    assert response.status_code == status, response.content
    if status == 201:
        data = response.json()
        assert data["community"]["handle"] == handle
        assert data["community"]["privacy"] == Community.objects.get(handle=handle).privacy
        assert data["audience"] == "everyone"
        assert data["pinned"] is False
    else:
        assert fields(response) == {"community": NO_COMMUNITY}
        assert not Post.objects.exists()


def test_a_pending_request_is_not_a_membership(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    Membership.objects.create(
        community=clubs.closed,
        user=world.outsider,
        status=MembershipStatus.PENDING,
        requested_at=timezone.now(),
    )
    response = api_as(world.outsider).post("/posts", {"body": "Hi", "community": "closed-club"})
    assert response.status_code == 422
    assert fields(response) == {"community": NO_COMMUNITY}


def test_guests_still_cannot_post_outside_their_communities(
    world: World, api_as: type[ApiClient]
) -> None:
    response = api_as(world.guest).post("/posts", {"body": "Hello everyone"})
    assert response.status_code == 403


def test_community_posts_are_for_everyone_who_may_see_the_community(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    response = api_as(world.owner).post(
        "/posts", {"body": "Hi", "community": "secret-club", "audience": "followers"}
    )
    assert response.status_code == 422
    assert set(fields(response)) == {"audience"}


def test_posting_counts_on_the_community(world: World, clubs: Clubs) -> None:
    before = Community.objects.get(pk=clubs.closed.pk).last_activity_at
    post = actions.create_post(world.teammate, body="Counted", community_handle="closed-club")
    community = Community.objects.get(pk=clubs.closed.pk)
    assert post.community_id == clubs.closed.pk
    assert community.post_count == 1
    assert community.last_activity_at >= before
    assert community.last_activity_at == post.created_at


def test_post_created_event_goes_to_the_community_group(
    world: World,
    clubs: Clubs,
    sent_events: SentEvents,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        secret = actions.create_post(
            world.owner, body="Secret #plans", community_handle="secret-club"
        )
        public = actions.create_post(world.owner, body="Open #plans", community_handle="open-club")
    (secret_groups, secret_event), (public_groups, public_event) = sent_events
    # Never the author's or the topic's group: outsiders' sockets sit there.
    assert secret_groups == [community_group(clubs.secret.pk), f"user.{world.owner.pk}"]
    assert secret_event["post"]["community"] == {
        "id": clubs.secret.pk,
        "handle": "secret-club",
        "name": "Secret Club",
        "privacy": "secret",
        "url": "/c/secret-club/",
    }
    assert secret_event["post"]["id"] == secret.pk
    assert public_groups == [
        community_group(clubs.open.pk),
        f"user.{world.owner.pk}",
        f"author.{world.owner.pk}",
        "topic.plans",
    ]
    assert public_event["post"]["id"] == public.pk


# --- Who sees a community's posts -----------------------------------------------------------------


def test_members_following_the_community_see_its_posts_at_home(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    post = actions.create_post(world.owner, body="For members", community_handle="secret-club")
    teammate = api_as(world.teammate)
    assert [p["id"] for p in teammate.get("/feed").json()["items"]] == [post.pk]
    Membership.objects.filter(community=clubs.secret, user=world.teammate).update(following=False)
    assert teammate.get("/feed").json()["items"] == []
    # Still readable where it lives.
    assert [p["id"] for p in teammate.get("/communities/secret-club/feed").json()["items"]] == [
        post.pk
    ]
    assert teammate.get(f"/posts/{post.pk}").status_code == 200


def test_an_outsider_never_sees_a_secret_communitys_post(
    world: World,
    clubs: Clubs,
    api_as: type[ApiClient],
    client_as: ClientAs,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # The outsider follows the author and the topic: every usual way in is open to them.
    actions.do_follow_person(follower=world.outsider, followee=world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        secret = actions.create_post(
            world.owner,
            body="Reorg plans #strategy cc @oscar_outsider @theo_teammate",
            community_handle="secret-club",
        )
    actions.do_follow_topic(follower=world.outsider, topic=secret.topics.get())
    outsider = api_as(world.outsider)
    assert outsider.get("/feed").json()["items"] == []
    assert outsider.get("/feed", order="top").json()["items"] == []
    assert outsider.get("/topics/strategy/posts").json()["items"] == []
    assert outsider.get(f"/posts/{secret.pk}").status_code == 404
    assert outsider.get(f"/posts/{secret.pk}/replies").status_code == 404
    assert queries.author_posts_page(world.outsider, world.owner).items == []
    assert not queries.can_see_post(world.outsider, secret)
    # Not quotable by them, and a member's quote of it shows them a tombstone.
    response = outsider.post("/posts", {"body": "Look", "quoted_post_id": secret.pk})
    assert response.status_code == 422
    assert set(fields(response)) == {"quoted_post_id"}
    quote = actions.create_post(world.teammate, body="Quoting", quoted_post_id=secret.pk)
    quoted = outsider.get(f"/posts/{quote.pk}").json()["quoted_post"]
    assert quoted["available"] is False
    assert quoted["body"] == ""
    # Mentioned, yet not notified; the member mentioned is.
    assert not Notification.objects.filter(recipient=world.outsider).exists()
    assert Notification.objects.filter(recipient=world.teammate, post=secret).exists()
    # The pages say nothing either.
    for url in ("/", "/topics/strategy/", f"/people/{world.owner.username}/"):
        page = client_as(world.outsider).get(url)
        assert page.status_code == 200, url
        assert b"Reorg plans" not in page.content, url
        assert b"Secret Club" not in page.content, url
    assert client_as(world.outsider).get(f"/posts/{secret.pk}/").status_code == 404
    # The author's followers see it only as members: the teammate does, the guest member does.
    assert api_as(world.guest).get(f"/posts/{secret.pk}").status_code == 200


def test_open_communities_posts_are_for_every_member_but_not_for_outside_guests(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    Membership.objects.filter(community=clubs.open, user=world.guest).delete()
    post = actions.create_post(world.owner, body="Open to all #news", community_handle="open-club")
    assert api_as(world.outsider).get(f"/posts/{post.pk}").status_code == 200
    assert [p["id"] for p in api_as(world.outsider).get("/topics/news/posts").json()["items"]] == [
        post.pk
    ]
    assert api_as(world.guest).get(f"/posts/{post.pk}").status_code == 404


def test_the_post_card_names_its_community(world: World, clubs: Clubs, client_as: ClientAs) -> None:
    post = actions.create_post(world.owner, body="Card", community_handle="closed-club")
    html = client_as(world.teammate).get(f"/posts/{post.pk}/").content.decode()
    assert 'href="/c/closed-club/"' in html
    assert "in Closed Club" in html


# --- The composer on a community's page ------------------------------------------------------------


def test_the_composer_posts_into_the_community(
    world: World, clubs: Clubs, client_as: ClientAs
) -> None:
    client = client_as(world.guest)
    response = client.post(
        "/posts/new/",
        {"body": "From the community page", "community": "secret-club", "next": "/c/secret-club/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/c/secret-club/"
    post = Post.objects.get()
    assert post.community_id == clubs.secret.pk
    # Through htmx the new card comes back, naming the community.
    response = client.post(
        "/posts/new/",
        {"body": "Second one", "community": "secret-club"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'href="/c/secret-club/"' in response.content.decode()


def test_the_composer_refuses_a_community_one_is_not_in(
    world: World, clubs: Clubs, client_as: ClientAs
) -> None:
    response = client_as(world.outsider).post(
        "/posts/new/", {"body": "Sneaking in", "community": "secret-club"}
    )
    assert response.status_code == 400
    assert NO_COMMUNITY in response.content.decode()
    assert b"Secret Club" not in response.content
    assert not Post.objects.exists()


def test_the_composer_template_carries_the_community(
    world: World, clubs: Clubs, rf: RequestFactory
) -> None:
    from django.template.loader import render_to_string

    from watercooler.feed.forms import Composer

    request = rf.get("/c/closed-club/")
    request.user = world.teammate
    html = render_to_string(
        "feed/_composer.html",
        {"composer": Composer(), "community": clubs.closed, "user": world.teammate},
        request=request,
    )
    assert '<input type="hidden" name="community" value="closed-club">' in html
    assert "share with Closed Club" in html
    assert 'name="audience"' not in html  # the community's privacy decides


# --- Pinning ---------------------------------------------------------------------------------------


def test_owners_and_moderators_pin_members_do_not(
    world: World,
    clubs: Clubs,
    api_as: type[ApiClient],
    sent_events: SentEvents,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    post = actions.create_post(world.guest, body="Worth pinning", community_handle="secret-club")
    closed_post = actions.create_post(world.owner, body="Closed", community_handle="closed-club")
    assert api_as(world.guest).post(f"/posts/{post.pk}/pin").status_code == 403
    assert api_as(world.outsider).post(f"/posts/{post.pk}/pin").status_code == 404
    # Theo moderates the secret club, not the closed one where he is a member.
    assert api_as(world.teammate).post(f"/posts/{closed_post.pk}/pin").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.teammate).post(f"/posts/{post.pk}/pin")
    assert response.status_code == 200
    assert response.json()["pinned"] is True
    assert sent_events[-1] == (
        [community_group(clubs.secret.pk), post_group(post.pk)],
        {"type": "post.pinned", "post_id": post.pk, "pinned": True},
    )
    pinned = api_as(world.guest).get("/communities/secret-club/pinned").json()["items"]
    assert [p["id"] for p in pinned] == [post.pk]
    response = api_as(world.owner).delete(f"/posts/{post.pk}/pin")
    assert response.status_code == 200
    assert response.json()["pinned"] is False
    assert api_as(world.guest).get("/communities/secret-club/pinned").json()["items"] == []


def test_only_community_posts_can_be_pinned(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    post = actions.create_post(world.admin, body="Company news")
    response = api_as(world.admin).post(f"/posts/{post.pk}/pin")
    assert response.status_code == 422
    assert set(fields(response)) == {"post"}


def test_pinning_from_the_page(world: World, clubs: Clubs, client_as: ClientAs) -> None:
    post = actions.create_post(world.guest, body="Pin me", community_handle="secret-club")
    html = client_as(world.teammate).get(f"/posts/{post.pk}/").content.decode()
    assert f"/posts/{post.pk}/pin/" in html
    assert f"/posts/{post.pk}/delete/" in html  # moderators delete others' posts
    assert (
        f"/posts/{post.pk}/pin/"
        not in client_as(world.guest).get(f"/posts/{post.pk}/").content.decode()
    )
    response = client_as(world.guest).post(f"/posts/{post.pk}/pin/", {"action": "pin"})
    assert response.status_code == 403
    response = client_as(world.teammate).post(
        f"/posts/{post.pk}/pin/", {"action": "pin", "next": "/c/secret-club/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/c/secret-club/"
    assert Post.objects.get(pk=post.pk).pinned_at is not None
    response = client_as(world.teammate).post(
        f"/posts/{post.pk}/pin/", {"action": "unpin"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Pin to the top of Secret Club" in response.content.decode()
    assert Post.objects.get(pk=post.pk).pinned_at is None
    assert client_as(world.outsider).post(f"/posts/{post.pk}/pin/").status_code == 404


# --- Moderators delete -----------------------------------------------------------------------------


def test_moderators_delete_posts_and_replies_in_their_community(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    post = actions.create_post(world.guest, body="Off topic", community_handle="secret-club")
    reply = actions.do_create_reply(author=world.guest, post=post, body="More off topic")
    other = actions.create_post(
        world.owner, body="Closed club news", community_handle="closed-club"
    )
    own = actions.create_post(world.owner, body="Not in a community")
    teammate = api_as(world.teammate)
    assert teammate.delete(f"/posts/{other.pk}").status_code == 403  # a member there only
    assert teammate.delete(f"/posts/{own.pk}").status_code == 403
    assert (
        api_as(world.guest).delete(f"/posts/{Post.objects.get(pk=other.pk).pk}").status_code == 404
    )
    assert teammate.delete(f"/replies/{reply.pk}").status_code == 204
    assert teammate.delete(f"/posts/{post.pk}").status_code == 204
    assert Post.objects.get(pk=post.pk).deleted_at is not None
    # A plain member cannot delete someone else's post in the community.
    mine = actions.create_post(world.teammate, body="Mine", community_handle="secret-club")
    assert api_as(world.guest).delete(f"/posts/{mine.pk}").status_code == 403


def test_moderator_deletes_from_the_page_and_returns_to_the_community(
    world: World, clubs: Clubs, client_as: ClientAs
) -> None:
    post = actions.create_post(world.guest, body="Spam", community_handle="secret-club")
    response = client_as(world.teammate).post(f"/posts/{post.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/c/secret-club/"
    assert client_as(world.guest).post(f"/posts/{post.pk}/delete/").status_code == 404


# --- The community feed API --------------------------------------------------------------------------


def test_community_feed_pages_newest_first(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    made = [
        actions.create_post(world.teammate, body=f"Post {i}", community_handle="closed-club").pk
        for i in range(25)
    ]
    actions.create_post(world.owner, body="Elsewhere", community_handle="secret-club")
    actions.create_post(world.owner, body="Outside communities")
    client = api_as(world.teammate)
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        data = client.get("/communities/closed-club/feed", **params).json()
        seen += [p["id"] for p in data["items"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert seen == made[::-1]


def test_community_feed_show_filter(world: World, clubs: Clubs, api_as: type[ApiClient]) -> None:
    actions.create_post(world.owner, body="News", community_handle="open-club")
    question = actions.create_post(
        world.owner, body="Anyone?", kind=PostKind.QUESTION, community_handle="open-club"
    )
    client = api_as(world.outsider)  # an open community's posts are for every member
    items = client.get("/communities/open-club/feed", show="questions").json()["items"]
    assert [p["id"] for p in items] == [question.pk]
    items = client.get("/communities/open-club/feed", show="unanswered").json()["items"]
    assert [p["id"] for p in items] == [question.pk]
    assert client.get("/communities/open-club/feed", show="answered").json()["items"] == []
    response = client.get("/communities/open-club/feed", show="bogus")
    assert response.status_code == 422
    assert set(fields(response)) == {"show"}
    response = client.get("/communities/open-club/feed", cursor="nonsense")
    assert response.status_code == 422
    assert set(fields(response)) == {"cursor"}


def test_community_feed_403_for_closed_404_for_secret(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    actions.create_post(world.owner, body="Members only", community_handle="closed-club")
    actions.create_post(world.owner, body="Hush", community_handle="secret-club")
    outsider = api_as(world.outsider)
    response = outsider.get("/communities/closed-club/feed")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only members can see this community's posts."
    assert outsider.get("/communities/closed-club/pinned").status_code == 403
    secret = outsider.get("/communities/secret-club/feed")
    unknown = outsider.get("/communities/no-such-club/feed")
    assert secret.status_code == unknown.status_code == 404
    assert secret.json() == unknown.json()
    assert outsider.get("/communities/secret-club/pinned").status_code == 404
    # Guests see only their own communities: an open one they are not in does not exist.
    Membership.objects.filter(community=clubs.open, user=world.guest).delete()
    assert api_as(world.guest).get("/communities/open-club/feed").status_code == 404
    assert api_as(world.guest).get("/communities/secret-club/feed").status_code == 200
    assert api_as(None).get("/communities/open-club/feed").status_code == 401


def test_community_feed_query_count_is_constant(
    world: World,
    clubs: Clubs,
    api_as: type[ApiClient],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = api_as(world.teammate)

    def add(n: int) -> None:
        for i in range(n):
            post = actions.create_post(
                world.owner, body=f"#topic{i % 3} post {i}", community_handle="closed-club"
            )
            actions.do_react(user=world.teammate, post=post, kind="like")

    add(5)
    client.get("/communities/closed-club/feed")  # warm up the token's last-used write
    with django_assert_max_num_queries(12) as small:
        assert len(client.get("/communities/closed-club/feed", limit=50).json()["items"]) == 5
    add(25)
    with django_assert_max_num_queries(12) as big:
        assert len(client.get("/communities/closed-club/feed", limit=50).json()["items"]) == 30
    assert len(big.captured_queries) == len(small.captured_queries)


def test_people_who_can_see_community_posts_agrees_with_can_see_post(
    world: World, clubs: Clubs
) -> None:
    Membership.objects.create(
        community=clubs.closed,
        user=world.outsider,
        status=MembershipStatus.PENDING,
        requested_at=timezone.now(),
    )
    people = world.everyone
    expected = {
        "open-club": {world.owner, world.teammate, world.outsider, world.admin, world.guest},
        "closed-club": {world.owner, world.teammate},
        "secret-club": {world.owner, world.teammate, world.guest},
    }
    for handle, sees in expected.items():
        post = actions.create_post(world.owner, body=handle, community_handle=handle)
        bulk = queries.people_who_can_see(post, [p.pk for p in people])
        assert bulk == {p.pk for p in people if queries.can_see_post(p, post)}, handle
        assert bulk == {p.pk for p in sees}, handle


# --- Community announcements ---------------------------------------------------------------------------


def test_community_announcement_goes_to_members_and_is_acknowledged(
    world: World, clubs: Clubs, api_as: type[ApiClient], client_as: ClientAs
) -> None:
    response = api_as(world.owner).post(
        "/announcements",
        {"title": "Read me", "body": "New rules", "must_read": True, "community": "secret-club"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["community"] == "secret-club"
    assert data["audience_size"] == 2  # the members; not the owner who wrote it
    announcement = Announcement.objects.get(pk=data["id"])
    assert announcement.post.community_id == clubs.secret.pk
    assert set(AnnouncementReceipt.objects.values_list("user_id", flat=True)) == {
        world.teammate.pk,
        world.guest.pk,
    }
    # The outsider and the communications people do not learn it exists.
    for person in (world.outsider, world.admin):
        assert api_as(person).get(f"/announcements/{announcement.pk}").status_code == 404
        assert api_as(person).get(f"/announcements/{announcement.pk}/stats").status_code == 404
    # Members have it pinned and acknowledge it; the owner sees the count move.
    pinned = api_as(world.guest).get("/announcements").json()["items"]
    assert [a["id"] for a in pinned] == [announcement.pk]
    assert (
        api_as(world.guest).post(f"/announcements/{announcement.pk}/acknowledge").status_code == 200
    )
    assert (
        api_as(world.guest).post(f"/announcements/{announcement.pk}/acknowledge").status_code == 409
    )
    stats = api_as(world.owner).get(f"/announcements/{announcement.pk}/stats").json()
    assert stats["acknowledged_count"] == 1
    assert {p["username"] for p in stats["not_acknowledged"]["items"]} == {
        world.teammate.username,
    }
    # The moderator is in the audience but not an owner: no numbers.
    assert api_as(world.teammate).get(f"/announcements/{announcement.pk}/stats").status_code == 403
    page = client_as(world.owner).get(f"/announcements/{announcement.pk}/stats/")
    assert page.status_code == 200
    assert "To the members of" in page.content.decode()


def test_only_owners_announce_to_a_community(
    world: World, clubs: Clubs, api_as: type[ApiClient]
) -> None:
    body = {"title": "Hi", "body": "There", "community": "secret-club"}
    assert api_as(world.teammate).post("/announcements", body).status_code == 403  # moderator
    assert api_as(world.guest).post("/announcements", body).status_code == 403
    # Communications people announce to the company, not into a community they are not in.
    response = api_as(world.admin).post("/announcements", body)
    assert response.status_code == 422
    assert set(fields(response)) == {"community"}
    response = api_as(world.outsider).post("/announcements", body)
    assert fields(response) == fields(
        api_as(world.outsider).post("/announcements", {**body, "community": "no-such-club"})
    )
    response = api_as(world.owner).post(
        "/announcements", {**body, "departments": ["Sales"], "roles": ["member"]}
    )
    assert response.status_code == 422
    assert set(fields(response)) == {"departments", "roles"}
    assert not Announcement.objects.exists()


def test_the_announcement_page_for_a_community(
    world: World, clubs: Clubs, client_as: ClientAs
) -> None:
    owner = client_as(world.owner)
    page = owner.get("/announcements/new/?community=closed-club")
    assert page.status_code == 200
    html = page.content.decode()
    assert "To members of" in html
    assert 'name="departments"' not in html
    assert (
        client_as(world.teammate).get("/announcements/new/?community=closed-club").status_code
        == 403
    )
    assert (
        client_as(world.outsider).get("/announcements/new/?community=secret-club").status_code
        == 404
    )
    response = owner.post(
        "/announcements/new/",
        {"title": "Offsite", "body": "Friday", "community": "closed-club", "must_read": "on"},
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.community_id == clubs.closed.pk
    assert announcement.audience_size == 1  # the teammate; not the author
    assert response["Location"] == f"/announcements/{announcement.pk}/stats/"
    detail = client_as(world.teammate).get(f"/announcements/{announcement.pk}/")
    assert "I have read this" in detail.content.decode()
    assert client_as(world.outsider).get(f"/announcements/{announcement.pk}/").status_code == 404
