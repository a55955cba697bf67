"""A community's Settings tab: its details, cover image and directory rule.

Each of the page's forms posts an ``action`` and is one action, the API's too (``PATCH
/communities/{handle}``, ``POST|DELETE .../cover``, ``PUT|DELETE .../rule``, ``POST
.../rule/apply``); the action decides whether the viewer may. The tab itself is for those who
moderate the community (``views.moderator_header``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from watercooler.communities import actions, queries
from watercooler.communities.forms import CommunityForm, RuleForm
from watercooler.communities.models import Community, DirectoryRule
from watercooler.communities.views import moderator_header
from watercooler.core.errors import messages_by_field
from watercooler.core.pages import viewer_of
from watercooler.people.models import User


@dataclass
class _SettingsForms:
    """The settings page's forms as shown: the details, the cover's errors and the directory
    rule (``rule``: the one stored, if any)."""

    details: CommunityForm
    rule_form: RuleForm
    rule: DirectoryRule | None
    cover_errors: list[str] = field(default_factory=list)


# Each form of the settings page posts its ``action``; each is one action, which decides
# whether the viewer may. Each returns what to tell them once it is done.
type _SettingsForm = Callable[[HttpRequest, User, Community, _SettingsForms], str]


def _save_details(
    request: HttpRequest, viewer: User, community: Community, forms: _SettingsForms
) -> str:
    forms.details = CommunityForm.from_post(request.POST)
    fields = forms.details.fields()
    if forms.details.handle and forms.details.handle != community.handle:
        fields["handle"] = forms.details.handle  # the form offers it to owners only
    actions.do_update_community(actor=viewer, community=community, **fields)
    return "The settings are saved."


def _set_cover(
    request: HttpRequest, viewer: User, community: Community, forms: _SettingsForms
) -> str:
    upload = request.FILES.get("cover")
    if upload is None:
        raise ValidationError({"cover": ["Choose an image to upload first."]})
    alt = str(request.POST.get("cover_alt", "")).strip()
    actions.do_set_cover(actor=viewer, community=community, upload=upload, alt_text=alt)
    return "The cover image is saved."


def _remove_cover(
    request: HttpRequest, viewer: User, community: Community, forms: _SettingsForms
) -> str:
    actions.do_remove_cover(actor=viewer, community=community)
    return "The cover image is removed; a coloured banner shows instead."


def _save_rule(
    request: HttpRequest, viewer: User, community: Community, forms: _SettingsForms
) -> str:
    """An empty rule form removes the rule; otherwise it is set, and applied at once."""
    forms.rule_form = RuleForm.from_post(request.POST)
    forms.rule_form.raise_if_invalid()
    if forms.rule_form.is_empty:
        if forms.rule is not None:
            actions.do_remove_rule(actor=viewer, community=community)
        return "No directory rule: people join by themselves or are added."
    started = timezone.now()
    actions.do_set_rule(
        actor=viewer,
        community=community,
        departments=forms.rule_form.departments,
        locations=forms.rule_form.locations,
        regions=forms.rule_form.regions,
        countries=forms.rule_form.countries,
        allow_leave=forms.rule_form.allow_leave,
    )
    # Saving applies the rule at once; its change log says what that did.
    added, removed = queries.membership_changes_since(community, started)
    return f"The directory rule is saved and applied: {_changes(added, removed)}."


def _apply_rule(
    request: HttpRequest, viewer: User, community: Community, forms: _SettingsForms
) -> str:
    added, removed = actions.do_apply_rule(actor=viewer, community=community)
    return f"The rule is applied: {_changes(added, removed)}."


SETTINGS_FORMS: dict[str, _SettingsForm] = {
    "details": _save_details,
    "cover": _set_cover,
    "remove_cover": _remove_cover,
    "rule": _save_rule,
    "apply_rule": _apply_rule,
}


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    community = header.community
    rule = queries.community_rule(community)
    forms = _SettingsForms(
        details=CommunityForm.from_community(community),
        rule_form=RuleForm.from_rule(rule),
        rule=rule,
    )
    status = 200
    if request.method == "POST":
        which = str(request.POST.get("action", "details"))
        save = SETTINGS_FORMS.get(which, _save_details)
        try:
            done = save(request, viewer, community, forms)
        except ValidationError as exc:
            errors = messages_by_field(exc)
            status = 400
            if save is _set_cover:
                forms.cover_errors = [m for ms in errors.values() for m in ms]
            elif save in (_save_rule, _apply_rule):
                forms.rule_form.errors = errors
            else:
                forms.details.errors = errors
            # What failed changed nothing: show the community as it is stored.
            community.refresh_from_db()
        else:
            messages.success(request, done)
            community.refresh_from_db(fields=["handle"])  # the details may have changed it
            return redirect(reverse("communities:settings", args=[community.handle]))
    return render(
        request,
        "communities/settings.html",
        {
            "header": header,
            "active_tab": "settings",
            "form": forms.details,
            "rule_form": forms.rule_form,
            "rule": rule,
            "rule_summary": queries.rule_summary(rule),
            "choices": queries.rule_choices(),
            "cover_errors": forms.cover_errors,
        },
        status=status,
    )


def _changes(added: int, removed: int) -> str:
    return f"{added} added, {removed} removed"
