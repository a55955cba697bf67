"""Organisation-wide settings that administrators change at run time."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models

_CACHE_KEY = "core:site-settings"


class SiteSettings(models.Model):
    """A single row (pk=1) of switches administrators flip without a restart."""

    require_mfa = models.BooleanField(
        default=False,
        help_text="Everyone must turn on two-factor authentication before using the site.",
    )
    network_named_by_default = models.BooleanField(
        default=True,
        help_text=(
            "Insights' network analysis shows people by name unless they opt out. Off: only "
            "people who opt in are named; everyone is still counted."
        ),
    )
    insights_min_group_size = models.PositiveSmallIntegerField(
        default=5,
        help_text=(
            "Insights never break numbers down for a group smaller than this; smaller groups "
            "merge into “Other”."
        ),
    )
    conversation_size_limit = models.PositiveSmallIntegerField(
        default=50,
        help_text="The most people a conversation may hold, its starter included.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(_CACHE_KEY)

    @classmethod
    def load(cls) -> "SiteSettings":
        """The settings row, cached: it is read on every request by the MFA middleware."""
        settings: SiteSettings | None = cache.get(_CACHE_KEY)
        if settings is None:
            settings, _ = cls.objects.get_or_create(pk=1)
            cache.set(_CACHE_KEY, settings, timeout=60)
        return settings


class OutgoingEmail(models.Model):
    """One email waiting to be sent, being retried, sent or given up on (``core/mail.py``).

    Written in the transaction that decided to send it, so a failing SMTP server or a crashed
    worker loses nothing: a row is due while ``next_attempt_at`` has passed and it is neither
    sent nor failed."""

    to = models.CharField(max_length=254)
    # Who it is for, when it is for a person (what they receive is theirs: /healthz counts only).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What made it, e.g. "missed", "digest", "escalation": for counting and tests, never shown.
    kind = models.CharField(max_length=24)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    reply_to = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # The sender that claimed it (a random token), so two workers never send it both.
    claimed_by = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="outgoing_email_due_idx",
            ),
            models.Index(
                fields=["failed_at"],
                condition=models.Q(failed_at__isnull=False),
                name="outgoing_email_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email {self.pk}"


class PeriodicRun(models.Model):
    """When a periodic job (``core/periodic.py``) last started: the claim that makes one worker
    of many run it."""

    name = models.CharField(max_length=64, primary_key=True)
    last_started_at = models.DateTimeField()
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class IdempotentRequest(models.Model):
    """A POST sent with an ``Idempotency-Key`` (``core/idempotency.py``): claimed before it
    runs, then holding its answer, so the same write sent again (a queued offline post whose
    first answer was lost) is answered again instead of being made twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    # Null while the first request runs.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=500, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_age_idx")]

    def __str__(self) -> str:
        return f"{self.key} of {self.user_id}"
