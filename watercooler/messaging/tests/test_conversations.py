"""Conversations through /api/v1: one direct conversation per pair (also when both start it at
once), groups with admins, unread counts through edits, deletes and reads, leaving and removal
(what was said after is never shown), blocking, guests, and 404 for everyone never in it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from watercooler.communities.models import Community, Membership
from watercooler.core.models import SiteSettings
from watercooler.messaging import actions
from watercooler.messaging.models import Block, Conversation
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person


def _start(sender: User, *usernames: str, **extra: Any) -> Any:
    return ApiClient(sender).post("/conversations", {"participants": list(usernames), **extra})


def _send(sender: User, conversation: int, body: str) -> dict[str, Any]:
    response = ApiClient(sender).post(f"/conversations/{conversation}/messages", {"body": body})
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def _unread(person: User, conversation: int) -> int:
    count: int = ApiClient(person).get(f"/conversations/{conversation}").json()["unread_count"]
    return count


def test_two_people_share_one_direct_conversation(world: World) -> None:
    first = _start(world.owner, world.teammate.username)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["direct"] is True
    assert {p["username"] for p in body["participants"]} == {
        world.owner.username,
        world.teammate.username,
    }
    again = _start(world.teammate, world.owner.username)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Conversation.objects.count() == 1


def test_starting_at_the_same_moment_finds_the_other_conversation(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other person's request looked first, found nothing, and committed its conversation
    # before this one could: this one's look found nothing either.
    theirs, _ = actions.do_start_conversation(
        actor=world.teammate, usernames=[world.owner.username]
    )
    monkeypatch.setattr(actions, "direct_conversation", lambda key: None)
    conversation, created = actions.do_start_conversation(
        actor=world.owner, usernames=[world.teammate.username]
    )
    assert not created
    assert conversation.pk == theirs.pk
    assert Conversation.objects.count() == 1


def test_unread_counts_follow_messages_edits_deletes_and_reads(world: World) -> None:
    pk = _start(world.owner, world.teammate.username).json()["id"]
    first = _send(world.owner, pk, "Lunch at noon?")
    second = _send(world.owner, pk, "Or at one, @theo_teammate")
    assert 'href="/people/theo_teammate/"' in second["body_html"]
    assert _unread(world.teammate, pk) == 2
    assert _unread(world.owner, pk) == 0
    edited = ApiClient(world.owner).patch(f"/messages/{first['id']}", {"body": "Lunch at 12?"})
    assert edited.json()["edited_at"] is not None
    assert _unread(world.teammate, pk) == 2
    deleted = ApiClient(world.owner).delete(f"/messages/{first['id']}").json()
    assert (deleted["deleted"], deleted["body"], deleted["body_html"]) == (True, "", "")
    assert _unread(world.teammate, pk) == 1
    read = ApiClient(world.teammate).post(f"/conversations/{pk}/read", {"up_to": second["id"]})
    assert read.json()["unread_count"] == 0
    # A read position never moves back.
    ApiClient(world.teammate).post(f"/conversations/{pk}/read", {"up_to": first["id"]})
    assert (
        ApiClient(world.teammate).get(f"/conversations/{pk}").json()["last_read_id"]
        == (second["id"])
    )
    assert (
        ApiClient(world.teammate).patch(f"/messages/{second['id']}", {"body": "x"}).status_code
        == 403
    )
    reacted = ApiClient(world.teammate).post(
        f"/messages/{second['id']}/reactions", {"kind": "like"}
    )
    assert reacted.json()["reactions"] == {"like": 1}
    unreacted = ApiClient(world.teammate).delete(f"/messages/{second['id']}/reactions/like")
    assert unreacted.json()["reactions"] == {}
    page = ApiClient(world.teammate).get(f"/conversations/{pk}/messages").json()
    assert [m["id"] for m in page["items"]] == [second["id"], first["id"]]


def test_the_inbox_lists_the_latest_activity_first(world: World) -> None:
    older = _start(world.owner, world.teammate.username).json()["id"]
    newer = _start(world.owner, world.outsider.username).json()["id"]
    _send(world.owner, newer, "Hello Sales")
    _send(world.owner, older, "Hello again")
    inbox = ApiClient(world.owner).get("/conversations").json()
    assert [c["id"] for c in inbox["items"]] == [older, newer]
    assert inbox["items"][0]["last_message"]["body"] == "Hello again"
    ApiClient(world.owner).patch(f"/conversations/{older}", {"archived": True})
    assert [c["id"] for c in ApiClient(world.owner).get("/conversations").json()["items"]] == [
        newer
    ]
    archived = ApiClient(world.owner).get("/conversations", archived="true").json()
    assert [c["id"] for c in archived["items"]] == [older]


def test_a_group_has_admins_and_people_removed_see_nothing_after(world: World) -> None:
    created = _start(
        world.owner, world.teammate.username, world.outsider.username, title="Launch crew"
    )
    assert created.status_code == 201, created.content
    group = created.json()
    assert (group["title"], group["direct"], group["admins"]) == (
        "Launch crew",
        False,
        [world.owner.username],
    )
    pk = group["id"]
    before = _send(world.outsider, pk, "Count me in")
    teammate = ApiClient(world.teammate)
    assert teammate.patch(f"/conversations/{pk}", {"title": "Mine"}).status_code == 403
    assert teammate.delete(f"/conversations/{pk}/participants/oscar_outsider").status_code == 403
    removed = ApiClient(world.owner).delete(f"/conversations/{pk}/participants/oscar_outsider")
    assert removed.status_code == 200, removed.content
    assert "oscar_outsider" not in {p["username"] for p in removed.json()["participants"]}
    after = _send(world.owner, pk, "Now just us")
    outsider = ApiClient(world.outsider)
    seen = outsider.get(f"/conversations/{pk}/messages").json()["items"]
    assert [m["id"] for m in seen] == [before["id"]]
    assert outsider.get(f"/conversations/{pk}").json()["left"] is True
    assert outsider.get(f"/conversations/{pk}").json()["last_message"]["id"] == before["id"]
    assert outsider.patch(f"/messages/{after['id']}", {"body": "x"}).status_code == 404
    refused = outsider.post(f"/conversations/{pk}/messages", {"body": "Hello?"})
    assert refused.status_code == 403
    # Leaving: anyone, naming themselves.
    assert teammate.delete(f"/conversations/{pk}/participants/theo_teammate").status_code == 200
    # Added back, the outsider starts from now.
    back = ApiClient(world.owner).post(
        f"/conversations/{pk}/participants", {"participants": ["oscar_outsider"]}
    )
    assert back.status_code == 200, back.content
    assert _unread(world.outsider, pk) == 0
    later = _send(world.owner, pk, "Welcome back")
    assert [m["id"] for m in outsider.get(f"/conversations/{pk}/messages").json()["items"]] == [
        later["id"]
    ]


def test_only_the_people_in_it_read_or_touch_a_conversation(world: World) -> None:
    pk = _start(world.owner, world.teammate.username).json()["id"]
    message = _send(world.owner, pk, "Just between us")
    for person in (world.outsider, world.admin, world.guest):
        client = ApiClient(person)
        assert client.get(f"/conversations/{pk}").status_code == 404
        assert client.get(f"/conversations/{pk}/messages").status_code == 404
        assert client.post(f"/conversations/{pk}/messages", {"body": "Hi"}).status_code == 404
        assert client.patch(f"/conversations/{pk}", {"muted": True}).status_code == 404
        assert client.post(f"/conversations/{pk}/read", {"up_to": message["id"]}).status_code == 404
        assert (
            client.post(
                f"/conversations/{pk}/participants", {"participants": ["admin"]}
            ).status_code
            == 404
        )
        assert client.patch(f"/messages/{message['id']}", {"body": "x"}).status_code == 404
        assert client.delete(f"/messages/{message['id']}").status_code == 404
        assert (
            client.post(f"/messages/{message['id']}/reactions", {"kind": "like"}).status_code == 404
        )
        assert (
            client.delete(f"/conversations/{pk}/participants/{world.owner.username}").status_code
            == 404
        )
        assert client.delete(f"/messages/{message['id']}/reactions/like").status_code == 404
        assert client.get("/conversations").json()["items"] == []
    assert ApiClient(None).get("/conversations").status_code == 401
    assert ApiClient(None).get(f"/conversations/{pk}").status_code == 401


def test_guests_message_only_people_they_share_a_community_with(world: World) -> None:
    refused = _start(world.guest, world.owner.username)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "participants"
    assert _start(world.owner, world.guest.username).status_code == 422
    community = Community.objects.create(name="Partners", handle="partners", created_by=world.owner)
    for person in (world.owner, world.guest):
        Membership.objects.create(community=community, user=person, joined_at=timezone.now())
    assert _start(world.guest, world.owner.username).status_code == 201


def test_a_blocked_person_cannot_message(world: World) -> None:
    pk = _start(world.owner, world.teammate.username).json()["id"]
    Block.objects.create(blocker=world.teammate, blocked=world.owner)
    assert (
        ApiClient(world.owner).post(f"/conversations/{pk}/messages", {"body": "Hi"}).status_code
        == 403
    )
    assert _start(world.owner, world.teammate.username, world.outsider.username).status_code == 422
    # The teammate still writes to them.
    _send(world.teammate, pk, "I'm busy this week")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"participants": []}, "participants"),
        ({"participants": ["nobody_here"]}, "participants"),
        ({"participants": ["olivia_owner"]}, "participants"),  # only yourself
        ({"participants": ["theo_teammate"], "title": "Two of us"}, "title"),
        ({"participants": ["theo_teammate", "oscar_outsider"], "title": "x" * 121}, "title"),
        ({"participants": ["theo_teammate", "oscar_outsider"], "title": "bad\ud800"}, "title"),
    ],
)
def test_bad_conversations_are_refused_naming_the_field(
    world: World, payload: dict[str, Any], field: str
) -> None:
    response = ApiClient(world.owner).post("/conversations", payload)
    assert response.status_code in (400, 422), response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Conversation.objects.exists()


def test_a_conversation_holds_at_most_the_organisations_limit(
    world: World, client_as: Callable[[User | None], Any]
) -> None:
    settings = SiteSettings.load()
    superuser = make_person("root", is_staff=True, is_superuser=True)
    form = client_as(superuser).get(f"/admin/core/sitesettings/{settings.pk}/change/")
    assert 'name="conversation_size_limit"' in form.content.decode()
    settings.conversation_size_limit = 3
    settings.save()
    people = [make_person(f"person_{i}").username for i in range(3)]
    assert _start(world.owner, *people).status_code == 422
    pk = _start(world.owner, *people[:2]).json()["id"]
    added = ApiClient(world.owner).post(
        f"/conversations/{pk}/participants", {"participants": ["theo_teammate"]}
    )
    assert added.status_code == 422


def test_bad_messages_are_refused_and_nothing_is_stored(world: World) -> None:
    pk = _start(world.owner, world.teammate.username).json()["id"]
    client = ApiClient(world.owner)
    for payload, field in (
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "Hi", "reply_to": 10**9}, "reply_to"),
    ):
        response = client.post(f"/conversations/{pk}/messages", payload)
        assert response.status_code == 422, response.content
        assert field in response.content.decode()
    assert client.get(f"/conversations/{pk}/messages").json()["items"] == []
    assert client.post(f"/conversations/{pk}/read", {"up_to": 10**9}).status_code == 422


def test_the_inbox_and_a_page_of_messages_cost_a_fixed_number_of_queries(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = ApiClient(world.owner)

    def cost(path: str) -> int:
        client.get(path)  # the session and settings caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    pk = _start(world.owner, world.teammate.username).json()["id"]
    _send(world.teammate, pk, "One")
    inbox, thread = cost("/conversations"), cost(f"/conversations/{pk}/messages")
    for i in range(4):
        other = make_person(f"colleague_{i}")
        group = _start(world.owner, other.username, world.teammate.username).json()["id"]
        _send(other, group, "Hello")
        _send(world.teammate, pk, f"Message {i}")
    assert cost("/conversations") == inbox
    assert cost(f"/conversations/{pk}/messages") == thread


def test_messages_count_in_the_network_as_who_wrote_to_whom(world: World) -> None:
    import datetime as dt

    from watercooler.messaging.interactions import message_interactions

    pk = _start(world.owner, world.teammate.username).json()["id"]
    _send(world.owner, pk, "One")
    _send(world.owner, pk, "Two")
    _send(world.teammate, pk, "Three")
    group = _start(
        world.owner, world.teammate.username, world.outsider.username, title="Trio"
    ).json()["id"]
    _send(world.outsider, group, "Hello both")
    ApiClient(world.owner).delete(f"/conversations/{group}/participants/oscar_outsider")
    _send(world.owner, group, "Just us now")
    now = timezone.now()
    pairs = {
        (a, b, w): n
        for a, b, n, w in message_interactions(now - dt.timedelta(days=1), now + dt.timedelta(1))
    }
    owner, teammate, outsider = world.owner.pk, world.teammate.pk, world.outsider.pk
    assert pairs == {
        (owner, teammate, 2.0): 2,
        (teammate, owner, 2.0): 1,
        (outsider, owner, 1.0): 1,
        (outsider, teammate, 1.0): 1,
        (owner, teammate, 1.0): 1,  # the removed outsider could not read it
    }


def test_removing_several_people_at_once_is_all_or_nothing(world: World) -> None:
    pk = _start(
        world.owner, world.teammate.username, world.outsider.username, world.admin.username
    ).json()["id"]
    owner = ApiClient(world.owner)
    refused = owner.delete(
        f"/conversations/{pk}/participants", {"participants": ["oscar_outsider", "nobody_here"]}
    )
    assert refused.status_code == 422
    assert len(owner.get(f"/conversations/{pk}").json()["participants"]) == 4
    removed = owner.delete(
        f"/conversations/{pk}/participants", {"participants": ["oscar_outsider", "ada_admin"]}
    )
    assert removed.status_code == 200
    assert [p["username"] for p in removed.json()["participants"]] == [
        "olivia_owner",
        "theo_teammate",
    ]
    # Anyone leaves by naming themselves; nobody else removes people.
    teammate = ApiClient(world.teammate)
    assert (
        teammate.delete(
            f"/conversations/{pk}/participants", {"participants": ["olivia_owner"]}
        ).status_code
        == 403
    )
    left = teammate.delete(f"/conversations/{pk}/participants", {"participants": ["theo_teammate"]})
    assert left.json()["left"] is True


def test_admins_make_other_admins_and_a_group_keeps_one(world: World) -> None:
    pk = _start(world.owner, world.teammate.username, world.outsider.username).json()["id"]
    owner, teammate = ApiClient(world.owner), ApiClient(world.teammate)
    assert (
        teammate.post(f"/conversations/{pk}/admins", {"username": "oscar_outsider"}).status_code
        == 403
    )
    made = owner.post(f"/conversations/{pk}/admins", {"username": "theo_teammate"})
    assert made.status_code == 200
    assert made.json()["admins"] == ["olivia_owner", "theo_teammate"]
    # The new admin adds people and retitles the group.
    assert (
        teammate.post(
            f"/conversations/{pk}/participants", {"participants": ["ada_admin"]}
        ).status_code
        == 200
    )
    assert teammate.patch(f"/conversations/{pk}", {"title": "Ops"}).json()["title"] == "Ops"
    owner.delete(f"/conversations/{pk}/admins/olivia_owner")
    last = teammate.delete(f"/conversations/{pk}/admins/theo_teammate")
    assert last.status_code == 422
    assert last.json()["errors"][0]["field"] == "username"
    assert owner.post(f"/conversations/{pk}/admins", {"username": "nobody_here"}).status_code == 403
    direct = _start(world.owner, world.admin.username).json()["id"]
    refused = owner.post(f"/conversations/{direct}/admins", {"username": "ada_admin"})
    assert refused.status_code == 422


def test_sending_costs_the_same_queries_for_a_small_and_a_large_group(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(size: int) -> int:
        others = [make_person(f"p{size}_{i}").username for i in range(size)]
        pk = _start(world.owner, *others).json()["id"]
        _send(world.owner, pk, "First: everyone is notified")
        client = ApiClient(world.owner)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/conversations/{pk}/messages", {"body": "Second"})
        assert response.status_code == 201
        return len(captured.captured_queries)

    small, large = cost(2), cost(30)
    assert small == large
    # Session and token checks, the seat, the people, the block check, the message, its
    # conversation and the seats' counters, its files, and who is already notified.
    assert large <= 15
