"""Events applied to what a client read earlier equal what it would read now.

For every event type, a person's open page (their API reads: posts, threads, the home feed,
notifications, announcements, what their socket follows) is read; an action runs and commits; the
events that reach that person's socket (by its groups, as the consumer joins them) are applied by
a small reference client (``APPLY``: what docs/events.md tells a client to do with each type);
and the result must equal a fresh read. An event that cannot keep a read current fails here, and
so does a new event type without an applier and a scenario (``test_every_type_is_covered``).

Datetimes are compared as instants at the API's precision (milliseconds): events carry them as
the sender wrote them (``isoformat()``, pydantic), the API as Django's JSON encoder does.
"""

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.announcements import actions as ann
from watercooler.communities import actions as community_actions
from watercooler.core import events
from watercooler.core.events import (
    EVENT_TYPES,
    author_group,
    community_group,
    post_group,
    topic_group,
    user_group,
)
from watercooler.feed import actions
from watercooler.feed.models import Post, Reply, Topic
from watercooler.messaging import actions as messaging
from watercooler.messaging.models import Message
from watercooler.messaging.policy import PRESENCE_EXPIRES_SECONDS
from watercooler.messaging.queries import access_seat
from watercooler.notifications.queries import unread_count
from watercooler.people.models import Role, User
from watercooler.questions import actions as answers
from watercooler.realtime import access
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db

State = dict[str, Any]
EventJSON = dict[str, Any]


# --- The client: what a person's open page read, and their socket ----------------------------


@dataclass
class Reader:
    """A person's page: which API reads it shows, and (through their socket) what it hears."""

    person: User
    api: ApiClient
    posts: list[int] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    feed: bool = False
    notifications: bool = False
    pinned: bool = False
    announcements: list[int] = field(default_factory=list)
    following: bool = False
    conversations: list[int] = field(default_factory=list)
    inbox: bool = False

    def get(self, path: str) -> Any:
        response = self.api.get(path)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.content
        return response.json()

    def read_following(self) -> dict[str, list[Any]]:
        """What the socket follows: the consumer re-reads exactly this on ``follows.changed``."""
        people, topics, communities = access.following(self.person)
        return {
            "people": sorted(people.values()),
            "topics": sorted(topics),
            "communities": sorted(communities),
        }

    def read(self) -> State:
        state: State = {"posts": {pk: self.get(f"/posts/{pk}") for pk in self.posts}}
        state["threads"] = {pk: self.get(f"/posts/{pk}/replies") for pk in self.threads}
        if self.feed:
            state["feed"] = self.get("/feed")
        if self.notifications:
            state["notifications"] = self.get("/notifications")
            state["unread_count"] = unread_count(self.person)
        if self.pinned:
            state["pinned"] = self.get("/announcements")
        state["announcements"] = {pk: self.get(f"/announcements/{pk}") for pk in self.announcements}
        if self.following:
            state["following"] = self.read_following()
        state["conversations"] = {
            pk: {
                "detail": self.get(f"/conversations/{pk}"),
                "messages": self.get(f"/conversations/{pk}/messages"),
            }
            for pk in self.conversations
        }
        if self.inbox:
            state["inbox"] = self.get("/conversations")
        return state

    def groups(self) -> set[str]:
        """The groups the person's socket is in (as ``consumers._join_feed_groups`` and
        ``subscribe`` join them), for the posts this page shows."""
        people, topics, communities = access.following(self.person)
        joined = {user_group(self.person.pk), author_group(self.person.pk)}
        joined |= {author_group(pk) for pk in people}
        joined |= {topic_group(name) for name in topics}
        joined |= {community_group(pk) for pk in communities}
        shown = access.visible_post_ids(self.person, [*self.posts, *self.threads])
        return joined | {post_group(pk) for pk in shown}


# --- The reference client: each event applied to a state ---------------------------------------


def posts_in(state: State, post_id: int) -> Iterator[dict[str, Any]]:
    """Every copy of the post the page shows: alone, in the feed, atop its thread."""
    if state["posts"].get(post_id):
        yield state["posts"][post_id]
    for post in (state.get("feed") or {"items": []})["items"]:
        if post["id"] == post_id:
            yield post
    thread = state["threads"].get(post_id)
    if thread and thread["post"]:
        yield thread["post"]


def replies_in(state: State, post_id: int) -> list[dict[str, Any]]:
    thread = state["threads"].get(post_id)
    return thread["items"] if thread else []


