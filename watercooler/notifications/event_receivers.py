"""Notifications about events: receivers of the events app's domain signals
(watercooler/events/signals.py). The events app has already checked that every person may see
the event; a failure here is logged, not raised (the RSVP or the claim has already committed)."""

from typing import Any

from django.dispatch import receiver

from watercooler.events import signals
from watercooler.events.models import Event
from watercooler.notifications import actions
from watercooler.notifications.models import NotificationKind
from watercooler.notifications.receivers import _logged


@receiver(signals.waitlist_promoted, dispatch_uid="notifications.event_promoted")
@_logged
def on_waitlist_promoted(sender: Any, *, event: Event, user_ids: list[int], **_: Any) -> None:
    actions.do_notify(
        kind=NotificationKind.EVENT_PROMOTED, recipient_ids=user_ids, actor=None, event=event
    )


@receiver(signals.event_reminder_due, dispatch_uid="notifications.event_reminder")
@_logged
def on_event_reminder_due(sender: Any, *, event: Event, user_ids: list[int], **_: Any) -> None:
    actions.do_notify(
        kind=NotificationKind.EVENT_REMINDER, recipient_ids=user_ids, actor=None, event=event
    )
