"""The Django admin for organisation-wide settings: one row, never added twice nor deleted."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from watercooler.core.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "require_mfa", "updated_at")
    fields = (
        "require_mfa",
        "network_named_by_default",
        "insights_min_group_size",
        "conversation_size_limit",
        "updated_at",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
