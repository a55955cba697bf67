"""A community's Settings tab: its details, cover image and directory rule, for those who
moderate it (``views.moderator_header``)."""

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
from watercooler.communities.views import moderator_header
from watercooler.core.errors import messages_by_field
from watercooler.core.pages import viewer_of


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    community = header.community
    rule = queries.community_rule(community)
    form = CommunityForm.from_community(community)
    rule_form = RuleForm.from_rule(rule)
    cover_errors: list[str] = []
    status = 200
    here = reverse("communities:settings", args=[community.handle])
    if request.method == "POST":
        action = request.POST.get("action", "details")
        try:
            if action == "cover":
                upload = request.FILES.get("cover")
                alt = str(request.POST.get("cover_alt", "")).strip()
                if upload is None:
                    raise ValidationError({"cover": ["Choose an image to upload first."]})
                actions.do_set_cover(actor=viewer, community=community, upload=upload, alt_text=alt)
                messages.success(request, "The cover image is saved.")
            elif action == "remove_cover":
                actions.do_remove_cover(actor=viewer, community=community)
                messages.success(
                    request, "The cover image is removed; a coloured banner shows instead."
                )
            elif action == "rule":
                rule_form = RuleForm.from_post(request.POST)
                if rule_form.errors:
                    raise ValidationError(rule_form.errors)
                if rule_form.is_empty:
                    if rule is not None:
                        actions.do_remove_rule(actor=viewer, community=community)
                    messages.success(
                        request, "No directory rule: people join by themselves or are added."
                    )
                else:
                    started = timezone.now()
                    actions.do_set_rule(
                        actor=viewer,
                        community=community,
                        departments=rule_form.departments,
                        locations=rule_form.locations,
                        regions=rule_form.regions,
                        countries=rule_form.countries,
                        allow_leave=rule_form.allow_leave,
                    )
                    # Saving applies the rule at once; its change log says what that did.
                    added, removed = queries.membership_changes_since(community, started)
                    messages.success(
                        request,
                        f"The directory rule is saved and applied: {_changes(added, removed)}.",
                    )
            elif action == "apply_rule":
                # apply_rule takes no actor: _moderator_header above is the permission check.
                added, removed = actions.apply_rule(community)
                messages.success(request, f"The rule is applied: {_changes(added, removed)}.")
            else:
                form = CommunityForm.from_post(request.POST)
                fields = form.fields()
                if header.is_owner and form.handle and form.handle != community.handle:
                    fields["handle"] = form.handle
                community = actions.do_update_community(actor=viewer, community=community, **fields)
                messages.success(request, "The settings are saved.")
                here = reverse("communities:settings", args=[community.handle])
        except ValidationError as exc:
            errors = messages_by_field(exc)
            status = 400
            if action == "cover":
                cover_errors = [m for ms in errors.values() for m in ms]
            elif action in ("rule", "apply_rule"):
                rule_form.errors = errors
            else:
                form.errors = errors
            # What failed changed nothing: show the community as it is stored.
            community.refresh_from_db()
        except actions.Conflict as exc:
            form.errors = {"__all__": [str(exc)]}
            status = 409
        else:
            return redirect(here)
    return render(
        request,
        "communities/settings.html",
        {
            "header": header,
            "active_tab": "settings",
            "form": form,
            "rule_form": rule_form,
            "rule": rule,
            "rule_summary": queries.rule_summary(rule),
            "choices": queries.rule_choices(),
            "cover_errors": cover_errors,
        },
        status=status,
    )


def _changes(added: int, removed: int) -> str:
    return f"{added} added, {removed} removed"
