"""Announcement pages: the composer, one announcement (with "I have read this"), the author's
live statistics, and the htmx endpoints behind the pinned cards on the home feed.

Each view parses input and calls one action or query from ``feed/announcements.py``, the same
ones the API uses.
"""

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

from watercooler.core.pages import next_url
from watercooler.core.paging import InvalidCursorError
from watercooler.feed import announcements
from watercooler.people.models import Role, User

REMIND_CHOICES = [("", "No reminder"), ("24", "After 1 day"), ("72", "After 3 days"),
                  ("168", "After 1 week")]  # fmt: skip


def _viewer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required has run
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


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
    viewer = _viewer(request)
    handle = (request.POST.get("community") or request.GET.get("community") or "").strip()
    community = None
    if handle:
        try:
            community = announcements.announcement_community(viewer, handle)
        except ValidationError:
            raise Http404("No such community.") from None
        if not announcements.can_announce(viewer, community):
            raise PermissionDenied("Only the community's owners can announce to its members.")
    elif not announcements.can_announce(viewer):
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
                    announcements.check_create_announcement(**arguments)
                except ValidationError as exc:
                    parse_errors = {**exc.message_dict, **parse_errors}
                raise ValidationError(parse_errors)
            announcement = announcements.do_create_announcement(**arguments)
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        else:
            if announcement.published_at:
                messages.success(request, f"Published to {announcement.audience_size} people.")
            else:
                messages.success(request, "Scheduled. It will be published at the chosen time.")
            return redirect("announcements:stats", announcement.pk)
    return render(
        request,
        "feed/announcements/new.html",
        {
            "values": values,
            "errors": errors,
            "choices": announcements.announcement_choices(),
            "role_labels": dict(Role.choices),
            "remind_choices": REMIND_CHOICES,
            "zone": zone.key,
            "community": community,
        },
        status=status,
    )


@login_required
@require_GET
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    """Shows the announcement and records that the viewer has seen it (once)."""
    viewer = _viewer(request)
    announcement = announcements.access_announcement(viewer, announcement_id)
    receipt = getattr(announcement, "my_receipt", None)
    if receipt is not None and receipt.seen_at is None:
        announcement.my_receipt = announcements.do_mark_seen(  # type: ignore[attr-defined]
            user=viewer, announcement=announcement
        )
    return render(
        request,
        "feed/announcements/detail.html",
        {
            "announcement": announcement,
            "can_view_stats": announcements.can_view_stats(viewer, announcement),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def announcement_stats(request: HttpRequest, announcement_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        stats = announcements.announcement_stats(
            viewer, announcement_id, cursor=request.GET.get("cursor") or None
        )
    except InvalidCursorError:
        return redirect("announcements:stats", announcement_id)
    return render(request, "feed/announcements/stats.html", {"stats": stats})


def _back(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return redirect(next_url(request, reverse("announcements:detail", args=[announcement_id])))


def _receipt_view(request: HttpRequest, announcement_id: int, action: Any) -> HttpResponse:
    """Runs one receipt action; an htmx request gets the pinned card back (empty once
    dismissed), a plain form post a redirect with the outcome as a message."""
    viewer = _viewer(request)
    announcement = announcements.access_announcement(viewer, announcement_id)
    try:
        receipt = action(user=viewer, announcement=announcement)
    except announcements.AnnouncementConflict as exc:
        if _is_htmx(request):
            return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, str(exc))
        return _back(request, announcement_id)
    announcement.my_receipt = receipt  # type: ignore[attr-defined]
    if _is_htmx(request):
        if receipt.dismissed_at is not None:
            return HttpResponse("")
        return render(
            request,
            "feed/announcements/_card.html",
            {"announcement": announcement, "acknowledged_now": True},
        )
    return _back(request, announcement_id)


@login_required
@require_POST
def acknowledge(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return _receipt_view(request, announcement_id, announcements.do_acknowledge)


@login_required
@require_POST
def dismiss(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return _receipt_view(request, announcement_id, announcements.do_dismiss)
