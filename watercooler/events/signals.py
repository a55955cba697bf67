"""Domain signals the events app sends after a change commits, for apps above it
(notifications) that events must not import. Each is sent with keyword arguments only."""

from django.dispatch import Signal

from watercooler.core.signals import send_signal_on_commit
from watercooler.events.models import Event

# event=Event, user_ids=list[int]: people given a place from the waitlist
waitlist_promoted = Signal()
# event=Event, user_ids=list[int]: people going (and still allowed to see it) to remind
event_reminder_due = Signal()


def send_on_commit(signal: Signal, *, event: Event, user_ids: list[int]) -> None:
    """Queue ``signal`` about ``event`` for when the current transaction commits."""
    send_signal_on_commit(signal, sender=Event, event=event, user_ids=user_ids)
