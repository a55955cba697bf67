"""Events: company-wide or in a community, with RSVPs, a waitlist and calendar files.

Times are stored in UTC; ``timezone`` is the zone the organiser set the event in (the ``.ics``
carries it), and pages show each viewer the time in their own zone. Who may see an event follows
its community: a company-wide event is for every member of the company (not guests), a community
event for whoever may see the community's posts (``queries.visible_events_q``).

An RSVP ``going`` beyond the capacity is waitlisted (``waitlisted_at`` set); when a place frees,
the longest-waiting person is promoted in the same transaction.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as _now


class RsvpStatus(models.TextChoices):
    GOING = "going", "Going"
    MAYBE = "maybe", "Maybe"
    NOT_GOING = "not_going", "Not going"


class Event(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=10_000, blank=True)
    description_html = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, default="UTC")
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_events"
    )
    created_at = models.DateTimeField(default=_now)
    updated_at = models.DateTimeField(default=_now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change, so calendar applications replace their copy (SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    going_count = models.PositiveIntegerField(default=0)
    maybe_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["starts_at", "id"], name="event_upcoming_idx"),
            models.Index(fields=["community", "starts_at", "id"], name="event_community_idx"),
            models.Index(fields=["reminded_at", "starts_at"], name="event_reminder_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity


class Rsvp(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(max_length=10, choices=RsvpStatus.choices)
    # Set while "going" but over the capacity; the waitlist is served oldest first.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(default=_now)
    # Whether they came, recorded by the organiser after the event (None: not recorded).
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="rsvp_once")]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at", "id"], name="rsvp_list_idx"),
            models.Index(fields=["user", "status"], name="rsvp_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.event_id}"

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RsvpStatus.GOING and self.waitlisted_at is not None


class CalendarFeed(models.Model):
    """The secret address of someone's personal calendar feed (events they are going to).

    The token sits in the URL calendar applications poll, so it is stored as is (it only reads
    that one calendar) and can be reset, which ends the old address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=_now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
