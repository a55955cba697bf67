"""Pages of the notifications app: the list (with "Load more"), "Mark all as read", and opening
one notification, which marks it read on the way to what it is about.

Each view parses its input, calls one query or action and renders.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.communities.queries import access_community
from watercooler.core import mail
from watercooler.core.errors import messages_by_field
from watercooler.core.pages import is_htmx, next_url, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.feed.queries import access_post, access_topic
from watercooler.notifications import actions, digests, emails, push, queries, schemas
from watercooler.notifications.context_processors import remember_unread_count
from watercooler.notifications.models import Notification
from watercooler.notifications.policy import (
    CHANNELS,
    PAUSE_CHOICES,
    TOPICS,
    Digest,
)


def _cards(items: list[Notification]) -> list[dict[str, object]]:
    return [
        {
            "n": n,
            "text": queries.notification_text(n),
            "excerpt": queries.notification_excerpt(n),
        }
        for n in items
    ]


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.notifications_page(viewer_of(request), cursor)
    except InvalidCursorError:
        return render(
            request,
            "problem.html",
            {
                "title": "This page of notifications no longer exists",
                "message": "The link asked for a page we cannot find. Start again from the top.",
            },
            status=400,
        )
    context = {"page": page, "cards": _cards(page.items), "cursor": cursor}
    if cursor and is_htmx(request):
        response = render(request, "notifications/list.html#page", context)
    else:
        response = render(request, "notifications/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Without JavaScript: back to the list. With htmx: the emptied-of-highlights list and the
    nav badge (out of band) in one answer."""
    viewer = viewer_of(request)
    count = actions.do_mark_read(user=viewer)
    if not is_htmx(request):
        return redirect("notifications:list")
    remember_unread_count(request, count)
    page = queries.notifications_page(viewer, None)
    context = {"page": page, "cards": _cards(page.items), "cursor": None, "oob_badge": True}
    return render(request, "notifications/list.html#list", context)


@login_required
@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one's own notification read and go to what it is about. A GET is enough: it changes
    nothing but the reader's own read state. Anyone else's notification is 404."""
    viewer = viewer_of(request)
    notification = queries.access_notification(viewer, notification_id)
    if notification.read_at is None:
        actions.do_mark_read(user=viewer, ids=[notification.pk])
    return HttpResponseRedirect(queries.notification_url(notification))


def page_channels() -> tuple[str, ...]:
    """The channels the page offers: push only where the server can push."""
    return ("in_app", "email", "push") if push.enabled() else ("in_app", "email")


def _time_or_none(raw: str) -> dt.time | str | None:
    """A form's ``HH:MM`` (what an ``<input type=time>`` sends), None when empty, else the
    raw text for the action to refuse."""
    if not raw.strip():
        return None
    try:
        return dt.time.fromisoformat(raw.strip())
    except ValueError:
        return raw


def _settings_form(request: HttpRequest) -> dict[str, Any]:
    """The settings form's fields as the action's ``changes``."""
    post = request.POST
    changes: dict[str, Any] = {
        channel: {topic.key: topic.key in set(post.getlist(channel)) for topic in TOPICS}
        for channel in page_channels()
    }
    changes["quiet_start"] = _time_or_none(post.get("quiet_start", ""))
    changes["quiet_end"] = _time_or_none(post.get("quiet_end", ""))
    changes["time_zone"] = post.get("time_zone", "")
    if "digest" in post:
        changes["digest"] = post["digest"]
    changes["digest_only"] = post.get("digest_only") == "on"
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Every choice of what reaches a person, on one page: topics by channel (a box left
    unchecked is off), quiet hours, pause, the digest, and what they muted."""
    viewer = viewer_of(request)
    status = 200
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        changes = (
            {"pause": request.POST.get("pause", "")}
            if "pause" in request.POST
            else _settings_form(request)
        )
        try:
            actions.do_change_notification_settings(user=viewer, changes=changes)
        except ValidationError as error:
            errors, status = messages_by_field(error), 422
        else:
            return redirect(f"{request.path}?saved=1")
    chosen = queries.notification_settings(viewer)
    context = {
        "settings": schemas.settings_dict(viewer, chosen),
        "chosen": chosen,
        "channels": [channel for channel in CHANNELS if channel.key in page_channels()],
        "push_key": push.public_key(),
        "devices": queries.push_subscriptions_of(viewer),
        "digest_choices": Digest.CHOICES,
        "pause_choices": PAUSE_CHOICES,
        "zones": sorted(zoneinfo.available_timezones()),
        "location_zone": queries.zone_named(queries.location_zone(viewer) or "").key,
        "email_delay": settings.MISSED_ACTIVITY_EMAIL_MINUTES,
        "digest_hour": Digest.HOUR,
        "mutes": queries.mutes_of(viewer),
        "errors": errors,
        "saved": request.GET.get("saved") == "1" and not errors,
        "paused": chosen.paused_until is not None and chosen.paused_until > timezone.now(),
    }
    return render(request, "notifications/settings.html", context, status=status)


