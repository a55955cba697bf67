"""Pages of the notifications app: the list (with "Load more"), "Mark all as read", and opening
one notification, which marks it read on the way to what it is about.

Each view parses its input, calls one query or action and renders.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.core.pages import is_htmx, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.notifications import actions, queries
from watercooler.notifications.context_processors import remember_unread_count
from watercooler.notifications.models import Notification
from watercooler.notifications.policy import TOPICS


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


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which topics show in the app: a checkbox each (a topic left unchecked is turned off)."""
    viewer = viewer_of(request)
    saved = False
    if request.method == "POST":
        checked = set(request.POST.getlist("in_app"))
        choices = {topic.key: topic.key in checked for topic in TOPICS}
        actions.do_change_notification_settings(user=viewer, in_app=choices)
        saved = True
    choices = queries.in_app_settings(viewer)
    topics = [(topic, choices[topic.key]) for topic in TOPICS]
    return render(request, "notifications/settings.html", {"topics": topics, "saved": saved})
