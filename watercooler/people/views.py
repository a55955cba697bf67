"""Pages of the people app: the directory, profiles, the profile editor and the org chart.

Each view parses its input, calls one query or action and renders. Rules live in ``actions`` and
``queries``, permissions in ``policy``, all shared with the API.
"""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from watercooler.core.pages import is_htmx, problem_page, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.core.text import contains_nul
from watercooler.people import actions, policy, queries
from watercooler.people.models import User
from watercooler.people.page_forms import build_profile_form, values_from_person, values_from_post

MAX_QUERY_LENGTH = 100
MAX_FILTER_LENGTH = 120


# --- Directory ---------------------------------------------------------------------------------


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    get = request.GET
    viewer = viewer_of(request)
    queries.check_can_browse_directory(viewer)  # before looking at the input: guests get 403
    if contains_nul(list(get.lists())):
        return problem_page(
            request,
            title="This search cannot be run",
            message="The link carries characters no name or job title can contain.",
            status=400,
        )
    filters = queries.DirectoryFilter(
        q=get.get("q", "").strip()[:MAX_QUERY_LENGTH],
        department=get.get("department", "").strip()[:MAX_FILTER_LENGTH],
        location=get.get("location", "").strip()[:MAX_FILTER_LENGTH],
        skill=get.get("skill", "").strip()[:MAX_FILTER_LENGTH],
    )
    cursor = get.get("cursor") or None
    try:
        page = queries.directory_page(viewer, filters, cursor=cursor)
    except InvalidCursorError:
        return problem_page(
            request,
            title="This page of the directory no longer exists",
            message=(
                "The link asked for a page we cannot find (its “cursor” is damaged or out of date)."
                " Start again from the first page."
            ),
            status=400,
        )
    context = {
        "page": page,
        "filters": filters,
        "filtered": bool(filters.department or filters.location or filters.skill),
        "cursor": cursor,
        "can_administer": policy.can_administer(viewer),
    }
    if is_htmx(request):
        # More of the list (a cursor) or a fresh result list (the live search form).
        template = "people/directory.html#page" if cursor else "people/directory.html#results"
        response = render(request, template, context)
    else:
        context["choices"] = {
            **queries.people_choices(),
            "skills": queries.popular_skills(),
        }
        response = render(request, "people/directory.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Profile -----------------------------------------------------------------------------------


def _local_now(person: User) -> dt.datetime | None:
    if person.location is None:
        return None
    try:
        return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(person.location.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _hours_apart(theirs: dt.datetime | None, viewer: User, person: User) -> str:
    """Like "2 h ahead of you" for someone in another time zone; "" when the same or unknown."""
    if theirs is None or viewer.pk == person.pk:
        return ""
    mine = _local_now(viewer)
    if mine is None:
        return ""
    delta = (theirs.utcoffset() or dt.timedelta()) - (mine.utcoffset() or dt.timedelta())
    minutes = int(delta.total_seconds() // 60)
    if minutes == 0:
        return "same time as you"
    hours, rest = divmod(abs(minutes), 60)
    amount = f"{hours} h" + (f" {rest} min" if rest else "") if hours else f"{rest} min"
    return f"{amount} {'ahead of' if minutes > 0 else 'behind'} you"


@login_required
@require_GET
def profile(request: HttpRequest, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    details = queries.profile_details(viewer, username)
    person = details.person
    local_now = _local_now(person)
    return render(
        request,
        "people/profile.html",
        {
            "details": details,
            "person": person,
            "local_now": local_now,
            "time_apart": _hours_apart(local_now, viewer, person),
            "links": person.web_links,
            "is_self": viewer.pk == person.pk,
        },
    )


# --- Editing a profile -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    person = queries.access_person(viewer, username)
    actions.check_can_edit_profile(actor=viewer, person=person)
    profile_url = reverse("people:profile", args=[person.username])
    edit_url = reverse("people:edit_profile", args=[person.username])
    values = values_from_person(person)
    errors: dict[str, list[str]] = {}
    photo_errors: list[str] = []
    status = 200

    if request.method == "POST":
        action = request.POST.get("action", "profile")
        if action == "upload_photo":
            upload = request.FILES.get("photo")
            if upload is None:
                photo_errors = ["Choose a photo to upload first."]
            else:
                try:
                    actions.do_set_photo(actor=viewer, person=person, upload=upload)
                except ValidationError as exc:
                    photo_errors = _messages_for(exc, "photo")
                else:
                    messages.success(request, "The new photo is saved.")
                    return redirect(edit_url)
            status = 400
        elif action == "remove_photo":
            actions.do_remove_photo(actor=viewer, person=person)
            messages.success(request, "The photo is removed; your initials show instead.")
            return redirect(edit_url)
        else:
            data = values_from_post(request.POST, policy.editable_profile_fields(viewer))
            try:
                changes = actions.check_profile_changes(actor=viewer, person=person, data=data)
                actions.do_update_profile(actor=viewer, person=person, changes=changes)
            except ValidationError as exc:
                errors = exc.message_dict
                values = {**values, **data}
                status = 400
            else:
                who = (
                    "Your profile" if viewer.pk == person.pk else f"{person.display_name}'s profile"
                )
                messages.success(request, f"{who} is saved.")
                return redirect(profile_url)

    choices = queries.people_choices()
    form = build_profile_form(
        actor=viewer,
        values=values,
        errors=errors,
        departments=choices["departments"],
        locations=choices["locations"],
    )
    return render(
        request,
        "people/edit_profile.html",
        {
            "person": person,
            "form": form,
            "photo_errors": photo_errors,
            "is_self": viewer.pk == person.pk,
            "is_admin": policy.can_administer(viewer),
        },
        status=status,
    )


def _messages_for(exc: ValidationError, name: str) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages) or [f"The {name} is not valid."]


# --- Org chart ---------------------------------------------------------------------------------


@login_required
@require_GET
def org_chart(request: HttpRequest, username: str) -> HttpResponse:
    chart = queries.access_org_chart(viewer_of(request), username)
    return render(request, "people/org_chart.html", {"chart": chart, "person": chart.person})
