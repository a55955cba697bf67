"""Web push through the whole protocol against a local push service: subscribing a device (the
browser's JSON), the payload encrypted for it (decrypted here with its keys) and signed with
VAPID (checked here), only what the person wants pushed and never in quiet hours, a
subscription the service says is gone removed, endpoints that must be https, and
subscriptions that are one's own."""

from typing import Any

import pytest

from watercooler.feed import actions as feed
from watercooler.notifications import push
from watercooler.notifications.models import PushSubscription
from watercooler.testing.fixtures import ApiClient, PushService
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def _subscribe(client: ApiClient, subscription: dict[str, Any]) -> Any:
    return client.post("/push/subscriptions", subscription)


def test_a_subscribed_device_gets_an_encrypted_signed_push(
    world: World, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    owner = ApiClient(world.owner)
    assert owner.get("/push/key").json()["public_key"] == push.public_key() != ""
    phone = push_service.device("phone")
    laptop = push_service.device("laptop")
    for device in (phone, laptop):
        made = _subscribe(owner, device.subscription)
        assert made.status_code == 201, made.content
        assert made.json()["service"] == "127.0.0.1"
    post = feed.create_post(world.owner, body="Offsite agenda")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=post, body="Looks good")
    for name in ("phone", "laptop"):
        [message] = push_service.messages(name)
        assert message["body"] == "Theo Teammate replied to your post"
        assert message["url"].startswith("/notifications/")
        assert message["unread"] == 1
    # Subscribing the same browser again updates it; the list is the person's own.
    assert _subscribe(owner, phone.subscription).status_code == 201
    assert len(owner.get("/push/subscriptions").json()) == 2
    assert ApiClient(world.teammate).get("/push/subscriptions").json() == []


def test_only_what_is_wanted_and_never_in_quiet_hours(
    world: World, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    owner = ApiClient(world.owner)
    phone = push_service.device("phone")
    _subscribe(owner, phone.subscription)
    post = feed.create_post(world.owner, body="Photos from the offsite")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_react(user=world.teammate, post=post, kind="like")  # reactions: not pushed
    assert push_service.messages("phone") == []
    owner.patch("/me/notification-settings", {"pause": "1h"})
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=post, body="Great ones")
    assert push_service.messages("phone") == []  # paused: the app still collects
    owner.patch("/me/notification-settings", {"pause": "off", "push": {"replies": False}})
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.admin, post=post, body="Agreed")
    assert push_service.messages("phone") == []
    owner.patch("/me/notification-settings", {"push": {"replies": True}, "digest_only": True})
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.outsider, post=post, body="Nice")
    assert push_service.messages("phone") == []


def test_a_gone_subscription_is_removed(
    world: World, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    owner = ApiClient(world.owner)
    old = push_service.device("old-browser")
    _subscribe(owner, old.subscription)
    push_service.answer["old-browser"] = 410
    post = feed.create_post(world.owner, body="Anyone?")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=post, body="Here")
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()


def test_endpoints_and_keys_are_checked_and_subscriptions_are_ones_own(
    world: World, push_service: PushService, settings: Any
) -> None:
    owner = ApiClient(world.owner)
    good = push_service.device("phone").subscription
    for bad, field in (
        ({**good, "endpoint": "http://push.example.com/x"}, "endpoint"),
        ({**good, "endpoint": "ftp://127.0.0.1/x"}, "endpoint"),
        ({**good, "endpoint": "https://" + "a" * 1000 + ".example/x"}, "endpoint"),
        ({**good, "keys": {**good["keys"], "p256dh": "bm90IGEga2V5"}}, "keys.p256dh"),
        ({**good, "keys": {**good["keys"], "auth": "!!"}}, "keys.auth"),
    ):
        refused = _subscribe(owner, bad)
        assert refused.status_code == 422, bad
        assert field in refused.content.decode()
    assert not PushSubscription.objects.exists()
    settings.WEBPUSH_TEST_HOSTS = []
    assert _subscribe(owner, good).status_code == 422  # plain http only for test hosts
    settings.WEBPUSH_TEST_HOSTS = ["127.0.0.1"]
    made = _subscribe(owner, good).json()
    for other in (world.teammate, world.outsider, world.guest):
        assert ApiClient(other).delete(f"/push/subscriptions/{made['id']}").status_code == 404
    assert owner.delete(f"/push/subscriptions/{made['id']}").status_code == 204
    assert owner.delete(f"/push/subscriptions/{made['id']}").status_code == 404
