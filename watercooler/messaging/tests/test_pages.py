"""The messaging pages: starting a conversation, the inbox, reading and writing in a
conversation (opening it reads it), 404 for anyone never in it, and refusals that keep the
draft."""

from collections.abc import Callable
from typing import Any

from watercooler.messaging.models import Conversation, Message, Seat
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

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
    owner = client_as(world.owner)
    owner.post("/messages/new/", {"to": world.teammate.username})
    pk = Conversation.objects.get().pk
    owner.post(f"/messages/{pk}/send/", {"body": "Just us"})
    message = Message.objects.get().pk
    for person in (world.outsider, world.admin, world.guest):
        client = client_as(person)
        assert client.get(f"/messages/{pk}/").status_code == 404
        assert client.post(f"/messages/{pk}/send/", {"body": "Hi"}).status_code == 404
        assert client.get(f"/messages/m/{message}/").status_code == 404
        for action, data in (("react", {"kind": "like", "on": "1"}), ("edit", {"body": "x"})):
            assert client.post(f"/messages/m/{message}/{action}/", data).status_code == 404
        assert client.post(f"/messages/m/{message}/delete/").status_code == 404
        assert "No conversation yet" in client.get("/messages/").content.decode()
        # Their own settings page is theirs to use.
        assert client.get("/messages/settings/").status_code == 200
    assert Message.objects.get().body == "Just us"
    anonymous = client_as(None)
    for path in (
        f"/messages/{pk}/",
        "/messages/",
        f"/messages/m/{message}/",
        "/messages/settings/",
    ):
        assert anonymous.get(path).status_code == 302


def test_a_post_link_is_a_card_only_for_those_who_may_see_the_post(
    world: World, client_as: ClientAs
) -> None:
    from watercooler.communities import actions as communities
    from watercooler.feed.actions import create_post

    club = communities.create_community(
        world.owner, name="Board prep", handle="board", privacy="secret"
    )
    secret = create_post(world.owner, body="Q3 numbers, not for everyone", community_handle="board")
    public = create_post(world.owner, body="Release notes for 4.2 are out")
    owner = client_as(world.owner)
    owner.post("/messages/new/", {"to": f"{world.teammate.username} {world.outsider.username}"})
    conversation = Conversation.objects.get()
    body = f"See http://testserver/posts/{public.pk}/ and /posts/{secret.pk}/ and http://elsewhere.example/posts/{public.pk}/"
    owner.post(f"/messages/{conversation.pk}/send/", {"body": body})
    mine = owner.get(f"/messages/{conversation.pk}/").content.decode()
    assert mine.count('class="post-card-link card"') == 2
    assert "Q3 numbers" in mine
    theirs = client_as(world.outsider).get(f"/messages/{conversation.pk}/").content.decode()
    assert theirs.count('class="post-card-link card"') == 1
    assert "Release notes for 4.2" in theirs
    assert "Q3 numbers" not in theirs  # a plain link in the text, no card
    del club


def test_a_message_link_from_a_post_and_a_profile(world: World, client_as: ClientAs) -> None:
    from watercooler.feed.actions import create_post

    post = create_post(world.teammate, body="Who has the keys to the lab?")
    owner = client_as(world.owner)
    page = owner.get(f"/posts/{post.pk}/").content.decode()
    assert f'href="/messages/new/?to={world.teammate.username}"' in page
    form = owner.get(f"/messages/new/?to={world.teammate.username}").content.decode()
    assert f'value="{world.teammate.username}"' in form
    assert Conversation.objects.count() == 0  # nothing is made until Start is pressed
    profile = owner.get(f"/people/{world.teammate.username}/").content.decode()
    assert "Block messages" in profile
    assert ">Message</button>" in profile
    # Blocked: the person who blocked them sees no Message button for them.
    client_as(world.teammate).post(
        f"/messages/block/{world.owner.username}/", {"on": "1", "next": "/"}
    )
    assert (
        ">Message</button>" not in owner.get(f"/people/{world.teammate.username}/").content.decode()
    )