@login_required
@require_POST
def mute(request: HttpRequest) -> HttpResponse:
    """Mute (``on=1``) or unmute (``on=0``) the thread of ``post``, a ``community`` (a handle)
    or a ``topic``, from the page that shows it; back to ``next`` with a word of what changed."""
    viewer = viewer_of(request)
    back = next_url(request, reverse("notifications:settings"))
    raw_post = request.POST.get("post", "")
    if raw_post.isdigit() and len(raw_post) < 12:
        thing: dict[str, Any] = {"post": access_post(viewer, int(raw_post), related=False)}
        name = "This thread"
    elif request.POST.get("community"):
        thing = {"community": access_community(viewer, request.POST["community"])}
        name = thing["community"].name
    elif request.POST.get("topic"):
        thing = {"topic": access_topic(viewer, request.POST["topic"])}
        name = f"#{thing['topic'].label}"
    else:
        messages.error(request, "Choose a thread, a community or a topic to mute.")
        return redirect(back)
    if request.POST.get("on", "1") == "0":
        actions.do_unmute_thing(user=viewer, **thing)
        messages.success(request, f"{name} is no longer muted.")
    else:
        actions.do_mute(user=viewer, **thing)
        messages.success(
            request, f"{name} is muted: it notifies you only when someone mentions you."
        )
    return redirect(back)


@login_required
@require_POST
def unmute(request: HttpRequest, mute_id: int) -> HttpResponse:
    actions.do_unmute(user=viewer_of(request), mute_id=mute_id)
    return redirect(f"{reverse('notifications:settings')}#muted")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A link from an email's footer or its ``List-Unsubscribe`` header; no sign-in needed.
    GET asks (a link checker must not unsubscribe anyone); POST, which mail clients send for
    RFC 8058's one-click unsubscribe, does it. Not CSRF-checked: the signed token is the proof."""
    found = emails.read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    person_id, what = found
    done = request.method == "POST"
    if done:
        actions.do_unsubscribe(person_id=person_id, what=what)
    context = {"what": emails.UNSUBSCRIBE_LISTS[what], "done": done}
    return render(request, "notifications/unsubscribe.html", context)


@login_required
@require_GET
def digest_preview(request: HttpRequest) -> HttpResponse:
    """The digest that would be emailed now, shown as the email is (its own HTML page)."""
    _, html = digests.render_digest(digests.preview(viewer_of(request)))
    return mail.preview_response(html)


@login_required
@require_POST
def remove_device(request: HttpRequest, subscription_id: int) -> HttpResponse:
    if not push.do_unsubscribe_push(user=viewer_of(request), subscription_id=subscription_id):
        raise Http404("No such device.")
    messages.success(request, "That device no longer gets push notifications.")
    return redirect(f"{reverse('notifications:settings')}#push")