def find_reply(state: State, post_id: int, reply_id: int) -> dict[str, Any] | None:
    for reply in replies_in(state, post_id):
        children: list[dict[str, Any]] = reply["children"]
        for candidate in (reply, *children):
            if candidate["id"] == reply_id:
                return candidate
    return None


def post_created(reader: Reader, state: State, event: EventJSON) -> None:
    if "feed" not in state:
        return
    post = copy.deepcopy(event["post"])
    post["my_reactions"] = []
    if post["poll"] is not None:
        post["poll"]["my_vote"] = None
    items = state["feed"]["items"]
    if all(item["id"] != post["id"] for item in items):
        items.insert(0, post)


def post_updated(reader: Reader, state: State, event: EventJSON) -> None:
    for post in posts_in(state, event["post_id"]):
        post.update(
            body=event["body"],
            body_html=event["body_html"],
            topics=event["topics"],
            edited_at=event["edited_at"],
            is_edited=True,
        )


def post_deleted(reader: Reader, state: State, event: EventJSON) -> None:
    pk = event["post_id"]
    if pk in state["posts"]:
        state["posts"][pk] = None
    if "feed" in state:
        state["feed"]["items"] = [p for p in state["feed"]["items"] if p["id"] != pk]
    if state["threads"].get(pk):
        state["threads"][pk].update(post=None, post_deleted=True)


def reply_created(reader: Reader, state: State, event: EventJSON) -> None:
    for post in posts_in(state, event["post_id"]):
        post["counts"]["reply_count"] = event["reply_count"]
    reply = copy.deepcopy(event["reply"])
    reply["my_reactions"] = []
    thread = replies_in(state, event["post_id"])
    if find_reply(state, event["post_id"], reply["id"]) is not None:
        return
    if reply["parent_id"] is None:
        thread.append(reply)
        return
    parent = find_reply(state, event["post_id"], reply["parent_id"])
    if parent is not None:
        parent["children"].append(reply)


def reply_deleted(reader: Reader, state: State, event: EventJSON) -> None:
    pk, gone = event["post_id"], event["reply_id"]
    for post in posts_in(state, pk):
        post["counts"]["reply_count"] = event["reply_count"]
    thread = replies_in(state, pk)
    for reply in list(thread):
        if reply["id"] == gone and reply["children"]:
            reply.update(author=None, body="", body_html="", is_deleted=True)
        elif reply["id"] == gone:
            thread.remove(reply)
        elif any(child["id"] == gone for child in reply["children"]):
            reply["children"] = [c for c in reply["children"] if c["id"] != gone]
            if reply["is_deleted"] and not reply["children"]:
                thread.remove(reply)


def reaction_changed(reader: Reader, state: State, event: EventJSON) -> None:
    totals = {"reaction_summary": event["reaction_summary"]}
    if event["reply_id"] is None:
        for post in posts_in(state, event["post_id"]):
            post.update(totals)
            post["counts"]["reaction_count"] = event["reaction_count"]
        return
    reply = find_reply(state, event["post_id"], event["reply_id"])
    if reply is not None:
        reply.update(totals, reaction_count=event["reaction_count"])


def poll_voted(reader: Reader, state: State, event: EventJSON) -> None:
    pk = event["post_id"]
    if not any(p["poll"] and p["poll"]["results_visible"] for p in posts_in(state, pk)):
        return  # someone who has not voted sees no numbers
    fresh = reader.get(f"/posts/{pk}")
    assert fresh["poll"]["total_votes"] == event["total_votes"]
    for post in posts_in(state, pk):
        # Per-option votes are not in the event: a voter's page re-reads the post.
        post.clear()
        post.update(copy.deepcopy(fresh))


def post_pinned(reader: Reader, state: State, event: EventJSON) -> None:
    for post in posts_in(state, event["post_id"]):
        post["pinned"] = event["pinned"]


def answer_accepted(reader: Reader, state: State, event: EventJSON) -> None:
    for post in posts_in(state, event["post_id"]):
        post["accepted_reply_id"] = event["reply_id"]


def notification_created(reader: Reader, state: State, event: EventJSON) -> None:
    if "notifications" not in state:
        return
    new = event["notification"]
    page = state["notifications"]
    page["items"] = [new, *(n for n in page["items"] if n["id"] != new["id"])]
    state["unread_count"] = event["unread_count"]