def test_reacting_editing_deleting_and_settings_through_the_page(
    world: World, client_as: ClientAs
) -> None:
    owner, teammate = client_as(world.owner), client_as(world.teammate)
    owner.post("/messages/new/", {"to": world.teammate.username})
    pk = Conversation.objects.get().pk
    owner.post(f"/messages/{pk}/send/", {"body": "Standup moved to 10"})
    message = Message.objects.get()
    reacted = teammate.post(f"/messages/m/{message.pk}/react/", {"kind": "like", "on": "1"})
    assert reacted["Location"] == f"/messages/{pk}/#message-{message.pk}"
    assert (
        teammate.post(f"/messages/m/{message.pk}/react/", {"kind": "nope", "on": "1"}).status_code
        == 422
    )
    assert teammate.post(f"/messages/m/{message.pk}/edit/", {"body": "Mine now"}).status_code == 403
    owner.post(f"/messages/m/{message.pk}/edit/", {"body": "Standup moved to 10:30"})
    fragment = teammate.get(f"/messages/m/{message.pk}/").content.decode()
    assert "10:30" in fragment
    assert "(edited)" in fragment
    assert "👍 1" in fragment
    owner.post(f"/messages/m/{message.pk}/delete/")
    assert (
        "This message was deleted." in teammate.get(f"/messages/m/{message.pk}/").content.decode()
    )
    saved = teammate.post("/messages/settings/", {"read_receipts": "on"})
    assert "Saved." in saved.content.decode()
    assert 'id="show-presence" name="show_presence" checked' not in saved.content.decode()


def test_the_details_panel_manages_a_group(world: World, client_as: ClientAs) -> None:
    owner, teammate = client_as(world.owner), client_as(world.teammate)
    owner.post("/messages/new/", {"to": f"{world.teammate.username} {world.outsider.username}"})
    pk = Conversation.objects.get().pk
    manage = f"/messages/{pk}/manage/"
    assert owner.post(manage, {"action": "title", "title": "Launch week"}).status_code == 302
    assert Conversation.objects.get().title == "Launch week"
    # Not an admin: no title, no adding; 403 without the panel's buttons.
    assert teammate.post(manage, {"action": "title", "title": "Mine"}).status_code == 403
    assert "Make admin" not in teammate.get(f"/messages/{pk}/").content.decode()
    owner.post(manage, {"action": "admin", "username": world.teammate.username})
    assert Seat.objects.get(person=world.teammate).is_admin
    teammate.post(manage, {"action": "add", "to": f"@{world.admin.username}"})
    assert Seat.objects.filter(conversation_id=pk, left_at__isnull=True).count() == 4
    refused = teammate.post(manage, {"action": "add", "to": "nobody_here"})
    assert refused.status_code == 422
    assert "No one is called nobody_here" in refused.content.decode()
    owner.post(manage, {"action": "remove", "username": world.outsider.username})
    assert Seat.objects.get(person=world.outsider).left_at is not None
    assert teammate.post(manage, {"action": "mute"}).status_code == 302
    assert Seat.objects.get(person=world.teammate).muted
    assert teammate.post(manage, {"action": "archive"})["Location"] == "/messages/"
    teammate.post(manage, {"action": "leave"})
    assert Seat.objects.get(person=world.teammate).left_at is not None
    assert owner.post(manage, {"action": "explode"}).status_code == 400
    stranger = make_person("sam_sales", display_name="Sam Sales")
    for person in (stranger, world.guest):
        assert client_as(person).post(manage, {"action": "mute"}).status_code == 404


def test_a_reply_quotes_the_message_it_answers(world: World, client_as: ClientAs) -> None:
    owner, teammate = client_as(world.owner), client_as(world.teammate)
    owner.post("/messages/new/", {"to": world.teammate.username})
    pk = Conversation.objects.get().pk
    owner.post(f"/messages/{pk}/send/", {"body": "Who books the room?"})
    question = Message.objects.get()
    teammate.post(f"/messages/{pk}/send/", {"body": "I will", "reply_to": str(question.pk)})
    answer = Message.objects.latest("pk")
    assert answer.reply_to_id == question.pk
    page = owner.get(f"/messages/{pk}/").content.decode()
    assert "Olivia Owner: Who books the room?" in page


def test_the_inbox_lists_unread_conversations_first(world: World, client_as: ClientAs) -> None:
    owner = client_as(world.owner)
    for person in (world.teammate, world.outsider, world.admin):
        owner.post("/messages/new/", {"to": person.username})
    by_person = {
        s.conversation.seats.exclude(person=world.owner).get().person: s.conversation
        for s in Seat.objects.filter(person=world.owner)
    }
    # The teammate wrote first (unread); the others answered later and were read.
    client_as(world.teammate).post(
        f"/messages/{by_person[world.teammate].pk}/send/", {"body": "Unread one"}
    )
    for person in (world.outsider, world.admin):
        client_as(person).post(f"/messages/{by_person[person].pk}/send/", {"body": "Read one"})
        owner.get(f"/messages/{by_person[person].pk}/")
    page = owner.get("/messages/").content.decode()
    assert page.index("Unread one") < page.index("Read one")
    assert "Earlier" in page
    only = owner.get("/messages/?unread=1").content.decode()
    assert "Unread one" in only
    assert "Read one" not in only
    api = ApiClient(world.owner).get("/conversations?unread=true").json()["items"]
    assert [c["last_message"]["body"] for c in api] == ["Unread one"]
    assert owner.get("/messages/?cursor=nonsense").status_code == 400
