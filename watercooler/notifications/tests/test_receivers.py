"""Notifications made from real feed actions: each kind, folding, who is (never) told, deletion,
and the ``notification.created`` event."""

from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from watercooler.announcements import signals as announcement_signals
from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.core.events import user_group
from watercooler.feed import actions as feed
from watercooler.feed.models import Post
from watercooler.notifications import push, queries
from watercooler.notifications.actions import do_mark_read
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.actions import do_set_active
from watercooler.testing.fixtures import Commit
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Commit:
    """``with commit(): ...`` runs on-commit work (feed signals, events) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def kinds(user: Any) -> list[tuple[str, int | None]]:
    return sorted(
        Notification.objects.filter(recipient=user).values_list("kind", "actor_id"),
        key=lambda row: (row[0], row[1] or 0),
    )


def text_of(notification: Notification) -> str:
    return queries.notification_text(
        queries.access_notification(notification.recipient, notification.pk)
    )


def test_mention_in_a_post(world: World, commit: Commit) -> None:
    with commit():
        post = feed.create_post(world.owner, body="Thoughts, @theo_teammate and @oscar_outsider?")
    for person in (world.teammate, world.outsider):
        [n] = Notification.objects.filter(recipient=person)
        assert (n.kind, n.actor_id, n.post_id, n.reply_id) == (
            NotificationKind.MENTION,
            world.owner.pk,
            post.pk,
            None,
        )
        assert text_of(n) == "Olivia Owner mentioned you in a post"
        assert queries.notification_url(n) == f"/posts/{post.pk}/"
    assert not Notification.objects.filter(recipient=world.owner).exists()


def test_no_mention_of_someone_who_cannot_see_the_post(world: World, commit: Commit) -> None:
    feed.do_follow_person(follower=world.teammate, followee=world.owner)
    with commit():
        feed.create_post(
            world.owner, body="@theo_teammate @oscar_outsider @gwen_guest", audience="followers"
        )
    assert kinds(world.teammate) == [(NotificationKind.MENTION, world.owner.pk)]
    assert kinds(world.outsider) == []
    assert kinds(world.guest) == []


def test_replies_to_the_author_the_thread_and_the_parent(world: World, commit: Commit) -> None:
    post = feed.create_post(world.owner, body="Release plan")
    top = feed.do_create_reply(author=world.teammate, post=post, body="Looks good")
    feed.do_create_reply(author=world.admin, post=post, body="+1")
    with commit():
        reply = feed.do_create_reply(
            author=world.outsider, post=post, body="Question @ada_admin", parent_id=top.pk
        )
    assert kinds(world.owner) == [(NotificationKind.REPLY, world.outsider.pk)]
    assert kinds(world.teammate) == [(NotificationKind.THREAD_REPLY, world.outsider.pk)]
    # Mentioned and in the thread: one notification, the mention.
    assert kinds(world.admin) == [(NotificationKind.MENTION, world.outsider.pk)]
    assert kinds(world.outsider) == []
    n = Notification.objects.get(recipient=world.owner)
    assert n.reply_id == reply.pk
    assert n.post_id == post.pk
    assert queries.notification_url(n) == f"/posts/{post.pk}/#reply-{reply.pk}"
    assert text_of(n) == "Oscar Outsider replied to your post"
    assert text_of(Notification.objects.get(recipient=world.admin)) == (
        "Oscar Outsider mentioned you in a reply"
    )


def test_replying_to_your_own_post_tells_only_the_others(world: World, commit: Commit) -> None:
    post = feed.create_post(world.owner, body="Mine")
    feed.do_create_reply(author=world.teammate, post=post, body="hi")
    with commit():
        feed.do_create_reply(author=world.owner, post=post, body="thanks @olivia_owner")
    assert kinds(world.owner) == []
    assert kinds(world.teammate) == [(NotificationKind.THREAD_REPLY, world.owner.pk)]


def test_reactions_fold_into_one_row_until_read(world: World, commit: Commit) -> None:
    post = feed.create_post(world.owner, body="Ship it")
    reactors = [make_person(f"reactor_{i}", display_name=f"Reactor {i}") for i in range(4)]
    with commit():
        feed.do_react(user=world.teammate, post=post, kind="like")
        feed.do_react(user=world.teammate, post=post, kind="love")  # same person: counted once
        for person in reactors:
            feed.do_react(user=person, post=post, kind="celebrate")
        feed.do_react(user=world.owner, post=post, kind="like")  # own reaction: nothing
    [n] = Notification.objects.filter(recipient=world.owner)
    assert n.kind == NotificationKind.REACTION
    assert n.group_key == f"reaction:post:{post.pk}"
    assert n.actor_id == reactors[-1].pk
    assert n.actor_count == 5
    assert text_of(n) == "Reactor 3 and 4 others reacted to your post"

    do_mark_read(user=world.owner)
    with commit():
        feed.do_react(user=world.outsider, post=post, kind="funny")
    rows = list(Notification.objects.filter(recipient=world.owner).order_by("id"))
    assert len(rows) == 2
    assert rows[0].read_at is not None
    assert rows[1].read_at is None
    assert (rows[1].actor_id, rows[1].actor_count) == (world.outsider.pk, 1)
    assert text_of(rows[1]) == "Oscar Outsider reacted to your post"


def test_reaction_to_a_reply_tells_the_reply_author(world: World, commit: Commit) -> None:
    post = feed.create_post(world.owner, body="p")
    reply = feed.do_create_reply(author=world.teammate, post=post, body="r")
    with commit():
        feed.do_react(user=world.owner, post=post, reply=reply, kind="like")
        feed.do_react(user=world.outsider, post=post, reply=reply, kind="like")
    [n] = Notification.objects.filter(recipient=world.teammate)
    assert n.group_key == f"reaction:reply:{reply.pk}"
    assert n.actor_count == 2
    assert text_of(n) == "Oscar Outsider and 1 other reacted to your reply"
    assert not Notification.objects.filter(recipient=world.owner).exists()


def test_follow(world: World, commit: Commit) -> None:
    with commit():
        feed.do_follow_person(follower=world.outsider, followee=world.owner)
    [n] = Notification.objects.filter(recipient=world.owner)
    assert n.kind == NotificationKind.FOLLOW
    assert n.actor_id == world.outsider.pk
    assert text_of(n) == "Oscar Outsider started following you"
    assert queries.notification_url(n) == "/people/oscar_outsider/"
    # Unfollow and follow again before reading: still one row.
    feed.do_unfollow_person(follower=world.outsider, followee=world.owner)
    with commit():
        feed.do_follow_person(follower=world.outsider, followee=world.owner)
    assert Notification.objects.filter(recipient=world.owner).count() == 1


def test_deactivated_people_are_not_notified(world: World, commit: Commit) -> None:
    do_set_active(actor=world.admin, person=world.teammate, active=False)
    with commit():
        feed.create_post(world.owner, body="@theo_teammate hello")
    assert kinds(world.teammate) == []


def test_deleting_a_post_removes_its_notifications(world: World, commit: Commit) -> None:
    with commit():
        post = feed.create_post(world.owner, body="@theo_teammate look")
        reply = feed.do_create_reply(author=world.outsider, post=post, body="nice")
        feed.do_react(user=world.teammate, post=post, kind="like")
        other = feed.create_post(world.owner, body="@theo_teammate keep this one")
    assert Notification.objects.filter(post=post).count() == 3
    with commit():
        feed.do_delete_reply(actor=world.outsider, reply=reply)
    assert not Notification.objects.filter(reply=reply).exists()
    with commit():
        feed.do_delete_post(actor=world.owner, post=post)
    assert not Notification.objects.filter(post=post).exists()
    assert Notification.objects.filter(post=other).count() == 1


def _announcement(world: World) -> Announcement:
    post = Post.objects.create(author=world.admin, body="All hands", body_html="<p>All hands</p>")
    announcement = Announcement.objects.create(
        post=post, title="All hands on Friday", published_at=timezone.now()
    )
    for person in world.everyone:
        AnnouncementReceipt.objects.create(announcement=announcement, user=person)
    return announcement


def test_announcement_for_each_recipient_in_bulk(
    world: World, commit: Commit, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    announcement = _announcement(world)
    extra = [make_person(f"reader_{i}") for i in range(30)]
    recipients = [p.pk for p in world.everyone + extra]
    push.device_owners()  # who has a device: cached, as on a server that made one this minute
    with django_assert_max_num_queries(6), commit():
        announcement_signals.announcement_published.send(
            sender=Announcement, announcement=announcement, recipients=recipients
        )
    rows = Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT)
    # Everyone but the author.
    assert rows.count() == len(recipients) - 1
    assert not rows.filter(recipient=world.admin).exists()
    n = rows.get(recipient=world.owner)
    assert text_of(n) == "Ada Admin announced: All hands on Friday"

    with commit():
        announcement_signals.announcement_reminder_due.send(
            sender=Announcement, announcement=announcement, recipients=[world.owner.pk]
        )
    [reminder] = Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT_REMINDER)
    assert reminder.recipient_id == world.owner.pk
    assert text_of(reminder) == "Reminder: please read and acknowledge “All hands on Friday”"


def test_announcement_from_the_feed_action(world: World, commit: Commit) -> None:
    from watercooler.announcements.actions import do_create_announcement

    with commit():
        do_create_announcement(actor=world.admin, title="Office closed", body="Monday")
    told = set(
        Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT).values_list(
            "recipient_id", flat=True
        )
    )
    assert world.owner.pk in told
    assert world.admin.pk not in told


def test_notification_created_event(world: World, commit: Commit, notified: list[Any]) -> None:
    with commit():
        feed.create_post(world.owner, body="@theo_teammate one")
        post = feed.create_post(world.owner, body="two")
        feed.do_react(user=world.teammate, post=post, kind="like")
        feed.do_react(user=world.outsider, post=post, kind="like")
    assert [(groups, e["unread_count"]) for groups, e in notified] == [
        ([user_group(world.teammate.pk)], 1),
        ([user_group(world.owner.pk)], 1),
        ([user_group(world.owner.pk)], 1),  # folded: same row, still one unread
    ]
    first, _, folded = (e for _, e in notified)
    assert first["type"] == "notification.created"
    n = Notification.objects.get(recipient=world.teammate)
    from watercooler.notifications.schemas import notification_dict

    assert first["notification"] == notification_dict(
        queries.access_notification(world.teammate, n.pk)
    )
    assert folded["notification"]["actor_count"] == 2
    assert folded["notification"]["text"] == "Oscar Outsider and 1 other reacted to your post"
