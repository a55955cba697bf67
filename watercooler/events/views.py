"""Pages of events: the list (upcoming and past), a community's events tab, one event with its
RSVP buttons (htmx swaps the answer box), the event form, the ``.ics`` download, and the personal
calendar feed (its page, resetting its address, and the feed itself, served without a session).

Each view parses its input, calls one action or query of ``events`` and renders. Forms work
without JavaScript through ordinary posts and redirects.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.communities.models import Community
from watercooler.communities.queries import community_header, member_community_ids
from watercooler.core.compression import carries_secret
from watercooler.core.errors import Conflict
from watercooler.core.pages import bad_cursor_page, is_htmx, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.events import actions, forms, ics, policy, queries
from watercooler.events.models import Event
from watercooler.people.models import User


def _cards(viewer: User, events: list[Event]) -> list[Event]:
    """Attach ``my_rsvp`` to each event of a page (one query)."""
    mine = queries.my_rsvps(viewer, events)
    for event in events:
        event.my_rsvp = mine.get(event.pk)  # type: ignore[attr-defined]
    return events


def _list_context(
    request: HttpRequest, viewer: User, community: Community | None
) -> dict[str, Any] | None:
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    try:
        page = queries.events_page(
            viewer, when=when, community=community, cursor=request.GET.get("cursor") or None
        )
    except InvalidCursorError:
        return None
    return {
        "when": when,
        "page": page,
        "events": _cards(viewer, page.items),
        "zone": queries.viewer_zone(viewer),
        "can_plan": policy.can_plan_company_event(viewer),
    }


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    context = _list_context(request, viewer, None)
    if context is None:
        return bad_cursor_page(request)
    template = "events/_list.html#page" if is_htmx(request) else "events/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def community_events(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = community_header(viewer, handle)
    context: dict[str, Any] = {"header": header, "active_tab": "events"}
    if header.can_see_content:
        listed = _list_context(request, viewer, header.community)
        if listed is None:
            return bad_cursor_page(request)
        context |= listed
        context["can_plan"] = policy.can_plan_community_event(viewer, header.membership)
    template = "events/community.html"
    if is_htmx(request) and header.can_see_content:
        template = "events/_list.html#page"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _my_communities(viewer: User) -> list[Community]:
    return list(
        Community.objects.filter(pk__in=member_community_ids(viewer)).order_by("name", "pk")
    )


def _form_page(
    request: HttpRequest,
    viewer: User,
    form: forms.EventForm,
    *,
    event: Event | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "events/form.html",
        {
            "form": form,
            "event": event,
            "communities": _my_communities(viewer) if event is None else [],
            "company_wide_allowed": policy.can_plan_company_event(viewer),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_event(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if request.method == "POST":
        form = forms.read_form(request.POST)
        try:
            data = actions.check_event_input(actor=viewer, **forms.action_arguments(form))
            event = actions.do_create_event(actor=viewer, data=data)
        except ValidationError as exc:
            form.errors = exc.message_dict
            return _form_page(request, viewer, form, event=None, status=400)
        messages.success(request, "Event created. Share the link so people can answer.")
        return redirect("events:detail", event.pk)
    zone = queries.viewer_zone(viewer).key
    return _form_page(
        request,
        viewer,
        forms.blank_form(zone=zone, community=request.GET.get("community", "")[:80]),
        event=None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_event(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    actions.check_can_manage_event(actor=viewer, event=event)
    if request.method == "POST":
        form = forms.read_form(request.POST)
        arguments = forms.action_arguments(form)
        arguments.pop("community_handle")
        try:
            data = actions.check_event_input(actor=viewer, event=event, **arguments)
            actions.do_update_event(actor=viewer, event=event, data=data)
        except ValidationError as exc:
            form.errors = exc.message_dict
            return _form_page(request, viewer, form, event=event, status=400)
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("events:detail", event.pk)
        messages.success(request, "Event updated. Calendars that have it will update too.")
        return redirect("events:detail", event.pk)
    return _form_page(request, viewer, forms.form_for(event), event=event)


def _detail_context(viewer: User, event_id: int) -> dict[str, Any]:
    detail = queries.event_detail(viewer, event_id)
    event = detail.event
    return {
        "detail": detail,
        "event": event,
        "zone": queries.viewer_zone(viewer, event),
        "event_zone": event.timezone,
        "event_zone_info": queries.viewer_zone(None, event),
        "now": timezone.now(),
    }


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    return render(request, "events/detail.html", _detail_context(viewer, event_id))


@login_required
@require_POST
def rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    """htmx gets the answer box back; a plain form post a redirect with the outcome."""
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    error = ""
    try:
        result = actions.do_rsvp(actor=viewer, event=event, status=request.POST.get("status"))
    except (Conflict, ValidationError) as exc:
        error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    if is_htmx(request):
        context = _detail_context(viewer, event_id)
        context["rsvp_error"] = error
        return render(request, "events/_rsvp.html", context, status=409 if error else 200)
    if error:
        messages.error(request, error)
    elif result.waitlisted:
        messages.success(
            request, f"The event is full: you are number {result.position} on the waitlist."
        )
    return redirect("events:detail", event_id)


@login_required
@require_POST
def cancel_event(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    try:
        actions.do_cancel_event(actor=viewer, event=event)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Event cancelled. It stays listed, marked cancelled.")
    return redirect("events:detail", event_id)


@login_required
@require_GET
def attendees(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    event = queries.access_event(viewer, event_id)
    try:
        page = queries.attendees_page(viewer, event, cursor=request.GET.get("cursor") or None)
    except InvalidCursorError:
        return bad_cursor_page(request)
    template = "events/attendees.html#page" if is_htmx(request) else "events/attendees.html"
    return render(request, template, {"event": event, "page": page})


def _calendar_response(body: bytes, filename: str, *, cache_control: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response


@login_required
@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = queries.access_event(viewer_of(request), event_id)
    return _calendar_response(
        ics.event_ics(event), ics.ics_filename(event), cache_control="private, no-cache"
    )


# --- The personal calendar feed ------------------------------------------------------------------


def _feed_urls(request: HttpRequest, token: str) -> dict[str, str]:
    path = reverse("events:feed", args=[token])
    https = f"{settings.SITE_URL}{path}"
    webcal = "webcal://" + https.split("://", 1)[1]
    return {"https": https, "webcal": webcal}


@login_required
@require_GET
@carries_secret
def calendar(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    feed = actions.do_get_calendar_feed(actor=viewer)
    return render(request, "events/calendar.html", {"urls": _feed_urls(request, feed.token)})


@login_required
@require_POST
def reset_calendar(request: HttpRequest) -> HttpResponse:
    actions.do_reset_calendar_feed(actor=viewer_of(request))
    messages.success(
        request, "New address made. Subscribe again with it: the old one no longer works."
    )
    return redirect("events:calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar applications poll. No session: the secret token in the address is the
    credential; an unknown token or a deactivated person is 404."""
    user, events = queries.calendar_feed_events(token)
    body = ics.feed_ics(events, name=f"{user.display_name} · {settings.SITE_NAME} events")
    # Polled every so often: the app may reuse its copy for a few minutes; shared caches must
    # not keep a personal calendar.
    response = _calendar_response(body, "events.ics", cache_control="private, max-age=300")
    response["Referrer-Policy"] = "no-referrer"
    return response
