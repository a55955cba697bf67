"""Domain signals announcements send after a change commits, for apps above them
(notifications) that announcements must not import. Sent with keyword arguments only."""

from django.dispatch import Signal

# announcement=Announcement, recipients=list[int] (user ids)
announcement_published = Signal()
# announcement=Announcement, recipients=list[int]
announcement_reminder_due = Signal()
