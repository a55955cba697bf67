"""Announcement pages: the list (the comms dashboard, or what was addressed to me), the
composer and its audience preview, one announcement (with "I have read this"), the author's
live statistics and CSV export, and the htmx endpoints behind the pinned cards on the home feed.

Each view parses input and calls one action or query (``actions``, ``queries``), the same
ones the API uses.
"""

import contextlib
import csv
import datetime as dt
import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.announcements import actions, policy, queries
from watercooler.communities.models import Community
from watercooler.core.errors import Conflict
from watercooler.core.pages import is_htmx, next_url, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.people.models import Role, User

REMIND_CHOICES = [("", "No reminder"), ("24", "After 1 day"), ("72", "After 3 days"),
                  ("168", "After 1 week")]  # fmt: skip


def _community(viewer: User, handle: str) -> Community | None:
    """The community named by the composer's ``community`` field (None for a company-wide
    announcement); Http404 when the viewer may not know it."""
    if not handle.strip():
        return None
    try:
        return queries.announcement_community(viewer, handle.strip())
    except ValidationError:
        raise Http404("No such community.") from None


def author_zone(user: User) -> zoneinfo.ZoneInfo:
    """The zone the composer's datetime-local inputs are read in: the author's location's."""
    name = user.location.timezone if user.location_id and user.location else "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _parse_local(value: str, zone: zoneinfo.ZoneInfo, field: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: ["Enter a date and time."]}) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zone)


def _parse_hours(value: str) -> dt.timedelta | None:
    value = value.strip()
    if not value:
        return None
    try:
        hours = float(value)
    except ValueError:
        raise ValidationError({"remind_after": ["Enter a number of hours."]}) from None
    if not 0 <= hours <= 24 * 365:
        raise ValidationError({"remind_after": ["Remind after between 1 hour and 30 days."]})
    return dt.timedelta(hours=hours)


