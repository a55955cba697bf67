"""The messaging pages: starting a conversation, the inbox, reading and writing in a
conversation (opening it reads it), 404 for anyone never in it, and refusals that keep the
draft."""

from collections.abc import Callable
from typing import Any

from watercooler.messaging.models import Conversation, Seat
from watercooler.people.models import User
from watercooler.testing.world import World

ClientAs = Callable[[User | None], Any]


def test_start_write_read_and_list_a_conversation(world: World, client_as: ClientAs) -> None:
    owner = client_as(world.owner)
    assert owner.get("/messages/").status_code == 200
    started = owner.post("/messages/new/", {"to": world.teammate.username})
    assert started.status_code == 302
    conversation = Conversation.objects.get()
    assert started["Location"] == f"/messages/{conversation.pk}/"
    sent = owner.post(f"/messages/{conversation.pk}/send/", {"body": "Coffee at **3**?"})
    assert sent.status_code == 302
    teammate = client_as(world.teammate)
    inbox = teammate.get("/messages/").content.decode()
    assert "Olivia Owner" in inbox
    assert "Coffee at 3?" in inbox  # the preview is plain text
    assert 'aria-label="1 unread"' in inbox
    page = teammate.get(f"/messages/{conversation.pk}/").content.decode()
    assert "<strong>3</strong>" in page
    assert Seat.objects.get(person=world.teammate).unread_count == 0
    # The same two people find the same conversation again.
    again = teammate.post("/messages/new/", {"to": world.owner.username})
    assert again["Location"] == f"/messages/{conversation.pk}/"


def test_refusals_name_the_problem_and_keep_the_draft(world: World, client_as: ClientAs) -> None:
    owner = client_as(world.owner)
    refused = owner.post("/messages/new/", {"to": "nobody_here"})
    assert refused.status_code == 422
    assert "No one is called nobody_here." in refused.content.decode()
    owner.post("/messages/new/", {"to": world.teammate.username})
    pk = Conversation.objects.get().pk
    empty = owner.post(f"/messages/{pk}/send/", {"body": "   "})
    assert empty.status_code == 422
    assert "This field is required." in empty.content.decode()
    long = owner.post(f"/messages/{pk}/send/", {"body": "x" * 10_001})
    assert long.status_code == 422
    assert "x" * 10_001 in long.content.decode()


def test_nobody_else_opens_a_conversation(world: World, client_as: ClientAs) -> None:
    client_as(world.owner).post("/messages/new/", {"to": world.teammate.username})
    pk = Conversation.objects.get().pk
    for person in (world.outsider, world.admin, world.guest):
        client = client_as(person)
        assert client.get(f"/messages/{pk}/").status_code == 404
        assert client.post(f"/messages/{pk}/send/", {"body": "Hi"}).status_code == 404
        assert "No conversation yet" in client.get("/messages/").content.decode()
    anonymous = client_as(None)
    assert anonymous.get(f"/messages/{pk}/").status_code == 302
    assert anonymous.get("/messages/").status_code == 302
