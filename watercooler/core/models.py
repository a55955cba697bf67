"""Organisation-wide settings that administrators change at run time."""

from typing import Any

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
