"""Messaging pages: the inbox, a conversation (newest messages at the bottom, older ones a link
away; opening it reads it), the composer, and starting a conversation by usernames. Each parses
the request and calls one action or query."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from watercooler.core.errors import messages_by_field
from watercooler.core.pages import bad_cursor_page, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.messaging import actions, policy, queries


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    try:
        page = queries.inbox(
            viewer_of(request), cursor=request.GET.get("cursor"), archived=archived
        )
    except InvalidCursorError:
        return bad_cursor_page(request)
    return render(request, "messaging/inbox.html", {"page": page, "archived": archived})


def _conversation_page(
    request: HttpRequest, conversation_id: int, *, draft: str = "", errors: Any = None
) -> HttpResponse:
    viewer = viewer_of(request)
    seat = queries.access_seat(viewer, conversation_id)
    try:
        page = queries.messages_page(seat, before=None, cursor=request.GET.get("cursor"))
    except InvalidCursorError:
        return bad_cursor_page(request)
    newest = page.items[0] if page.items else None
    if newest is not None and request.method == "GET" and not request.GET.get("cursor"):
        actions.do_read(actor=viewer, seat=seat, up_to=newest.pk)
    context = {
        "seat": seat,
        "conversation": seat.conversation,
        "people": [s.person for s in queries.present_seats(seat)],
        # Not "messages": that is the page's flash messages.
        "thread": list(reversed(page.items)),
        "older": page.next_cursor,
        "can_write": policy.can_write(seat),
        "draft": draft,
        "errors": errors or {},
    }
    return render(request, "messaging/conversation.html", context, status=422 if errors else 200)


@login_required
@require_GET
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return _conversation_page(request, conversation_id)


@login_required
@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    seat = queries.access_seat(viewer, conversation_id)
    body = request.POST.get("body", "")
    try:
        actions.do_send_message(actor=viewer, seat=seat, body=body)
    except ValidationError as error:
        return _conversation_page(
            request, conversation_id, draft=body, errors=messages_by_field(error)
        )
    return redirect("messaging:conversation", conversation_id)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start (or find again) a conversation with the people named in ``to`` (usernames,
    separated by commas or spaces)."""
    viewer = viewer_of(request)
    names = request.POST.get("to", "").replace(",", " ").split()
    title = request.POST.get("title") or None
    try:
        conversation, _ = actions.do_start_conversation(actor=viewer, usernames=names, title=title)
    except ValidationError as error:
        return render(
            request,
            "messaging/inbox.html",
            {
                "page": queries.inbox(viewer, cursor=None),
                "archived": False,
                "errors": messages_by_field(error),
                "to": request.POST.get("to", ""),
                "title": title or "",
            },
            status=422,
        )
    return redirect("messaging:conversation", conversation.pk)
