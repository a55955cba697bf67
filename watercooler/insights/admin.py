"""Insights in the admin: the audit trail of person-level views (read-only) and the network
computations with their status and errors."""

from django.contrib import admin
from django.http import HttpRequest

from watercooler.insights.models import AuditEntry, NetworkRun


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "viewer", "view", "subject", "detail"]
    list_filter = ["view"]
    search_fields = ["viewer__username", "subject__username", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NetworkRun)
class NetworkRunAdmin(admin.ModelAdmin):
    list_display = ["window_end", "window_days", "status", "people", "ties", "modularity"]
    list_filter = ["status", "window_days"]
    readonly_fields = [
        f.name for f in NetworkRun._meta.fields if f.name not in ("summary", "map_ties")
    ]
    exclude = ["summary", "map_ties"]
