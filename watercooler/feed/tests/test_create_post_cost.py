"""Creating a post through the API: the answer and the ``post.created`` event equal a fresh read
of the post, and the request costs a fixed number of queries however many topics and mentions
the post has (the posting benchmark's figures rest on it)."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.communities.models import Community, MemberRole, Membership, Privacy
from watercooler.feed import actions, queries
from watercooler.feed.models import Post, Topic
from watercooler.feed.schemas import post_data
from watercooler.notifications import push
from watercooler.notifications.models import Notification
from watercooler.testing.fixtures import ApiClient, SentEvents
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def club(handle: str, privacy: str, world: World) -> Community:
    community = Community.objects.create(
        name=handle.title(), handle=handle, privacy=privacy, created_by=world.owner
    )
    now = timezone.now()
    for user, role in [(world.owner, MemberRole.OWNER), (world.teammate, MemberRole.MEMBER)]:
        Membership.objects.create(community=community, user=user, role=role, joined_at=now)
    return community


def created_events(sent_events: list[tuple[list[str], dict[str, Any]]]) -> list[dict[str, Any]]:
    return [event for _groups, event in sent_events if event["type"] == "post.created"]


@pytest.mark.parametrize(
    "payload",
    [
        {"body": "Hi @theo_teammate and @oscar_outsider, **bold** #Launch #zeta #Alpha"},
        {"body": "Only for followers #quiet @theo_teammate", "audience": "followers"},
        {"body": "Who knows? #help", "kind": "question"},
        {
            "body": "Lunch?",
            "kind": "poll",
            "poll_options": ["Pizza", "Soup", "Salad"],
            "poll_closes_at": "CLOSES",
        },
        {"body": "Look at this #launch", "quoted_post_id": "QUOTED"},
        {"body": "In the open club #clubs @theo_teammate", "community": "open-club"},
        {"body": "In the closed club #secretive @theo_teammate", "community": "closed-club"},
    ],
)
def test_answer_and_event_equal_a_fresh_read(
    world: World,
    api_as: type[ApiClient],
    sent_events: SentEvents,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    payload: dict[str, Any],
) -> None:
    club("open-club", Privacy.OPEN, world)
    club("closed-club", Privacy.CLOSED, world)
    quoted = actions.create_post(world.teammate, body="The original #launch")
    if payload.get("quoted_post_id") == "QUOTED":
        payload = {**payload, "quoted_post_id": quoted.pk}
    if payload.get("poll_closes_at") == "CLOSES":
        payload = {**payload, "poll_closes_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}
    api = api_as(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/posts", payload)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer == api.get(f"/posts/{answer['id']}").json()
    [event] = created_events(sent_events)
    fresh = queries.post_queryset().get(pk=answer["id"])
    assert event["post"] == actions._json(post_data(fresh, None))


def test_topic_counts_and_rows_after_posting(world: World, api_as: type[ApiClient]) -> None:
    Topic.objects.create(name="launch", label="Launch", post_count=3)
    closed = club("closed-club", Privacy.CLOSED, world)
    api = api_as(world.owner)
    response = api.post("/posts", {"body": "#launch #fresh #Fresh again"})
    post = Post.objects.get(pk=response.json()["id"])
    assert sorted(t.name for t in post.topics.all()) == ["fresh", "launch"]
    launch, fresh = Topic.objects.get(name="launch"), Topic.objects.get(name="fresh")
    assert (launch.label, launch.post_count, launch.last_used_at) == ("Launch", 4, post.created_at)
    assert (fresh.label, fresh.post_count, fresh.created_at) == ("fresh", 1, post.created_at)
    # A closed community's post tags its topics without counting in them.
    response = api.post("/posts", {"body": "#launch #hidden", "community": closed.handle})
    post = Post.objects.get(pk=response.json()["id"])
    assert sorted(t.name for t in post.topics.all()) == ["hidden", "launch"]
    assert Topic.objects.get(name="launch").post_count == 4
    assert Topic.objects.get(name="hidden").post_count == 0


# The write transaction (BEGIN, insert the post, COMMIT): the request's floor. The token's owner
# is remembered from the warm-up (API_TOKEN_CACHE_SECONDS).
QUERIES_PLAIN = 3
# ... plus the mentioned people, the topics' upsert, the post's topic rows and the mentions,
# then after commit the mention notifications (who turned mentions off, the insert and the
# unread counts, in their own transaction). Who has a device for push comes from the cache.
QUERIES_TAGGED = 13


def test_create_post_costs_a_fixed_number_of_queries(
    world: World,
    api_as: type[ApiClient],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    others = [make_person(f"person_{i}") for i in range(2)]
    api = api_as(world.owner)
    api.post("/posts", {"body": "warm up: the token's first use is recorded"})
    push.device_owners()  # cached, as on any server that made a notification this minute
    Topic.objects.create(name="old", label="old", post_count=1)

    def count(body: str) -> int:
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = api.post("/posts", {"body": body})
        assert response.status_code == 201, response.content
        return len(ctx.captured_queries)

    mentions = ["theo_teammate", "oscar_outsider", "ada_admin", *(p.username for p in others)]
    one = count("#old one topic, one mention: @theo_teammate")
    many = count(
        "#old #new1 #new2 #new3 #new4 five topics, five mentions: "
        + " ".join(f"@{name}" for name in mentions)
    )
    assert Notification.objects.filter(kind="mention").count() == 1 + 5
    assert (count("plain"), one, many) == (QUERIES_PLAIN, QUERIES_TAGGED, QUERIES_TAGGED)