def announcement_published(reader: Reader, state: State, event: EventJSON) -> None:
    if "pinned" not in state:
        return
    sent = event["announcement"]
    # The event says which; the page reads the reader's own view of it and pins it on top.
    fresh = reader.get(f"/announcements/{sent['id']}")
    assert normal({k: fresh[k] for k in sent}) == normal(sent)
    items = state["pinned"]["items"]
    if all(a["id"] != sent["id"] for a in items):
        items.insert(0, fresh)


def announcement_stats(reader: Reader, state: State, event: EventJSON) -> None:
    counters = {
        "audience_size": event["audience_size"],
        "seen_count": event["seen_count"],
        "acknowledged_count": event["acknowledged_count"],
    }
    shown = [state["announcements"].get(event["announcement_id"])]
    shown += (state.get("pinned") or {"items": []})["items"]
    for announcement in shown:
        if announcement and announcement["id"] == event["announcement_id"]:
            announcement.update(counters)


def follows_changed(reader: Reader, state: State, event: EventJSON) -> None:
    # No payload: the socket re-reads what its person follows and re-joins its groups.
    if "following" in state:
        state["following"] = reader.read_following()


def conversation_views(state: State, conversation_id: int) -> Iterator[dict[str, Any]]:
    """Every copy of the conversation the page shows: its own page's header, the inbox's row."""
    shown = state["conversations"].get(conversation_id)
    if shown:
        yield shown["detail"]
    for item in (state.get("inbox") or {"items": []})["items"]:
        if item["id"] == conversation_id:
            yield item


def messages_in(state: State, conversation_id: int, message_id: int) -> Iterator[dict[str, Any]]:
    """Every copy of the message the page shows: in the thread, as a conversation's last."""
    shown = state["conversations"].get(conversation_id)
    for message in shown["messages"]["items"] if shown else []:
        if message["id"] == message_id:
            yield message
    for conversation in conversation_views(state, conversation_id):
        last = conversation["last_message"]
        if last and last["id"] == message_id:
            yield last


def message_created(reader: Reader, state: State, event: EventJSON) -> None:
    pk, message = event["conversation_id"], event["message"]
    mine = message["author"]["username"] == reader.person.username
    for conversation in conversation_views(state, pk):
        conversation.update(last_message=message, last_activity_at=message["created_at"])
        if mine:
            conversation.update(unread_count=0, last_read_id=message["id"], archived=False)
        else:
            conversation["unread_count"] += 1
            # Writing reads: the author has seen everything up to their message.
            if message["author"]["username"] in conversation["read_positions"]:
                conversation["read_positions"][message["author"]["username"]] = message["id"]
    shown = state["conversations"].get(pk)
    if shown:
        shown["messages"]["items"].insert(0, copy.deepcopy(message))
    if "inbox" in state:
        items = state["inbox"]["items"]
        row = next((item for item in items if item["id"] == pk), None)
        if row is None:
            row = reader.get(f"/conversations/{pk}")  # a conversation the inbox did not show
        else:
            items.remove(row)
        items.insert(0, row)


def message_changed(reader: Reader, state: State, event: EventJSON) -> None:
    """message.updated and message.deleted: the message takes its new form everywhere."""
    pk, message = event["conversation_id"], event["message"]
    if (
        event["type"] == "message.deleted"
        and message["author"]["username"] != reader.person.username
    ):
        for conversation in conversation_views(state, pk):
            if message["id"] > conversation["last_read_id"] and conversation["unread_count"]:
                conversation["unread_count"] -= 1
    for shown in messages_in(state, pk, message["id"]):
        shown.clear()
        shown.update(copy.deepcopy(message))


def message_reaction(reader: Reader, state: State, event: EventJSON) -> None:
    for message in messages_in(state, event["conversation_id"], event["message_id"]):
        message["reactions"] = event["reactions"]


def conversation_read(reader: Reader, state: State, event: EventJSON) -> None:
    for conversation in conversation_views(state, event["conversation_id"]):
        if event["person"] == reader.person.username:
            conversation.update(
                last_read_id=event["last_read_id"], unread_count=event["unread_count"]
            )
        else:
            conversation["read_positions"][event["person"]] = event["last_read_id"]


def conversation_typing(reader: Reader, state: State, event: EventJSON) -> None:
    # "Ana is typing…" shows for a few seconds: nothing the API reads changes.
    assert event["person"]["username"] != reader.person.username


