"""An outsider must not learn that a secret community exists, by any route.

One secret community with everything in it (a post that tags a topic and @mentions the outsider,
a question with an accepted answer, a pinned post, an event, a community announcement), and an
outsider who follows its owner and the topic, and who was once a member going to its event.
Then every page and endpoint the outsider can reach is read and searched for the community's
name, handle, posts and event. (The websocket side is tested in
realtime/tests/test_community_events.py.) This module sits with the API wiring because it reads
every app.
"""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from watercooler.announcements import actions as announcement_actions
from watercooler.communities import actions as community_actions
from watercooler.events import actions as event_actions
from watercooler.events.models import CalendarFeed
from watercooler.feed import actions as feed_actions
from watercooler.feed.models import PersonFollow, Topic, TopicFollow
from watercooler.notifications.models import Notification
from watercooler.questions import actions as question_actions
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World

# The search box echoes what the outsider typed ("falcon"), so look for what only the
# community could have put on the page.
SECRETS = (
    "Project Falcon",
    "/c/falcon",
    '"handle":"falcon"',
    '"handle": "falcon"',
    "Night launch",
    "Falcon offsite",
    "Runbook",
    "Read this first",
    "Falcon rules",
)


@pytest.fixture
def falcon(world: World) -> dict[str, Any]:
    community = community_actions.create_community(
        world.owner, name="Project Falcon", handle="falcon", privacy="secret"
    )
    for person in (world.teammate, world.outsider):
        community_actions.do_add_member(actor=world.owner, community=community, user=person)
    event = event_actions.create_event(
        world.owner,
        title="Falcon offsite",
        starts_at=(timezone.now() + dt.timedelta(days=3)).isoformat(),
        ends_at=(timezone.now() + dt.timedelta(days=3, hours=2)).isoformat(),
        community_handle="falcon",
    )
    event_actions.do_rsvp(actor=world.outsider, event=event, status="going")
    event_actions.do_rsvp(actor=world.teammate, event=event, status="going")
    # The outsider follows the owner and the topic, so every non-community route would show
    # the owner's posts to them.
    PersonFollow.objects.create(follower=world.outsider, followee=world.owner)
    community_actions.do_remove_member(actor=world.owner, community=community, user=world.outsider)
    post = feed_actions.create_post(
        world.owner,
        body="Night launch plan for #rockets, @oscar_outsider please review",
        community_handle="falcon",
    )
    TopicFollow.objects.create(follower=world.outsider, topic=Topic.objects.get(name="rockets"))
    question = feed_actions.create_post(
        world.owner,
        body="Runbook for #rockets: who owns it?",
        kind="question",
        community_handle="falcon",
    )
    reply = feed_actions.do_create_reply(author=world.teammate, post=question, body="I do")
    question_actions.do_accept_answer(actor=world.owner, post=question, reply=reply)
    feed_actions.do_pin_post(actor=world.owner, post=post, pinned=True)
    announcement_actions.do_create_announcement(
        actor=world.owner, title="Read this first", body="Falcon rules", community=community
    )
    return {"community": community, "post": post, "question": question, "event": event}


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


PAGES_404 = (
    "/c/falcon/",
    "/c/falcon/about/",
    "/c/falcon/members/",
    "/c/falcon/requests/",
    "/c/falcon/settings/",
    "/c/falcon/events/",
    "/c/falcon/files/",
    "/c/falcon/health/",
)


def test_pages_show_nothing_of_it(
    world: World, falcon: dict[str, Any], client_as: ClientAs
) -> None:
    client = client_as(world.outsider)
    for path in PAGES_404:
        assert client.get(path).status_code == 404, path
    assert client.post("/c/falcon/join/").status_code == 404
    for path in (f"/posts/{falcon['post'].pk}/", f"/posts/{falcon['question'].pk}/"):
        assert client.get(path).status_code == 404, path
    event = falcon["event"]
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(f"/events/{event.pk}.ics").status_code == 404
    for path in (
        "/",
        "/?order=top",
        "/communities/",
        "/communities/?q=falcon",
        "/communities/?q=Project",
        "/topics/rockets/",
        "/topics/rockets/?show=answered",
        "/questions/",
        "/events/",
        "/events/?when=past",
        "/notifications/",
        f"/people/{world.owner.username}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        _clean(response.content.decode())


def test_the_api_shows_nothing_of_it(
    world: World, falcon: dict[str, Any], api_as: type[ApiClient]
) -> None:
    api = api_as(world.outsider)
    for path in (
        "/communities/falcon",
        "/communities/falcon/members",
        "/communities/falcon/feed",
        "/communities/falcon/pinned",
        f"/posts/{falcon['post'].pk}",
        f"/posts/{falcon['question'].pk}/replies",
        f"/events/{falcon['event'].pk}",
        f"/events/{falcon['event'].pk}.ics",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"] in (
            "No such community.",
            "No such post.",
            "No such event.",
        )
    assert api.post("/communities/falcon/membership").status_code == 404
    assert api.patch("/communities/falcon", {"name": "Mine"}).status_code == 404
    for path, params in (
        ("/communities", {}),
        ("/communities", {"q": "falcon"}),
        ("/feed", {}),
        ("/feed", {"order": "top"}),
        ("/topics/rockets/posts", {}),
        ("/events", {}),
        ("/events", {"when": "past"}),
        ("/notifications", {}),
    ):
        response = api.get(path, **params)
        assert response.status_code == 200, path
        _clean(response.content.decode())
    # Posting into it or planning an event in it reads as a community that does not exist.
    response = api.post("/posts", {"body": "hi", "community": "falcon"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "community"


def test_no_notification_and_no_calendar_entry(
    world: World, falcon: dict[str, Any], client: Client
) -> None:
    # The @mention came after the outsider left: no notification at all about the community.
    assert not Notification.objects.filter(recipient=world.outsider, post__isnull=False).exists()
    # They were going to its event before they were removed; their calendar forgets it.
    feed = event_actions.do_get_calendar_feed(actor=world.outsider)
    response = client.get(f"/events/calendar/{CalendarFeed.objects.get(pk=feed.pk).token}.ics")
    assert response.status_code == 200
    _clean(response.getvalue().decode())  # the streamed or the plain body
    # The member's calendar has it (the test would pass vacuously otherwise).
    member_feed = event_actions.do_get_calendar_feed(actor=world.teammate)
    member = client.get(f"/events/calendar/{member_feed.token}.ics")
    assert "Falcon offsite" in member.content.decode()


def test_counts_do_not_count_it(
    world: World, falcon: dict[str, Any], api_as: type[ApiClient]
) -> None:
    # A topic's count is the same for everyone, so it leaves out secret communities' posts.
    assert api_as(world.outsider).get("/topics/rockets").json()["post_count"] == 0
    feed_actions.create_post(world.teammate, body="Open talk about #rockets")
    assert api_as(world.outsider).get("/topics/rockets").json()["post_count"] == 1
    # Deleting the secret posts does not take the count below what it counts.
    feed_actions.do_delete_post(actor=world.owner, post=falcon["post"])
    assert api_as(world.outsider).get("/topics/rockets").json()["post_count"] == 1
