"""Offers of help (some of them mentoring, with places), requests for help and their lifecycle
(open → matched → done, or withdrawn), mentoring applications, and thanks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Mode(models.TextChoices):
    REMOTE = "remote", "Remote"
    IN_PERSON = "in_person", "In person"
    EITHER = "either", "Remote or in person"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    MATCHED = "matched", "Matched"
    DONE = "done", "Done"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Offer(models.Model):
    """ "I can teach or help with X": how much time, remote or in person, where."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_offers"
    )
    skill = models.CharField(max_length=80)
    description = models.TextField(max_length=2000, blank=True)
    time_commitment = models.CharField(max_length=80, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EITHER)
    location = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_mentoring = models.BooleanField(default=False)
    # Mentoring only: how many mentees the mentor takes on.
    places = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(closed_at__isnull=True),
                name="offer_open_idx",
            ),
            models.Index(fields=["person", "-created_at", "-id"], name="offer_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.person_id})"


class HelpRequest(models.Model):
    """ "I need help with Y, by when". ``helper`` is who it was matched with."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests"
    )
    skill = models.CharField(max_length=80)
    description = models.TextField(max_length=2000, blank=True)
    needed_by = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EITHER)
    location = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_given",
    )
    created_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="request_status_idx"),
            models.Index(fields=["person", "-created_at", "-id"], name="request_person_idx"),
            models.Index(fields=["helper", "-created_at", "-id"], name="request_helper_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.status})"


class Application(models.Model):
    """Someone asking a mentor for one of the places of a mentoring offer."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_applications"
    )
    message = models.TextField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "applicant"], name="application_once")
        ]
        indexes = [models.Index(fields=["offer", "status", "created_at"], name="application_idx")]

    def __str__(self) -> str:
        return f"{self.applicant_id} → offer {self.offer_id} ({self.status})"


class Thanks(models.Model):
    """A thank-you from one colleague to another, about a request or an offer or on its own."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thanks_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thanks_received"
    )
    request = models.ForeignKey(
        HelpRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="thanks"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="thanks"
    )
    message = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "thanks"
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="thanks_recipient_idx")
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} thanked {self.recipient_id}"
