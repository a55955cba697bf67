"""Announcements: a post pushed to a targeted audience, and one receipt per person in it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Announcement(models.Model):
    """A post pushed to a targeted audience, pinned until dismissed or expired, maybe must-read.

    The audience is resolved into one receipt per person when the announcement is published, so
    "who has not acknowledged yet" and the live counts are indexed reads, and people who join the
    targeted department later are not counted against it.
    """

    post = models.OneToOneField("feed.Post", on_delete=models.CASCADE, related_name="announcement")
    title = models.CharField(max_length=200)
    # A community announcement (by its owners) goes to the community's members; then the
    # department / location / role lists stay empty.
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    # Empty lists mean "everyone"; otherwise a person matches if they match every non-empty list.
    departments = models.ManyToManyField("people.Department", blank=True, related_name="+")
    locations = models.ManyToManyField("people.Location", blank=True, related_name="+")
    roles = models.JSONField(default=list, blank=True)
    must_read = models.BooleanField(default=False)
    publish_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    remind_after = models.DurationField(null=True, blank=True)
    audience_size = models.PositiveIntegerField(default=0)
    seen_count = models.PositiveIntegerField(default=0)
    acknowledged_count = models.PositiveIntegerField(default=0)

    class Meta:
        # The tables kept the names they had when announcements were part of the feed app.
        db_table = "feed_announcement"
        indexes = [
            models.Index(fields=["published_at", "publish_at"], name="announcement_due_idx"),
            # The comms dashboard, newest first (announcements.dashboard_page).
            models.Index(fields=["publish_at", "id"], name="announcement_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementReceipt(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcement_receipts"
    )
    seen_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "feed_announcementreceipt"
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="receipt_once")
        ]
        indexes = [
            models.Index(fields=["user", "dismissed_at"], name="receipt_user_idx"),
            # "Addressed to me", newest first (announcements.addressed_page).
            models.Index(fields=["user", "id"], name="receipt_user_recent_idx"),
            models.Index(fields=["announcement", "acknowledged_at"], name="receipt_ack_idx"),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.announcement_id}/{self.user_id}"