def presence_changed(reader: Reader, state: State, event: EventJSON) -> None:
    for shown in state["conversations"].values():
        for conversation in (shown["detail"],) if shown else ():
            if event["person"] in conversation["presence"]:
                conversation["presence"][event["person"]] = event["status"]
    for conversation in (state.get("inbox") or {"items": []})["items"]:
        if event["person"] in conversation["presence"]:
            conversation["presence"][event["person"]] = event["status"]


APPLY: dict[str, Callable[[Reader, State, EventJSON], None]] = {
    "message.created": message_created,
    "message.updated": message_changed,
    "message.deleted": message_changed,
    "message.reaction": message_reaction,
    "conversation.read": conversation_read,
    "conversation.typing": conversation_typing,
    "presence.changed": presence_changed,
    "post.created": post_created,
    "post.updated": post_updated,
    "post.deleted": post_deleted,
    "reply.created": reply_created,
    "reply.deleted": reply_deleted,
    "reaction.changed": reaction_changed,
    "poll.voted": poll_voted,
    "post.pinned": post_pinned,
    "answer.accepted": answer_accepted,
    "notification.created": notification_created,
    "announcement.published": announcement_published,
    "announcement.stats": announcement_stats,
    "follows.changed": follows_changed,
}

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def normal(value: Any) -> Any:
    """``value`` with every ISO 8601 moment as UTC, to the millisecond."""
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normal(item) for item in value]
    if isinstance(value, str) and ISO_MOMENT.match(value):
        moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()
    return value


# --- The harness --------------------------------------------------------------------------------


@dataclass
class Kit:
    world: World
    capture_on_commit: Any
    applied: set[str] = field(default_factory=set)

    def reader(self, person: User, **shows: Any) -> Reader:
        return Reader(person, ApiClient(person), **shows)

    def verify(
        self, reader: Reader, action: Callable[[], object], *, changes: bool = True
    ) -> list[EventJSON]:
        """Read, act and commit, apply what reached the reader's socket, read again."""
        before = reader.read()
        groups = reader.groups()
        sent: list[tuple[list[str], EventJSON]] = []

        def wire(to: Any, event: EventJSON) -> None:
            # What a socket receives is the JSON text: apply exactly that.
            sent.append((list(to), json.loads(events.encode(event))))

        with (
            mock.patch("watercooler.core.events.send_now", side_effect=wire),
            self.capture_on_commit(execute=True),
        ):
            action()
        received = [event for to, event in sent if groups & set(to)]
        state = copy.deepcopy(before)
        for event in received:
            APPLY[event["type"]](reader, state, event)
            self.applied.add(event["type"])
        if changes:
            assert normal(state) != normal(before), f"nothing changed for the reader: {received}"
        assert normal(state) == normal(reader.read()), f"after applying {received}"
        return received


@pytest.fixture
def kit(world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Kit:
    return Kit(world, django_capture_on_commit_callbacks)


def post_by(author: User, body: str = "Shipping #release today", **fields: Any) -> Post:
    return actions.create_post(author, body=body, **fields)


def reply_to(post: Post, author: User, body: str = "Nice", parent: Reply | None = None) -> Reply:
    return actions.do_create_reply(
        author=author, post=post, body=body, parent_id=parent.pk if parent else None
    )


def deleting(reply: Reply, *, by: User) -> Callable[[], None]:
    def delete() -> None:
        loaded = Reply.objects.select_related("post").get(pk=reply.pk)
        actions.do_delete_reply(actor=by, reply=loaded)

    return delete


def comms_person() -> User:
    return make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)


# --- Scenarios: one per type (each may send others too) ----------------------------------------

Scenario = Callable[[Kit], None]
SCENARIOS: dict[str, Scenario] = {}


def scenario(event_type: str) -> Callable[[Scenario], Scenario]:
    def register(run: Scenario) -> Scenario:
        SCENARIOS[event_type] = run
        return run

    return register


@scenario("post.created")
def a_followed_author_posts(kit: Kit) -> None:
    w = kit.world
    actions.do_follow_person(follower=w.teammate, followee=w.owner)
    post_by(w.owner, "Earlier")
    reader = kit.reader(w.teammate, feed=True)
    kit.verify(reader, lambda: post_by(w.owner))
    kit.verify(reader, lambda: post_by(w.teammate, "Mine", kind="poll", poll_options=["a", "b"]))


