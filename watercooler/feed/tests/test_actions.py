"""Actions: posts, replies, reactions, polls, follows; mentions, topics, events and signals."""

from collections.abc import Callable
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.core.errors import Conflict
from watercooler.core.events import author_group, post_group, topic_group, user_group
from watercooler.feed import actions, queries
from watercooler.feed.models import Mention, PersonFollow, Post, Revision, Topic
from watercooler.testing.fixtures import SentEvents, SentSignals
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def test_create_post_renders_links_mentions_and_topics(
    world: World,
    sent_events: SentEvents,
    sent_signals: SentSignals,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.create_post(
            world.owner,
            body="Hi @theo_teammate and @nobody, see #Release_2 <b>now</b>",
        )
    assert '<a href="/people/theo_teammate/" class="mention"' in post.body_html
    assert "@nobody" in post.body_html
    assert "/people/nobody/" not in post.body_html
    assert '<a href="/topics/release_2/" class="topic"' in post.body_html
    assert "&lt;b&gt;" in post.body_html
    topic = Topic.objects.get(name="release_2")
    assert topic.label == "Release_2"
    assert topic.post_count == 1
    assert list(post.topics.all()) == [topic]
    assert Mention.objects.filter(post=post, user=world.teammate).exists()
    [(_name, kwargs)] = [s for s in sent_signals if s[0] == "post_created"]
    assert kwargs["post"] == post
    assert kwargs["mentioned"] == [world.teammate]
    [(groups, event)] = sent_events
    assert event["type"] == "post.created"
    assert set(groups) == {
        author_group(world.owner.pk),
        topic_group("release_2"),
        user_group(world.owner.pk),
    }
    assert event["post"]["id"] == post.pk
    assert "my_reactions" not in event["post"]


def test_followers_only_post_goes_to_author_group_only(
    world: World,
    sent_events: SentEvents,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_post(world.owner, body="#secret stuff", audience="followers")
    [(groups, _)] = sent_events
    assert groups == [author_group(world.owner.pk)]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    world: World,
    sent_events: SentEvents,
    sent_signals: SentSignals,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                actions.create_post(world.owner, body="never @theo_teammate")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert sent_events == []
    assert sent_signals == []
    assert not Post.objects.exists()


def test_edit_keeps_revisions_and_marks_edited(
    world: World,
    sent_events: SentEvents,
    sent_signals: SentSignals,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    post = actions.create_post(world.owner, body="first #a")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_edit_post(actor=world.owner, post=post, body="second #b @theo_teammate")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert post.body == "second #b @theo_teammate"
    assert list(Revision.objects.filter(post=post).values_list("body", flat=True)) == ["first #a"]
    assert Topic.objects.get(name="a").post_count == 0
    assert Topic.objects.get(name="b").post_count == 1
    assert [e["type"] for _, e in sent_events] == ["post.updated"]
    assert sent_events[0][0] == [post_group(post.pk)]
    [(_, kwargs)] = [s for s in sent_signals if s[0] == "post_updated"]
    assert kwargs["mentioned"] == [world.teammate]
    with pytest.raises(PermissionDenied):
        actions.do_edit_post(actor=world.teammate, post=post, body="hijack")


def test_validation_errors_are_keyed_by_field(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.create_post(world.owner, body="  ")
    assert "body" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.create_post(world.owner, body="x" * 20_001)
    assert "body" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.create_post(world.owner, body="q", kind="poll", poll_options=["only one"])
    assert "poll_options" in exc.value.message_dict
    with pytest.raises(ValidationError):
        actions.create_post(
            world.owner, body="q", kind="poll", poll_options=[str(i) for i in range(11)]
        )
    with pytest.raises(PermissionDenied):
        actions.create_post(world.guest, body="hello")


def test_reply_to_a_child_attaches_to_the_top_level_parent(
    world: World,
    sent_events: SentEvents,
    sent_signals: SentSignals,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    post = actions.create_post(world.owner, body="thread")
    with django_capture_on_commit_callbacks(execute=True):
        top = actions.do_create_reply(author=world.teammate, post=post, body="top @olivia_owner")
        child = actions.do_create_reply(author=world.owner, post=post, body="c", parent_id=top.pk)
        grand = actions.do_create_reply(author=world.owner, post=post, body="g", parent_id=child.pk)
    assert child.parent_id == top.pk
    assert grand.parent_id == top.pk
    post.refresh_from_db()
    assert post.reply_count == 3
    assert [e["type"] for _, e in sent_events] == ["reply.created"] * 3
    assert sent_events[-1][1]["reply_count"] == 3
    created = [k for n, k in sent_signals if n == "reply_created"]
    assert created[0]["mentioned"] == [world.owner]


def test_react_twice_conflicts_and_summary_is_kept(
    world: World,
    sent_events: SentEvents,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    post = actions.create_post(world.owner, body="react")
    with django_capture_on_commit_callbacks(execute=True):
        state = actions.do_react(user=world.teammate, post=post, kind="like")
    assert state.reaction_summary == {"like": 1}
    assert state.my_reactions == ["like"]
    with pytest.raises(Conflict):
        actions.do_react(user=world.teammate, post=post, kind="like")
    state = actions.do_react(user=world.outsider, post=post, kind="celebrate")
    assert state.reaction_count == 2
    state = actions.do_unreact(user=world.teammate, post=post, kind="like")
    assert state.reaction_summary == {"celebrate": 1}
    assert sent_events[0][1] == {
        "type": "reaction.changed",
        "post_id": post.pk,
        "reply_id": None,
        "reaction_count": 1,
        "reaction_summary": {"like": 1},
    }


def test_poll_votes_once(world: World) -> None:
    post = actions.create_post(world.owner, body="lunch?", kind="poll", poll_options=["a", "b"])
    option = post.poll_options.first()
    assert option is not None
    actions.do_vote(user=world.teammate, post=post, option_id=option.pk)
    with pytest.raises(Conflict):
        actions.do_vote(user=world.teammate, post=post, option_id=option.pk)
    with pytest.raises(ValidationError):
        actions.do_vote(user=world.outsider, post=post, option_id=999999)


def test_follow(
    world: World,
    sent_signals: SentSignals,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_follow_person(follower=world.outsider, followee=world.owner)
    assert PersonFollow.objects.filter(follower=world.outsider, followee=world.owner).exists()
    assert sent_signals == [
        ("person_followed", {"follower": world.outsider, "followee": world.owner})
    ]
    with pytest.raises(Conflict):
        actions.do_follow_person(follower=world.outsider, followee=world.owner)
    with pytest.raises(ValidationError):
        actions.do_follow_person(follower=world.owner, followee=world.owner)


def test_follows_and_unfollows_tell_the_followers_sockets(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Each follow action sends follows.changed to the follower's own group, after commit only,
    so an open socket re-joins its author and topic groups (docs/events.md)."""
    topic = Topic.objects.create(name="release", label="release")
    steps: list[Callable[[], object]] = [
        lambda: actions.do_follow_person(follower=world.outsider, followee=world.owner),
        lambda: actions.do_unfollow_person(follower=world.outsider, followee=world.owner),
        lambda: actions.do_follow_topic(follower=world.outsider, topic=topic),
        lambda: actions.do_unfollow_topic(follower=world.outsider, topic=topic),
    ]
    with mock.patch("watercooler.core.events.send_now") as send_now:
        for step in steps:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                step()
            assert not send_now.called  # nothing before commit
            for callback in callbacks:
                callback()
            send_now.assert_called_once_with(
                [user_group(world.outsider.pk)], {"type": "follows.changed"}
            )
            send_now.reset_mock()


def test_delete_removes_content_but_keeps_replies(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    post = actions.create_post(world.owner, body="gone #soon")
    reply = actions.do_create_reply(author=world.teammate, post=post, body="still here")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_delete_post(actor=world.admin, post=post)
    post.refresh_from_db()
    assert post.deleted_at
    assert post.body == ""
    assert post.body_html == ""
    assert Topic.objects.get(name="soon").post_count == 0
    assert not post.topics.exists()
    thread = queries.replies_page(world.outsider, post.pk)
    assert [r.pk for r in thread.replies] == [reply.pk]
    other = actions.create_post(world.owner, body="mine")
    with pytest.raises(PermissionDenied):
        actions.do_delete_post(actor=world.teammate, post=other)
