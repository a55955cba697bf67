"""Administration pages: everyone (deactivated people too), adding a person, one person's
account (role, deactivation, access codes, invitations), importing from an HR export and the
organisation-wide settings.

Only administrators get in: the queries and actions raise PermissionDenied (403) for anyone
else; anonymous visitors are sent to sign in. Each view parses, calls one query or action and
renders. Every change is a POST with the CSRF token.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from watercooler.core.compression import carries_secret
from watercooler.core.models import SiteSettings
from watercooler.core.pages import viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.core.text import contains_nul
from watercooler.people import actions, admin_actions, importer, queries
from watercooler.people.admin_forms import (
    CreatePersonForm,
    ImportForm,
    SiteSettingsForm,
    add_action_errors,
)
from watercooler.people.models import Role, User

PLAN_ROWS_SHOWN = 200
MAX_QUERY_LENGTH = 100


def _administrator(request: HttpRequest) -> User:
    """The signed-in administrator; PermissionDenied (403) for anyone else."""
    viewer = viewer_of(request)
    queries.check_can_administer(viewer)
    return viewer


# --- Everyone ------------------------------------------------------------------------------------


@login_required
@require_GET
def admin_people(request: HttpRequest) -> HttpResponse:
    viewer = _administrator(request)
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    status = request.GET.get("status", "active")
    if status not in queries.ADMIN_STATUSES:
        status = "active"
    try:
        if contains_nul(list(request.GET.lists())):  # typed by no one; PostgreSQL refuses it
            raise InvalidCursorError("the link is not valid")
        page = queries.admin_people_page(
            viewer, q=q, status=status, cursor=request.GET.get("cursor") or None
        )
    except InvalidCursorError:
        return render(
            request,
            "people/admin/people.html",
            {"page": None, "q": q, "status": status, "bad_cursor": True, "section": "people"},
            status=400,
        )
    return render(
        request,
        "people/admin/people.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": [("active", "Active"), ("deactivated", "Deactivated"), ("all", "All")],
            "section": "people",
        },
    )


# --- Adding a person -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def admin_create_person(request: HttpRequest) -> HttpResponse:
    actor = _administrator(request)
    choices = queries.people_choices()
    form_kwargs: dict[str, Any] = {
        "locations": choices["locations"],
        "departments": choices["departments"],
    }
    if request.method == "GET":
        form = CreatePersonForm(**form_kwargs)
        return _render_create(request, form)
    form = CreatePersonForm(request.POST, **form_kwargs)
    if not form.is_valid():
        return _render_create(request, form, status=400)
    data = form.cleaned_data
    try:
        person, invitation = admin_actions.do_add_person(
            actor=actor,
            username=data["username"],
            display_name=data["display_name"],
            email=data["email"],
            department=data["department"] or None,
            location=data["location"] or None,
            manager=data["manager"] or None,
            title=data["title"],
            role=data["role"],
            invite=data["invite"],
        )
    except ValidationError as exc:
        add_action_errors(form, exc)
        return _render_create(request, form, status=400)
    if invitation is not None:
        messages.success(
            request,
            f"{person.display_name} was added and an invitation is on its way to {person.email}.",
        )
    else:
        messages.success(
            request,
            f"{person.display_name} was added. They cannot sign in yet: send an invitation or "
            "issue an access code.",
        )
    return redirect("people:admin_person", username=person.username)


def _render_create(
    request: HttpRequest, form: CreatePersonForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "people/admin/create_person.html",
        {"form": form, "section": "create"},
        status=status,
    )


# --- One person ------------------------------------------------------------------------------------

PERSON_ACTIONS = ("role", "deactivate", "reactivate", "access_code", "invite")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@carries_secret
def admin_person(request: HttpRequest, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    details = queries.admin_person_details(viewer, username)
    if request.method == "GET":
        return _render_person(request, details)
    person = details.person
    action = request.POST.get("action", "")
    try:
        if action == "role":
            admin_actions.do_set_role(
                actor=viewer, person=person, role=request.POST.get("role", "")
            )
            messages.success(request, f"{person.display_name} is now: {person.get_role_display()}.")
        elif action in ("deactivate", "reactivate"):
            actions.do_set_active(actor=viewer, person=person, active=action == "reactivate")
            messages.success(
                request,
                f"{person.display_name} was {'reactivated' if person.is_active else 'deactivated'}.",
            )
        elif action == "access_code":
            access_code, code = actions.do_issue_access_code(actor=viewer, person=person)
            # Shown on this response only: the code is not stored and the page is not cached.
            return _render_person(
                request,
                queries.admin_person_details(viewer, username),
                access_code=access_code,
                code=code,
            )
        elif action == "invite":
            actions.do_invite_person(actor=viewer, person=person)
            messages.success(request, f"An invitation is on its way to {person.email}.")
        else:
            return _render_person(request, details, errors=["Choose an action."], status=400)
    except ValidationError as exc:
        return _render_person(request, details, errors=exc.messages, status=400)
    return redirect("people:admin_person", username=person.username)


def _render_person(
    request: HttpRequest,
    details: queries.AdminPersonDetails,
    *,
    errors: list[str] | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "details": details,
        "person": details.person,
        "roles": Role.choices,
        "errors": errors or [],
        "sign_in_url": settings.SITE_URL + reverse("people:access_code_login"),
        "section": "people",
        **extra,
    }
    return render(request, "people/admin/person.html", context, status=status)


# --- Import ---------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def admin_import(request: HttpRequest) -> HttpResponse:
    actor = _administrator(request)
    if request.method == "GET":
        return _render_import(request, ImportForm())
    if "upload" in request.POST:  # "Apply these changes" after a preview
        try:
            result = importer.apply_upload(actor=actor, token=request.POST["upload"])
        except ValidationError as exc:
            return _render_import(request, ImportForm(), errors=exc.messages, status=400)
        if not result.applied:
            return _render_import(request, ImportForm(), plan=result.plan, status=400)
        return _render_import(request, ImportForm(), result=result)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, form, status=400)
    plan, token = importer.preview_upload(
        actor=actor,
        file=form.cleaned_data["file"],
        deactivate_missing=form.cleaned_data["deactivate_missing"],
    )
    return _render_import(request, form, plan=plan, token=token, status=400 if plan.errors else 200)


def _render_import(
    request: HttpRequest,
    form: ImportForm,
    *,
    plan: importer.ImportPlan | None = None,
    token: str | None = None,
    result: importer.ImportResult | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "plan": plan,
        "creates": plan.creates[:PLAN_ROWS_SHOWN] if plan else [],
        "updates": plan.updates[:PLAN_ROWS_SHOWN] if plan else [],
        "deactivations": plan.deactivations[:PLAN_ROWS_SHOWN] if plan else [],
        "file_name": getattr(form.cleaned_data.get("file"), "name", "")
        if hasattr(form, "cleaned_data")
        else "",
        "token": token,
        "result": result,
        "errors": errors or [],
        "shown": PLAN_ROWS_SHOWN,
        "columns": importer.COLUMNS,
        "max_mb": max(1, settings.IMPORT_MAX_BYTES // (1024 * 1024)),
        "section": "import",
    }
    return render(request, "people/admin/import.html", context, status=status)


# --- Organisation-wide settings ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def admin_site_settings(request: HttpRequest) -> HttpResponse:
    actor = _administrator(request)
    if request.method == "POST":
        form = SiteSettingsForm(request.POST)
        if form.is_valid():
            value = form.cleaned_data["require_mfa"]
            admin_actions.do_set_require_mfa(actor=actor, value=value)
            messages.success(
                request,
                "Two-factor authentication is now required for everyone."
                if value
                else "Two-factor authentication is now optional.",
            )
            return redirect("people:admin_site_settings")
    else:
        form = SiteSettingsForm(initial={"require_mfa": SiteSettings.load().require_mfa})
    return render(request, "people/admin/site_settings.html", {"form": form, "section": "settings"})
