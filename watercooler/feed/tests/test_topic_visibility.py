"""A #topic reveals only what its reader may see: its page, its API, the topic list, the
composer's suggestions and its count.

Tags used only where the outsider and the guest cannot look (a secret community, a
followers-only post, an announcement to another department) must read as topics nobody used,
while the people who can see those posts still find them.
"""

from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from watercooler.announcements import actions as announcement_actions
from watercooler.communities import actions as community_actions
from watercooler.feed import actions
from watercooler.feed.models import Post, Topic, TopicFollow
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World


@pytest.fixture
def hidden_tags(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> dict[str, Any]:
    community = community_actions.create_community(
        world.owner, name="Project Falcon", handle="falcon", privacy="secret"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.teammate)
    actions.create_post(world.owner, body="Plans for #falconwing", community_handle="falcon")
    actions.do_follow_person(follower=world.teammate, followee=world.owner)
    actions.create_post(world.owner, body="Between us: #quietplan", audience="followers")
    announcement = announcement_actions.do_create_announcement(
        actor=world.admin, title="Reorg", body="Floor 7", departments=["Engineering"]
    )
    # Its author tags it afterwards: the announcement's post now carries the topic.
    actions.do_edit_post(
        actor=world.admin,
        post=Post.objects.get(pk=announcement.post_id),
        body="Floor 7 #floorseven",
    )
    return {"community": community}


HIDDEN = ("falconwing", "quietplan", "floorseven")


@pytest.mark.parametrize("who", ["outsider", "guest"])
def test_hidden_topics_read_as_unused(
    world: World,
    hidden_tags: dict[str, Any],
    api_as: type[ApiClient],
    client_as: ClientAs,
    who: str,
) -> None:
    person = getattr(world, who)
    api, client = api_as(person), client_as(person)
    for name in HIDDEN:
        for path in (f"/topics/{name}", f"/topics/{name}/posts"):
            response = api.get(path)
            assert response.status_code == 404, path
            assert response.json()["detail"] == "No such topic."
        assert api.post(f"/topics/{name}/follow").status_code == 404
        assert client.get(f"/topics/{name}/").status_code == 404
        assert client.post(f"/topics/{name}/follow/", {"action": "follow"}).status_code == 404
        assert client.get("/topics/suggest/", {"q": name[:3]}).json() == []
    listed = client.get("/topics/").content.decode()
    for name in HIDDEN:
        assert name not in listed
    assert not TopicFollow.objects.exists()


def test_who_may_see_the_posts_finds_the_topics(
    world: World, hidden_tags: dict[str, Any], api_as: type[ApiClient], client_as: ClientAs
) -> None:
    # The engineer is in the secret community, follows the author and got the announcement.
    api, client = api_as(world.teammate), client_as(world.teammate)
    for name in HIDDEN:
        assert api.get(f"/topics/{name}").status_code == 200
        assert len(api.get(f"/topics/{name}/posts").json()["items"]) == 1
        assert client.get(f"/topics/{name}/").status_code == 200
        found = client.get("/topics/suggest/", {"q": name[:3]}).json()
        assert [t["name"] for t in found] == [name]
        # Counted for nobody: the count is of posts every member may see.
        assert found[0]["post_count"] == 0


def test_a_followed_topic_stays_open_to_its_follower(
    world: World, hidden_tags: dict[str, Any], api_as: type[ApiClient]
) -> None:
    # Followed while it was in use in the open; now only secret posts carry it.
    TopicFollow.objects.create(follower=world.outsider, topic=Topic.objects.get(name="falconwing"))
    api = api_as(world.outsider)
    topic = api.get("/topics/falconwing").json()
    assert topic["is_following"] is True
    assert topic["post_count"] == 0
    assert api.get("/topics/falconwing/posts").json()["items"] == []


def test_counts_count_only_visible_posts(
    world: World, api_as: type[ApiClient], client_as: ClientAs
) -> None:
    actions.create_post(world.owner, body="Open #rollout notes")
    actions.create_post(world.owner, body="For followers: #rollout", audience="followers")
    community = community_actions.create_community(
        world.owner, name="Guests welcome", handle="guests", privacy="closed"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.guest)
    actions.create_post(world.owner, body="#rollout with our partners", community_handle="guests")
    actions.create_post(world.owner, body="#rollout again", community_handle="guests")
    # A member counts the post every member sees, not the followers-only or closed ones.
    assert api_as(world.outsider).get("/topics/rollout").json()["post_count"] == 1
    assert client_as(world.outsider).get("/topics/suggest/", {"q": "roll"}).json() == [
        {"name": "rollout", "label": "rollout", "post_count": 1}
    ]
    # The guest sees only their community's two.
    assert api_as(world.guest).get("/topics/rollout").json()["post_count"] == 2
    assert client_as(world.guest).get("/topics/suggest/", {"q": "roll"}).json() == [
        {"name": "rollout", "label": "rollout", "post_count": 2}
    ]
    assert "2 posts" in client_as(world.guest).get("/topics/").content.decode()


def test_topic_list_and_suggestions_cost_no_query_per_topic(
    world: World, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    community = community_actions.create_community(
        world.owner, name="Guests welcome", handle="guests", privacy="closed"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.guest)
    for person in (world.outsider, world.guest):
        client = client_as(person)
        client.get("/topics/")
        counted = []
        for tags in (2, 12):
            body = " ".join(f"#topic{person.pk}x{i}" for i in range(tags))
            actions.create_post(world.owner, body=body, community_handle="guests")
            actions.create_post(world.owner, body=body)
            with django_assert_max_num_queries(12) as listing:
                assert client.get("/topics/").status_code == 200
            with django_assert_max_num_queries(6) as suggesting:
                assert client.get("/topics/suggest/", {"q": "topic"}).status_code == 200
            counted.append((len(listing.captured_queries), len(suggesting.captured_queries)))
        assert counted[0] == counted[1], person.username


def test_the_migration_recounts_what_every_member_may_see(world: World) -> None:
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    name = "0006_recount_topics_visible_to_every_member"
    migration = importlib.import_module(f"watercooler.feed.migrations.{name}")
    # The models as they were when the migration ran (announcements were the feed's then).
    apps = MigrationLoader(connection).project_state(("feed", name)).apps
    actions.create_post(world.owner, body="Open #rollout notes")
    actions.create_post(world.owner, body="For followers: #rollout", audience="followers")
    # As counted before followers-only posts were left out.
    Topic.objects.filter(name="rollout").update(post_count=2)
    migration.recount(apps, None)
    assert Topic.objects.get(name="rollout").post_count == 1
