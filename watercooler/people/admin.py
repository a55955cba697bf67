"""The Django admin for people and their reference data: a fallback for superusers.

Day-to-day administration happens on the Manage people pages (``admin_views``), which go through
``actions``. Here too, the rules that matter are kept: deactivation goes through
``actions.do_set_active`` (sessions ended, tokens revoked), a manager is checked for loops, links
and languages go through ``profile_fields``' cleaners, and secrets (access codes, API tokens,
invitation links) are shown only as their hashes, read-only.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from watercooler.people.actions import do_set_active
from watercooler.people.models import (
    AccessCode,
    ApiToken,
    Department,
    Invitation,
    Location,
    Skill,
    User,
)
from watercooler.people.profile_fields import check_manager_is_acyclic, clean_languages, clean_links


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean_manager(self) -> User | None:
        manager = self.cleaned_data.get("manager")
        if manager is not None:
            check_manager_is_acyclic(person=self.instance, manager=manager)
        return manager

    # The raw JSON boxes would otherwise accept anything: a javascript: URL, a NUL character.
    def clean_links(self) -> list[dict[str, str]]:
        return clean_links(self.cleaned_data.get("links") or [])

    def clean_languages(self) -> list[str]:
        return clean_languages(self.cleaned_data.get("languages") or [])


@admin.register(User)
class PersonAdmin(BaseUserAdmin):
    form = PersonChangeForm
    list_display = (
        "username",
        "display_name",
        "email",
        "employee_id",
        "department",
        "location",
        "role",
        "is_active",
        "is_superuser",
    )
    list_filter = ("is_active", "role", "is_superuser", "is_staff", "department", "location")
    search_fields = ("username", "display_name", "email", "employee_id", "title")
    ordering = ("sort_name", "id")
    list_select_related = ("department", "location")
    autocomplete_fields = ("manager",)
    filter_horizontal = ("skills", "groups", "user_permissions")
    readonly_fields = ("sort_name", "last_login", "date_joined", "photo", "photo_thumb")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Profile",
            {
                "fields": (
                    "display_name",
                    "sort_name",
                    "pronouns",
                    "email",
                    "employee_id",
                    "title",
                    "department",
                    "location",
                    "manager",
                    "phone",
                    "start_date",
                    "bio",
                    "skills",
                    "languages",
                    "links",
                    "photo",
                    "photo_thumb",
                )
            },
        ),
        ("Role and access", {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        (
            "Django permissions",
            {"classes": ("collapse",), "fields": ("groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "email", "role", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True  # do_set_active below does it, with its rules and clean-up
        super().save_model(request, obj, form, change)
        if deactivating:
            assert isinstance(request.user, User)
            try:
                do_set_active(actor=request.user, person=obj, active=False)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "timezone")
    list_filter = ("country",)
    search_fields = ("name", "country")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only actions create: they can be looked at (and deleted to revoke), not edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessCode)
class AccessCodeAdmin(ReadOnlyAdmin):
    # The code itself is never stored; only its hash is, and only the hash is shown.
    list_display = ("user", "created_by", "created_at", "expires_at", "used_at")
    list_filter = ("used_at",)
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user", "created_by")
    fields = ("user", "code_hash", "created_by", "created_at", "expires_at", "used_at")
    readonly_fields = fields


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "hint")
    list_select_related = ("user",)
    fields = ("user", "name", "hint", "key_hash", "created_at", "last_used_at")
    readonly_fields = fields


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("user", "invited_by", "created_at", "expires_at", "accepted_at")
    list_filter = ("accepted_at",)
    search_fields = ("user__username", "user__display_name", "user__email")
    list_select_related = ("user", "invited_by")
    fields = ("user", "token_hash", "invited_by", "created_at", "expires_at", "accepted_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        return super().get_queryset(request).select_related("user", "invited_by")