@login_required
@require_http_methods(["GET", "POST"])
def new_announcement(request: HttpRequest) -> HttpResponse:
    """The composer; with ``?community=<handle>`` (or the form's hidden ``community``) an
    announcement to that community's members, for its owners."""
    viewer = viewer_of(request)
    handle = request.POST.get("community") or request.GET.get("community") or ""
    community = _community(viewer, handle)
    if community is not None:
        if not policy.can_announce(viewer, community):
            raise PermissionDenied("Only the community's owners can announce to its members.")
    elif not policy.can_announce(viewer):
        raise PermissionDenied("Only communications people and administrators can announce.")
    zone = author_zone(viewer)
    values: dict[str, Any] = {
        "title": "",
        "body": "",
        "departments": [],
        "locations": [],
        "roles": [],
        "must_read": False,
        "remind_after_hours": "",
        "publish_at": "",
        "expires_at": "",
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        values = {
            "title": post.get("title", ""),
            "body": post.get("body", ""),
            "departments": post.getlist("departments"),
            "locations": post.getlist("locations"),
            "roles": post.getlist("roles"),
            "must_read": post.get("must_read") == "on",
            "remind_after_hours": post.get("remind_after_hours", ""),
            "publish_at": post.get("publish_at", ""),
            "expires_at": post.get("expires_at", ""),
        }
        try:
            parse_errors: dict[str, list[str]] = {}
            parsed: dict[str, Any] = {}
            for name, parse in (
                ("publish_at", lambda v: _parse_local(v, zone, "publish_at")),
                ("expires_at", lambda v: _parse_local(v, zone, "expires_at")),
                ("remind_after", _parse_hours),
            ):
                raw = values["remind_after_hours" if name == "remind_after" else name]
                try:
                    parsed[name] = parse(raw)
                except ValidationError as exc:
                    parse_errors.update(exc.message_dict)
            arguments: dict[str, Any] = {
                "actor": viewer,
                "title": values["title"],
                "body": values["body"],
                "departments": values["departments"],
                "locations": values["locations"],
                "roles": values["roles"],
                "must_read": values["must_read"],
                "community": community,
                **parsed,
            }
            if parse_errors:
                # Report the other fields' problems too, in one round trip.
                try:
                    actions.check_create_announcement(**arguments)
                except ValidationError as exc:
                    parse_errors = {**exc.message_dict, **parse_errors}
                raise ValidationError(parse_errors)
            announcement = actions.do_create_announcement(**arguments)
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        else:
            if announcement.published_at:
                messages.success(request, f"Published to {announcement.audience_size} people.")
            else:
                messages.success(request, "Scheduled. It will be published at the chosen time.")
            return redirect("announcements:stats", announcement.pk)
    choices = queries.announcement_choices()
    preview = None
    if community is None:
        # An unknown name is the form's field error; the preview then stays empty.
        with contextlib.suppress(ValidationError):
            preview = queries.audience_preview(
                actor=viewer,
                departments=values["departments"],
                locations=values["locations"],
                roles=values["roles"],
            )
    return render(
        request,
        "announcements/new.html",
        {
            "values": values,
            "errors": errors,
            "choices": {
                "departments": [(name, name) for name in choices["departments"]],
                "locations": [(name, name) for name in choices["locations"]],
            },
            "role_options": list(Role.choices),
            "preview": preview,
            "remind_choices": REMIND_CHOICES,
            "zone": zone.key,
            "community": community,
        },
        status=status,
    )


@login_required
@require_GET
def announcement_list(request: HttpRequest) -> HttpResponse:
    """Communications people and administrators (and community owners with announcements of
    their own) get the dashboard; ``?view=mine``, and everyone else, the announcements
    addressed to them, folded ones included."""
    viewer = viewer_of(request)
    cursor = request.GET.get("cursor") or None
    manages = policy.can_manage_announcements(viewer)
    view = request.GET.get("view", "")
    context: dict[str, Any] = {"manages": manages, "view": "mine"}
    try:
        if view != "mine":
            dashboard = queries.dashboard_page(viewer, cursor=cursor)
            if manages or dashboard.items:
                context.update(view="all", dashboard=dashboard)
        if context["view"] == "mine":
            context["addressed"] = queries.addressed_page(
                viewer, cursor=cursor if view == "mine" else None
            )
    except InvalidCursorError:
        return redirect("announcements:list")
    context["manages"] = manages or context["view"] == "all"
    return render(request, "announcements/list.html", context)


@login_required
@require_GET
def audience_preview(request: HttpRequest) -> HttpResponse:
    """The composer's "who will get it" line for the targeting chosen so far (htmx GET)."""
    viewer = viewer_of(request)
    community = _community(viewer, request.GET.get("community") or "")
    context: dict[str, Any] = {}
    status = 200
    try:
        context["preview"] = queries.audience_preview(
            actor=viewer,
            departments=request.GET.getlist("departments"),
            locations=request.GET.getlist("locations"),
            roles=request.GET.getlist("roles"),
            community=community,
        )
    except ValidationError as exc:
        context["errors"] = exc.message_dict
        status = 400
    return render(request, "announcements/_preview.html", context, status=status)


def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


@login_required
@require_GET
def export_csv(request: HttpRequest, announcement_id: int) -> HttpResponse:
    """One announcement's figures as CSV: a summary, a blank line, then one row per person.
    Built whole rather than streamed: under ASGI Django would buffer a synchronous stream
    anyway, and 10,000 people make about half a megabyte."""
    viewer = viewer_of(request)
    export = queries.announcement_export(viewer, announcement_id)
    a = export.announcement
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="announcement-{a.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the names as UTF-8
    writer = csv.writer(response)
    summary = [
        ("Announcement", a.title),
        ("Status", export.status),
        ("Audience", export.audience_text),
        ("Published", _when(a.published_at)),
        ("Expires", _when(a.expires_at)),
        ("Must read", "yes" if a.must_read else "no"),
        ("Audience size", a.audience_size),
        ("Seen", a.seen_count),
        ("Seen %", export.seen_percent),
        ("Acknowledged", a.acknowledged_count),
        ("Acknowledged %", export.acknowledged_percent),
    ]
    for key, value in summary:
        writer.writerow([key, _csv_cell(value)])
    writer.writerow([])
    writer.writerow(["Name", "Department", "Location", "Seen at", "Acknowledged at"])
    for receipt in export.receipts.iterator(chunk_size=1000):
        person = receipt.user
        writer.writerow(
            [
                _csv_cell(person.display_name),
                _csv_cell(person.department.name if person.department else ""),
                _csv_cell(person.location.name if person.location else ""),
                _when(receipt.seen_at),
                _when(receipt.acknowledged_at),
            ]
        )
    return response


@login_required
@require_GET
def pinned_card(request: HttpRequest, announcement_id: int) -> HttpResponse:
    """One pinned card for the viewer, for the home page to insert when
    ``announcement.published`` arrives; empty when it is not (or no longer) pinned for them."""
    viewer = viewer_of(request)
    announcement = queries.access_announcement(viewer, announcement_id)
    pinned = queries.pinned_announcements(viewer, announcement_id=announcement.pk)
    if not pinned:
        return HttpResponse("")
    return render(request, "announcements/_card.html", {"announcement": pinned[0]})


@login_required
@require_GET
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    """Shows the announcement and records that the viewer has seen it (once)."""
    viewer = viewer_of(request)
    announcement = queries.access_announcement(viewer, announcement_id)
    receipt = getattr(announcement, "my_receipt", None)
    if receipt is not None and receipt.seen_at is None:
        announcement.my_receipt = actions.do_mark_seen(  # type: ignore[attr-defined]
            user=viewer, announcement=announcement
        )
    return render(
        request,
        "announcements/detail.html",
        {
            "announcement": announcement,
            "can_view_stats": policy.can_view_stats(viewer, announcement),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def announcement_stats(request: HttpRequest, announcement_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    try:
        stats = queries.announcement_stats(
            viewer, announcement_id, cursor=request.GET.get("cursor") or None
        )
    except InvalidCursorError:
        return redirect("announcements:stats", announcement_id)
    return render(
        request,
        "announcements/stats.html",
        {"stats": stats, "audience_text": queries.audience_words(stats.announcement)},
    )


def _back(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return redirect(next_url(request, reverse("announcements:detail", args=[announcement_id])))


def _receipt_view(request: HttpRequest, announcement_id: int, action: Any) -> HttpResponse:
    """Runs one receipt action; an htmx request gets the pinned card back (empty once
    dismissed), a plain form post a redirect with the outcome as a message."""
    viewer = viewer_of(request)
    announcement = queries.access_announcement(viewer, announcement_id)
    try:
        receipt = action(user=viewer, announcement=announcement)
    except Conflict as exc:
        if is_htmx(request):
            return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, str(exc))
        return _back(request, announcement_id)
    announcement.my_receipt = receipt  # type: ignore[attr-defined]
    if is_htmx(request):
        if receipt.dismissed_at is not None:
            return HttpResponse("")
        return render(
            request,
            "announcements/_card.html",
            {"announcement": announcement, "acknowledged_now": True},
        )
    return _back(request, announcement_id)


@login_required
@require_POST
def acknowledge(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return _receipt_view(request, announcement_id, actions.do_acknowledge)


@login_required
@require_POST
def dismiss(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return _receipt_view(request, announcement_id, actions.do_dismiss)