@scenario("post.updated")
def an_author_edits(kit: Kit) -> None:
    w = kit.world
    actions.do_follow_person(follower=w.teammate, followee=w.owner)
    post = post_by(w.owner)
    reader = kit.reader(w.teammate, posts=[post.pk], threads=[post.pk], feed=True)
    kit.verify(
        reader,
        lambda: actions.do_edit_post(actor=w.owner, post=post, body="Shipping #launch #beta"),
    )


@scenario("post.deleted")
def an_author_deletes(kit: Kit) -> None:
    w = kit.world
    actions.do_follow_person(follower=w.teammate, followee=w.owner)
    post = post_by(w.owner)
    reply_to(post, w.outsider)
    reader = kit.reader(w.teammate, posts=[post.pk], threads=[post.pk], feed=True)
    kit.verify(reader, lambda: actions.do_delete_post(actor=w.owner, post=post))


@scenario("reply.created")
def people_reply(kit: Kit) -> None:
    w = kit.world
    post = post_by(w.owner)
    reader = kit.reader(w.teammate, posts=[post.pk], threads=[post.pk])
    [received] = kit.verify(reader, lambda: reply_to(post, w.outsider, "First"))
    first = Reply.objects.get(pk=received["reply"]["id"])
    kit.verify(reader, lambda: reply_to(post, w.admin, "Under the first", parent=first))
    kit.verify(reader, lambda: reply_to(post, w.owner, "Second"))


@scenario("reply.deleted")
def people_delete_replies(kit: Kit) -> None:
    w = kit.world
    post = post_by(w.owner)
    parent = reply_to(post, w.outsider, "Parent")
    child = reply_to(post, w.teammate, "Child", parent=parent)
    alone = reply_to(post, w.outsider, "Alone")
    reader = kit.reader(w.admin, posts=[post.pk], threads=[post.pk])
    # A parent with a live child stays as a tombstone; its last child takes it along.
    for author, reply in ((w.outsider, parent), (w.teammate, child), (w.outsider, alone)):
        kit.verify(reader, deleting(reply, by=author))


@scenario("reaction.changed")
def people_react(kit: Kit) -> None:
    w = kit.world
    post = post_by(w.owner)
    reply = reply_to(post, w.outsider)
    reader = kit.reader(w.teammate, posts=[post.pk], threads=[post.pk])
    kit.verify(reader, lambda: actions.do_react(user=w.outsider, post=post, kind="like"))
    kit.verify(reader, lambda: actions.do_react(user=w.admin, post=post, kind="celebrate"))
    kit.verify(reader, lambda: actions.do_react(user=w.owner, post=post, reply=reply, kind="like"))
    kit.verify(reader, lambda: actions.do_unreact(user=w.outsider, post=post, kind="like"))


@scenario("poll.voted")
def people_vote(kit: Kit) -> None:
    w = kit.world
    poll = post_by(w.owner, "Lunch?", kind="poll", poll_options=["Pizza", "Salad"])
    pizza, salad = poll.poll_options.order_by("position")
    actions.do_vote(user=w.teammate, post=poll, option_id=pizza.pk)
    voter = kit.reader(w.teammate, posts=[poll.pk], threads=[poll.pk])
    kit.verify(voter, lambda: actions.do_vote(user=w.outsider, post=poll, option_id=salad.pk))
    # Someone who has not voted sees no numbers: the event changes nothing they were shown.
    undecided = kit.reader(w.admin, posts=[poll.pk])
    kit.verify(
        undecided,
        lambda: actions.do_vote(user=w.owner, post=poll, option_id=pizza.pk),
        changes=False,
    )


@scenario("post.pinned")
def a_moderator_pins(kit: Kit) -> None:
    w = kit.world
    club = community_actions.create_community(
        w.owner, name="Python guild", handle="python", privacy="open"
    )
    community_actions.do_join(actor=w.teammate, community=club)
    post = post_by(w.owner, "Read this first", community_handle="python")
    reader = kit.reader(w.teammate, posts=[post.pk], feed=True)
    kit.verify(reader, lambda: actions.do_pin_post(actor=w.owner, post=post, pinned=True))
    kit.verify(reader, lambda: actions.do_pin_post(actor=w.owner, post=post, pinned=False))


