"""What notifies a person: topics turned off in the app are not notified (through every way a
notification is made: in bulk, folded reactions, follows), through the API and the page; each
person's settings are their own; announcements cannot be turned off."""

from typing import Any

import pytest

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
    saved = client.post("/notifications/settings/", {"in_app": ["mentions", "replies"]})
    assert "Saved." in saved.content.decode()
    settings = _topics(ApiClient(world.guest).get("/me/notification-settings").json())
    assert [key for key, on in settings.items() if on] == ["mentions", "replies"]
    assert client_as(None).get("/notifications/settings/").status_code == 302
