"""What notifies a person: topics turned off in the app are not notified (through every way a
notification is made: in bulk, folded reactions, follows), through the API and the page; each
person's settings are their own; announcements cannot be turned off. Channels, quiet hours,
pause and the digest's choices; muting a thread, a community or a #topic."""

from typing import Any

import pytest

from watercooler.communities import actions as communities
from watercooler.feed import actions as feed
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def _kinds(person: User) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def _topics(body: dict[str, Any]) -> dict[str, bool]:
    return {topic["key"]: topic["in_app"] for topic in body["topics"]}


def test_everything_is_on_until_turned_off(world: World) -> None:
    settings = _topics(ApiClient(world.owner).get("/me/notification-settings").json())
    assert all(settings.values())
    assert "announcements" not in settings  # must-reads always reach people
    assert {"mentions", "replies", "reactions", "followers", "messages"} <= set(settings)


def test_turned_off_topics_are_not_notified(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    owner = ApiClient(world.owner)
    changed = owner.patch(
        "/me/notification-settings", {"in_app": {"reactions": False, "followers": False}}
    )
    assert changed.status_code == 200, changed.content
    assert _topics(changed.json())["reactions"] is False
    assert _topics(changed.json())["replies"] is True
    post = feed.create_post(world.owner, body="Shipping today")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_react(user=world.teammate, post=post, kind="like")
        feed.do_follow_person(follower=world.teammate, followee=world.owner)
        feed.do_create_reply(author=world.teammate, post=post, body="Congrats @olivia_owner")
    assert _kinds(world.owner) == [NotificationKind.REPLY]
    # Turned on again: the next one arrives; the teammate's own settings were never touched.
    owner.patch("/me/notification-settings", {"in_app": {"reactions": True}})
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_react(user=world.outsider, post=post, kind="celebrate")
    assert NotificationKind.REACTION in _kinds(world.owner)
    assert all(_topics(ApiClient(world.teammate).get("/me/notification-settings").json()).values())


def test_bad_settings_name_the_field_and_change_nothing(world: World) -> None:
    owner = ApiClient(world.owner)
    for body in (
        {"in_app": {"gossip": False}},
        {"in_app": {"reactions": "maybe"}},
        {"in_app": ["reactions"]},
        {"reactions": False},
    ):
        refused = owner.patch("/me/notification-settings", body)
        assert refused.status_code == 422, body
    assert all(_topics(owner.get("/me/notification-settings").json()).values())


def test_the_settings_page(world: World, client_as: Any) -> None:
    client = client_as(world.guest)
    page = client.get("/notifications/settings/").content.decode()
    assert "Reactions to what you wrote" in page
    saved = client.post(
        "/notifications/settings/",
        {
            "in_app": ["mentions", "replies"],
            "email": ["mentions"],
            "push": ["mentions", "messages"],
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "time_zone": "Asia/Tokyo",
            "digest": "daily",
        },
        follow=True,
    )
    assert "Saved." in saved.content.decode()
    body = ApiClient(world.guest).get("/me/notification-settings").json()
    assert [key for key, on in _topics(body).items() if on] == ["mentions", "replies"]
    assert [t["key"] for t in body["topics"] if t["email"]] == ["mentions"]
    assert [t["key"] for t in body["topics"] if t["push"]] == ["mentions", "messages"]
    assert body["quiet_hours"] == {"start": "22:00:00", "end": "07:00:00"}
    assert (body["time_zone"], body["digest"], body["digest_only"]) == (
        "Asia/Tokyo",
        "daily",
        False,
    )
    # A half-filled quiet hours is refused, naming it, and nothing changes.
    refused = client.post(
        "/notifications/settings/", {"in_app": [], "quiet_start": "23:00", "digest": "off"}
    )
    assert refused.status_code == 422
    assert "both the start and the end" in refused.content.decode()
    assert ApiClient(world.guest).get("/me/notification-settings").json() == body
    paused = client.post("/notifications/settings/", {"pause": "1h"}, follow=True)
    assert "Paused until" in paused.content.decode()
    resumed = client.post("/notifications/settings/", {"pause": "off"}, follow=True)
    assert "Paused until" not in resumed.content.decode()
    assert client_as(None).get("/notifications/settings/").status_code == 302


def test_channels_quiet_hours_pause_and_digest_through_the_api(world: World) -> None:
    owner = ApiClient(world.owner)
    body = owner.get("/me/notification-settings").json()
    email_on = {t["key"] for t in body["topics"] if t["email"]}
    push_off = {t["key"] for t in body["topics"] if not t["push"]}
    assert email_on == {"mentions", "replies", "messages"}
    assert push_off == {"reactions", "followers"}
    assert (body["quiet_hours"], body["paused_until"], body["digest"]) == (None, None, "weekly")
    assert body["effective_time_zone"]
    changed = owner.patch(
        "/me/notification-settings",
        {
            "push": {"reactions": True},
            "quiet_hours": {"start": "21:30", "end": "06:45"},
            "time_zone": "America/New_York",
            "pause": "tomorrow",
            "digest_only": True,
        },
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["quiet_hours"] == {"start": "21:30:00", "end": "06:45:00"}
    assert body["effective_time_zone"] == "America/New_York"
    assert body["paused_until"] is not None
    assert body["digest_only"] is True
    assert next(t for t in body["topics"] if t["key"] == "reactions")["push"] is True
    # Each key alone; an explicit null turns quiet hours off, an absent one keeps them.
    assert owner.patch("/me/notification-settings", {"digest": "off"}).json()["quiet_hours"]
    cleared = owner.patch("/me/notification-settings", {"quiet_hours": None, "pause": "off"})
    assert (cleared.json()["quiet_hours"], cleared.json()["paused_until"]) == (None, None)
    for bad in (
        {"time_zone": "Mars/Olympus"},
        {"pause": "forever"},
        {"digest": "hourly"},
        {"quiet_hours": {"start": "25:00", "end": "07:00"}},
        {"quiet_hours": {"start": "07:00", "end": "07:00"}},
        {"email": {"gossip": True}},
        {"push": {"mentions": "sometimes"}},
        {"digest_only": "sometimes"},
    ):
        refused = owner.patch("/me/notification-settings", bad)
        assert refused.status_code == 422, bad
        assert (
            next(iter(bad)) in refused.content.decode() or "quiet_hours" in refused.content.decode()
        )
    assert owner.get("/me/notification-settings").json() == cleared.json()


def test_quiet_hours_run_over_midnight_and_pause_ends(world: World) -> None:
    import datetime as dt

    from watercooler.notifications import actions, queries
    from watercooler.notifications.policy import in_quiet_hours, pause_end

    assert in_quiet_hours(dt.time(22), dt.time(7), dt.time(23, 30))
    assert in_quiet_hours(dt.time(22), dt.time(7), dt.time(6, 59))
    assert not in_quiet_hours(dt.time(22), dt.time(7), dt.time(7))
    assert in_quiet_hours(dt.time(13), dt.time(14), dt.time(13, 30))
    assert not in_quiet_hours(None, None, dt.time(3))
    zone = dt.timezone(dt.timedelta(hours=9))
    evening = dt.datetime(2026, 12, 31, 23, 10, tzinfo=zone)
    assert pause_end("1h", evening) == dt.datetime(2027, 1, 1, 0, 10, tzinfo=zone)
    assert pause_end("tomorrow", evening) == dt.datetime(2027, 1, 1, 7, 0, tzinfo=zone)
    actions.do_change_notification_settings(
        user=world.owner,
        changes={
            "quiet_start": dt.time(22),
            "quiet_end": dt.time(7),
            "time_zone": "Asia/Tokyo",
        },
    )
    chosen = queries.notification_settings(world.owner)
    tokyo_23h = dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC)  # 23:00 in Tokyo
    tokyo_noon = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
    assert chosen.quiet_at(tokyo_23h)
    assert not chosen.quiet_at(tokyo_noon)


def test_muted_threads_communities_and_topics_stay_quiet_but_for_mentions(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    owner = ApiClient(world.owner)
    thread = feed.create_post(world.teammate, body="A busy thread")
    feed.do_create_reply(author=world.owner, post=thread, body="Following this")
    on_topic = feed.create_post(world.owner, body="Rollout notes #rollout")
    muted = owner.post("/me/mutes", {"post": thread.pk})
    assert muted.status_code == 201, muted.content
    assert muted.json()["kind"] == "thread"
    assert owner.post("/me/mutes", {"topic": "rollout"}).status_code == 201
    assert [m["kind"] for m in owner.get("/me/mutes").json()] == ["topic", "thread"]
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.outsider, post=thread, body="Me too")
        feed.do_create_reply(author=world.outsider, post=thread, body="@olivia_owner look")
        # A muted #topic quiets the owner's own post about it too.
        feed.do_react(user=world.teammate, post=on_topic, kind="like")
        feed.do_create_reply(author=world.teammate, post=on_topic, body="Nice")
    assert _kinds(world.owner) == [NotificationKind.MENTION]
    # Unmuting: the next reply arrives.
    thread_mute = next(m for m in owner.get("/me/mutes").json() if m["kind"] == "thread")
    assert owner.delete(f"/me/mutes/{thread_mute['id']}").status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.outsider, post=thread, body="Second")
    assert NotificationKind.THREAD_REPLY in _kinds(world.owner)