@scenario("answer.accepted")
def an_asker_accepts(kit: Kit) -> None:
    w = kit.world
    question = post_by(w.owner, "How do I deploy?", kind="question")
    answer = reply_to(question, w.outsider, "Like this")
    reader = kit.reader(w.teammate, posts=[question.pk], threads=[question.pk])

    def accept() -> None:
        answers.do_accept_answer(actor=w.owner, post=question, reply=answer)

    kit.verify(reader, accept)
    kit.verify(reader, lambda: answers.do_clear_answer(actor=w.owner, post=question))
    accept()
    # Deleting the accepted reply clears the answer: reply.deleted, then answer.accepted (null).
    received = kit.verify(reader, deleting(answer, by=w.outsider))
    assert [e["type"] for e in received] == ["reply.deleted", "answer.accepted"]


@scenario("notification.created")
def an_author_is_notified(kit: Kit) -> None:
    w = kit.world
    post = post_by(w.owner)
    reader = kit.reader(w.owner, notifications=True)
    kit.verify(reader, lambda: actions.do_react(user=w.teammate, post=post, kind="like"))
    kit.verify(reader, lambda: reply_to(post, w.outsider, "Congratulations"))
    # A second reaction folds into the first notification, which moves back to the top.
    kit.verify(reader, lambda: actions.do_react(user=w.admin, post=post, kind="celebrate"))
    assert len(reader.read()["notifications"]["items"]) == 2


@scenario("announcement.published")
def an_announcement_reaches_its_audience(kit: Kit) -> None:
    comms = comms_person()
    ann.do_create_announcement(actor=comms, title="Canteen", body="New menu")
    reader = kit.reader(kit.world.teammate, pinned=True, notifications=True)
    kit.verify(
        reader,
        lambda: ann.do_create_announcement(
            actor=comms, title="Office closed Friday", body="Work from home.", must_read=True
        ),
    )


@scenario("announcement.stats")
def the_author_watches_the_counts(kit: Kit) -> None:
    w = kit.world
    comms = comms_person()
    announcement = ann.do_create_announcement(
        actor=comms, title="Security training", body="Before Friday.", must_read=True
    )
    reader = kit.reader(comms, announcements=[announcement.pk])
    for person in (w.teammate, w.outsider):
        kit.verify(reader, partial(ann.do_mark_seen, user=person, announcement=announcement))
    kit.verify(reader, lambda: ann.do_acknowledge(user=w.teammate, announcement=announcement))


@scenario("follows.changed")
def a_person_follows_and_joins(kit: Kit) -> None:
    w = kit.world
    club = community_actions.create_community(
        w.owner, name="Python guild", handle="python", privacy="open"
    )
    topic = Topic.objects.create(name="release", label="release")
    reader = kit.reader(w.teammate, following=True)
    kit.verify(reader, lambda: actions.do_follow_person(follower=w.teammate, followee=w.owner))
    kit.verify(reader, lambda: actions.do_follow_topic(follower=w.teammate, topic=topic))
    kit.verify(reader, lambda: community_actions.do_join(actor=w.teammate, community=club))
    kit.verify(reader, lambda: community_actions.do_leave(actor=w.teammate, community=club))
    kit.verify(reader, lambda: actions.do_unfollow_person(follower=w.teammate, followee=w.owner))


def conversation_of(*people: User, title: str = "") -> int:
    conversation, _ = messaging.do_start_conversation(
        actor=people[0], usernames=[p.username for p in people[1:]], title=title or None
    )
    return conversation.pk


def message_in(conversation_id: int, author: User, body: str = "Hi") -> Message:
    return messaging.do_send_message(
        actor=author, seat=access_seat(author, conversation_id), body=body
    )


@scenario("message.created")
def people_write(kit: Kit) -> None:
    w = kit.world
    direct = conversation_of(w.owner, w.teammate)
    group = conversation_of(w.owner, w.teammate, w.outsider, title="Launch")
    message_in(direct, w.owner, "Earlier")
    reader = kit.reader(w.teammate, conversations=[direct, group], inbox=True)
    kit.verify(reader, lambda: message_in(direct, w.owner, "Lunch at noon? @theo_teammate"))
    kit.verify(reader, lambda: message_in(group, w.outsider, "Slides are ready"))
    kit.verify(reader, lambda: message_in(direct, w.teammate, "Yes!"))
    # A conversation the inbox did not show yet comes in on top.
    kit.verify(reader, lambda: message_in(conversation_of(w.admin, w.teammate), w.admin))


