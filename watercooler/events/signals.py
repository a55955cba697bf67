"""Domain signals the events app sends after a change commits, for apps above it
(notifications) that events must not import. Each is sent with keyword arguments only."""

from django.dispatch import Signal

# event=Event, user_ids=list[int]: people given a place from the waitlist
waitlist_promoted = Signal()
# event=Event, user_ids=list[int]: people going (and still allowed to see it) to remind
event_reminder_due = Signal()