def test_mutes_are_ones_own_and_only_of_what_one_sees(world: World) -> None:
    owner = ApiClient(world.owner)
    communities.create_community(
        world.outsider, name="Project Falcon", handle="falcon", privacy="secret"
    )
    club = communities.create_community(
        world.teammate, name="Python guild", handle="python", privacy="open"
    )
    hidden = feed.create_post(world.outsider, body="Only my community", community_handle="falcon")
    assert owner.post("/me/mutes", {"post": hidden.pk}).status_code == 404
    assert owner.post("/me/mutes", {"community": "falcon"}).status_code == 404
    assert owner.post("/me/mutes", {"topic": "never-used"}).status_code == 404
    assert owner.post("/me/mutes", {}).status_code == 422
    assert owner.post("/me/mutes", {"post": 1, "topic": "x"}).status_code == 422
    mute = owner.post("/me/mutes", {"community": club.handle}).json()
    again = owner.post("/me/mutes", {"community": club.handle}).json()
    assert again["id"] == mute["id"]
    for other in (world.teammate, world.outsider, world.guest):
        assert ApiClient(other).delete(f"/me/mutes/{mute['id']}").status_code == 404
        assert ApiClient(other).get("/me/mutes").json() == []
    assert owner.get("/me/mutes").json() == [mute]