@scenario("message.updated")
def an_author_edits_a_message(kit: Kit) -> None:
    w = kit.world
    pk = conversation_of(w.owner, w.teammate)
    message = message_in(pk, w.owner, "Meet at 3")
    reader = kit.reader(w.teammate, conversations=[pk], inbox=True)
    kit.verify(
        reader,
        lambda: messaging.do_edit_message(
            actor=w.owner, seat=access_seat(w.owner, pk), message=message, body="Meet at 4"
        ),
    )


@scenario("message.deleted")
def an_author_deletes_a_message(kit: Kit) -> None:
    w = kit.world
    pk = conversation_of(w.owner, w.teammate, w.outsider, title="Ops")
    first, second = message_in(pk, w.owner, "Oops"), message_in(pk, w.owner, "Wrong room")
    reader = kit.reader(w.teammate, conversations=[pk], inbox=True)
    for message in (first, second):
        kit.verify(
            reader,
            partial(
                messaging.do_delete_message,
                actor=w.owner,
                seat=access_seat(w.owner, pk),
                message=message,
            ),
        )


@scenario("message.reaction")
def people_react_to_a_message(kit: Kit) -> None:
    w = kit.world
    pk = conversation_of(w.owner, w.teammate)
    message = message_in(pk, w.owner, "Shipped!")
    reader = kit.reader(w.owner, conversations=[pk], inbox=True)
    react = partial(messaging.do_react, actor=w.teammate, message=message, kind="celebrate")
    kit.verify(reader, lambda: react(seat=access_seat(w.teammate, pk), on=True))
    kit.verify(reader, lambda: react(seat=access_seat(w.teammate, pk), on=False))


@scenario("conversation.read")
def people_read(kit: Kit) -> None:
    w = kit.world
    pk = conversation_of(w.owner, w.teammate, w.outsider, title="Release")
    message_in(pk, w.owner, "One")
    last = message_in(pk, w.outsider, "Two")
    # The writer sees who read how far ("seen by")…
    writer = kit.reader(w.owner, conversations=[pk], inbox=True)
    read = partial(messaging.do_read, up_to=last.pk)
    kit.verify(writer, lambda: read(actor=w.teammate, seat=access_seat(w.teammate, pk)))
    # …and the reader's other tab sees its unread count go.
    myself = kit.reader(w.outsider, conversations=[pk], inbox=True)
    message_in(pk, w.owner, "Three")
    newest = Message.objects.latest("pk")
    kit.verify(
        myself,
        lambda: messaging.do_read(
            actor=w.outsider, seat=access_seat(w.outsider, pk), up_to=newest.pk
        ),
    )


@scenario("conversation.typing")
def someone_types(kit: Kit) -> None:
    w = kit.world
    pk = conversation_of(w.owner, w.teammate)
    reader = kit.reader(w.teammate, conversations=[pk])
    [event] = kit.verify(
        reader, lambda: messaging.do_typing(actor=w.owner, conversation_id=pk), changes=False
    )
    assert event["person"]["username"] == w.owner.username


@scenario("presence.changed")
def someone_comes_and_goes(kit: Kit) -> None:
    w = kit.world
    pk = conversation_of(w.owner, w.teammate)
    conversation_of(w.admin, w.teammate)
    reader = kit.reader(w.teammate, conversations=[pk], inbox=True)
    started = timezone.now()
    kit.verify(reader, lambda: messaging.do_beat(process="web-1", active={w.owner.pk: started}))
    # The process crashed: no more beats, and a sweep elsewhere finds the heartbeat expired.
    later = started + dt.timedelta(seconds=PRESENCE_EXPIRES_SECONDS + 1)
    kit.verify(reader, lambda: messaging.do_announce_presence(now=later))


# --- The tests ----------------------------------------------------------------------------------


def test_every_type_is_covered() -> None:
    """A new event type needs an applier (what a client does with it) and a scenario."""
    assert set(APPLY) == set(EVENT_TYPES)
    assert set(SCENARIOS) == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(SCENARIOS))
def test_events_applied_to_an_earlier_read_equal_a_fresh_read(kit: Kit, event_type: str) -> None:
    SCENARIOS[event_type](kit)
    assert event_type in kit.applied, f"the scenario never delivered {event_type} to its reader"
