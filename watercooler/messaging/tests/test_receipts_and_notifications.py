"""What reading and writing tell others: in-app notifications for messages and mentions (none
when muted, one row per conversation), "seen by" and turning read receipts off, blocks and a
person's messaging choices through /api/v1/me."""

from typing import Any

import pytest

from watercooler.notifications.models import Notification, NotificationKind
from watercooler.notifications.queries import notification_text
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def _group(starter: User, *others: User, title: str | None = "Launch") -> int:
    response = ApiClient(starter).post(
        "/conversations", {"participants": [p.username for p in others], "title": title}
    )
    assert response.status_code == 201, response.content
    pk: int = response.json()["id"]
    return pk


def _send(sender: User, conversation: int, body: str) -> dict[str, Any]:
    response = ApiClient(sender).post(f"/conversations/{conversation}/messages", {"body": body})
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def _notes(person: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person).order_by("pk"))


def test_messages_notify_once_per_conversation_and_mentions_apart(world: World) -> None:
    pk = _group(world.owner, world.teammate, world.outsider)
    _send(world.owner, pk, "Slides by Friday")
    _send(world.outsider, pk, "On it")
    [note] = _notes(world.teammate)  # one row for the conversation until it is read
    assert note.kind == NotificationKind.MESSAGE
    assert note.actor == world.owner
    assert notification_text(note) == "Olivia Owner wrote in “Launch”"
    assert note.link == f"/messages/{pk}/"
    _send(world.owner, pk, "@theo_teammate can you check the numbers?")
    kinds = [n.kind for n in _notes(world.teammate)]
    assert kinds == [NotificationKind.MESSAGE, NotificationKind.MESSAGE_MENTION]
    assert not [n for n in _notes(world.owner) if n.actor == world.owner]  # not told of own


def test_reading_the_conversation_reads_its_notification(world: World) -> None:
    pk = _group(world.owner, world.teammate, title=None)
    last = _send(world.owner, pk, "Hello")
    ApiClient(world.teammate).post(f"/conversations/{pk}/read", {"up_to": last["id"]})
    assert all(n.read_at is not None for n in _notes(world.teammate))
    _send(world.owner, pk, "Again")
    assert [n.read_at is None for n in _notes(world.teammate)] == [False, True]


def test_a_muted_conversation_notifies_nobody_who_muted_it(world: World) -> None:
    pk = _group(world.owner, world.teammate, world.outsider)
    ApiClient(world.teammate).patch(f"/conversations/{pk}", {"muted": True})
    _send(world.owner, pk, "@theo_teammate quiet please")
    assert _notes(world.teammate) == []
    assert len(_notes(world.outsider)) == 1
    # Unread still counts, but not in the menu's badge.
    body = ApiClient(world.teammate).get(f"/conversations/{pk}").json()
    assert body["unread_count"] == 1


def test_seen_by_and_turning_read_receipts_off(world: World) -> None:
    pk = _group(world.owner, world.teammate, world.outsider)
    last = _send(world.owner, pk, "Read me")
    teammate = ApiClient(world.teammate)
    teammate.post(f"/conversations/{pk}/read", {"up_to": last["id"]})
    seen = ApiClient(world.owner).get(f"/conversations/{pk}").json()["read_positions"]
    assert seen == {"theo_teammate": last["id"], "oscar_outsider": 0}
    # Turned off: the teammate neither shows nor sees how far anyone read.
    assert teammate.patch("/me/messaging", {"read_receipts": False}).json() == {
        "read_receipts": False,
        "show_presence": True,
    }
    seen = ApiClient(world.owner).get(f"/conversations/{pk}").json()["read_positions"]
    assert seen == {"oscar_outsider": 0}
    assert teammate.get(f"/conversations/{pk}").json()["read_positions"] == {}
    bad = teammate.patch("/me/messaging", {"read_receipts": "maybe"})
    assert bad.status_code == 422
    assert teammate.get("/me/messaging").json()["read_receipts"] is False


def test_blocking_through_the_api(world: World) -> None:
    teammate = ApiClient(world.teammate)
    response = teammate.post("/me/blocks", {"username": world.outsider.username})
    assert response.status_code == 200, response.content
    assert [p["username"] for p in response.json()] == ["oscar_outsider"]
    refused = ApiClient(world.outsider).post(
        "/conversations", {"participants": [world.teammate.username]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "participants"
    assert teammate.post("/me/blocks", {"username": world.teammate.username}).status_code == 403
    assert teammate.post("/me/blocks", {"username": "nobody_here"}).status_code == 404
    assert teammate.delete("/me/blocks/oscar_outsider").json() == []
    allowed = ApiClient(world.outsider).post(
        "/conversations", {"participants": [world.teammate.username]}
    )
    assert allowed.status_code == 201


def test_a_guest_blocks_only_people_they_may_know(world: World) -> None:
    guest = ApiClient(world.guest)
    assert guest.post("/me/blocks", {"username": world.owner.username}).status_code == 404
    assert guest.get("/me/blocks").json() == []
    assert guest.get("/me/messaging").status_code == 200
