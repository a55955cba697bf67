"""The Django admin for communities: a fallback for superusers.

Day-to-day management happens on each community's settings, members and requests pages, which
go through ``actions``. Here, memberships are read-only (adding or removing one by hand would
leave ``member_count``, the change log and people's live groups wrong), and so are the counters
and the change log; a directory rule saved here is applied through ``actions.apply_rule``.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from watercooler.communities.models import (
    Community,
    DirectoryRule,
    Membership,
    MembershipChange,
    RuleOptOut,
)
from watercooler.communities.rules import apply_rule


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "community"
    fields = ("user", "role", "status", "source", "following", "joined_at", "requested_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user")


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "handle", "privacy", "category", "member_count", "created_at")
    list_filter = ("privacy", "category")
    search_fields = ("name", "handle", "description")
    readonly_fields = ("member_count", "post_count", "last_activity_at", "created_by", "created_at")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnly):
    list_display = ("community", "user", "role", "status", "source", "joined_at")
    list_filter = ("role", "status", "source")
    search_fields = ("community__name", "community__handle", "user__username")
    list_select_related = ("community", "user")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DirectoryRule)
class DirectoryRuleAdmin(admin.ModelAdmin):
    list_display = ("community", "allow_leave", "applied_at")
    filter_horizontal = ("departments", "locations")
    readonly_fields = ("created_at", "applied_at")
    actions = ["apply_rules"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The departments and locations are saved here, after the rule itself: apply then.
        super().save_related(request, form, formsets, change)
        added, removed = apply_rule(form.instance.community)
        messages.info(request, f"Rule applied: {added} added, {removed} removed.")

    @admin.action(description="Apply the selected rules now")
    def apply_rules(self, request: HttpRequest, queryset: QuerySet[DirectoryRule]) -> None:
        for rule in queryset.select_related("community"):
            added, removed = apply_rule(rule.community)
            messages.info(request, f"{rule.community}: {added} added, {removed} removed.")


@admin.register(RuleOptOut)
class RuleOptOutAdmin(ReadOnly):
    list_display = ("community", "user", "created_at")
    search_fields = ("community__handle", "user__username")
    list_select_related = ("community", "user")


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnly):
    list_display = ("community", "user", "delta", "at")
    list_select_related = ("community", "user")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
