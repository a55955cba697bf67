"""Turns the feed's domain signals into notifications (see watercooler/feed/signals.py).

The feed sends these after its transaction commits, so each receiver runs outside it (its events
go out at once). A receiver only unpacks the signal and calls one action. A failure here is
logged, not raised: other apps' receivers of the same signal (search, insights) must still run,
and the feed's change has already happened.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import receiver

from watercooler.announcements import signals as announcement_signals
from watercooler.announcements.models import Announcement
from watercooler.feed import signals
from watercooler.feed.models import Post, Reaction, Reply
from watercooler.feed.queries import people_who_can_see
from watercooler.notifications import actions
from watercooler.notifications.models import NotificationKind
from watercooler.people.models import User
from watercooler.questions import signals as question_signals

logger = logging.getLogger(__name__)


def _logged(handler: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(handler)
    def wrapper(sender: Any, **kwargs: Any) -> None:
        try:
            handler(sender, **kwargs)
        except Exception:
            logger.exception("Notifications for %s failed", handler.__name__)

    return wrapper


@receiver(signals.post_created, dispatch_uid="notifications.post_created")
@receiver(signals.post_updated, dispatch_uid="notifications.post_updated")
@_logged
def on_post_mentions(sender: Any, *, post: Post, mentioned: list[User], **_: Any) -> None:
    # post_updated lists only people newly mentioned by the edit, so nobody is told twice.
    actions.do_notify_post_mentions(post=post, mentioned=mentioned)


@receiver(signals.reply_created, dispatch_uid="notifications.reply_created")
@_logged
def on_reply_created(sender: Any, *, reply: Reply, mentioned: list[User], **_: Any) -> None:
    actions.do_notify_reply(reply=reply, mentioned=mentioned)


@receiver(signals.reaction_added, dispatch_uid="notifications.reaction_added")
@_logged
def on_reaction_added(sender: Any, *, reaction: Reaction, **_: Any) -> None:
    actions.do_notify_reaction(reaction=reaction)


@receiver(signals.person_followed, dispatch_uid="notifications.person_followed")
@_logged
def on_person_followed(sender: Any, *, follower: User, followee: User, **_: Any) -> None:
    actions.do_notify_follow(follower=follower, followee=followee)


@receiver(
    announcement_signals.announcement_published, dispatch_uid="notifications.announcement_published"
)
@_logged
def on_announcement_published(
    sender: Any, *, announcement: Announcement, recipients: list[int], **_: Any
) -> None:
    actions.do_notify_announcement(
        kind=NotificationKind.ANNOUNCEMENT,
        announcement_post=announcement.post,
        recipient_ids=recipients,
    )


@receiver(announcement_signals.announcement_reminder_due, dispatch_uid="notifications.reminder_due")
@_logged
def on_announcement_reminder_due(
    sender: Any, *, announcement: Announcement, recipients: list[int], **_: Any
) -> None:
    actions.do_notify_announcement(
        kind=NotificationKind.ANNOUNCEMENT_REMINDER,
        announcement_post=announcement.post,
        recipient_ids=recipients,
    )


@receiver(signals.post_deleted, dispatch_uid="notifications.post_deleted")
@_logged
def on_post_deleted(sender: Any, *, post: Post, **_: Any) -> None:
    actions.do_forget_post(post_id=post.pk)


@receiver(signals.reply_deleted, dispatch_uid="notifications.reply_deleted")
@_logged
def on_reply_deleted(sender: Any, *, reply: Reply, **_: Any) -> None:
    actions.do_forget_reply(reply_id=reply.pk)


@receiver(question_signals.answer_accepted, dispatch_uid="notifications.answer_accepted")
@_logged
def on_answer_accepted(sender: Any, *, post: Post, reply: Reply, by: User, **_: Any) -> None:
    # The reply's author may have lost sight of the question since (left its community);
    # do_notify leaves out the actor, so accepting one's own reply tells nobody.
    actions.do_notify(
        kind=NotificationKind.ANSWER_ACCEPTED,
        recipient_ids=people_who_can_see(post, [reply.author_id]),
        actor=by,
        post=post,
        reply=reply,
    )
