"""Messaging pages: the inbox, a conversation (newest messages at the bottom, older ones a link
away; opening it reads it), the composer, one message as a fragment (what the page fetches when
an event says a message arrived or changed), reacting, editing and deleting, starting a
conversation (from the inbox's people picker, a profile or a post's author), messaging settings
and blocking. Each parses the request and calls one action or query. The page works without
JavaScript; static/js/conversation.js makes it live."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.core.errors import messages_by_field
from watercooler.core.pages import bad_cursor_page, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.feed.attachments import with_descriptions
from watercooler.messaging import actions, policy, queries
from watercooler.people.queries import access_person_card


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        context = _inbox_context(request)
    except InvalidCursorError:
        return bad_cursor_page(request)
    return render(request, "messaging/inbox.html", context)


# Conversations without unread messages on an inbox's first page, however many are unread.
INBOX_EARLIER_MIN = 10


def _inbox_context(request: HttpRequest) -> dict[str, Any]:
    """Unread conversations first (on the first page of the inbox), then the others by last
    activity; ``?unread=1`` for only the unread ones, ``?archived=1`` for the archived."""
    viewer = viewer_of(request)
    archived = request.GET.get("archived") == "1"
    only_unread = request.GET.get("unread") == "1"
    cursor = request.GET.get("cursor")
    unread = None
    if not archived and (only_unread or not cursor):
        unread = queries.inbox(viewer, cursor=cursor if only_unread else None, unread=True)
    rest = None
    if not only_unread:
        # A first page keeps to about one page in all: the unread ones and enough others.
        shown = len(unread.items) if unread is not None and not cursor else 0
        rest = queries.inbox(
            viewer,
            cursor=cursor,
            archived=archived,
            unread=None if archived else False,
            limit=max(INBOX_EARLIER_MIN, queries.INBOX_PAGE - shown),
        )
    return {
        "unread": unread,
        "page": rest if rest is not None else unread,
        "archived": archived,
        "only_unread": only_unread,
    }


def _conversation_page(
    request: HttpRequest, conversation_id: int, *, draft: str = "", errors: Any = None
) -> HttpResponse:
    viewer = viewer_of(request)
    seat = queries.access_seat(viewer, conversation_id)
    try:
        page = queries.messages_page(seat, before=None, cursor=request.GET.get("cursor"))
    except InvalidCursorError:
        return bad_cursor_page(request)
    queries.attach_post_cards(viewer, page.items, request.get_host())
    newest = page.items[0] if page.items else None
    if newest is not None and request.method == "GET" and not request.GET.get("cursor"):
        actions.do_read(actor=viewer, seat=seat, up_to=newest.pk)
    present = queries.present_seats(seat)
    people = queries.people_state(viewer.pk, [seat])
    context = {
        "seat": seat,
        "conversation": seat.conversation,
        "members": present,
        "is_admin": policy.can_manage(seat),
        # The others, each with their status (online, away, offline).
        "others": [
            (s.person, people.presence[s.person_id]) for s in present if s.person_id != viewer.pk
        ],
        "read_positions": queries.read_positions(viewer.pk, present, people.receipts_off),
        "names": {s.person.username: s.person.display_name for s in present},
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
    seat = queries.access_seat(viewer, conversation_id, people=False)
    body = request.POST.get("body", "")
    files = request.FILES.getlist("files")
    try:
        reply_to = request.POST.get("reply_to", "")
        actions.do_send_message(
            actor=viewer,
            seat=seat,
            body=body,
            reply_to=int(reply_to) if reply_to.isdigit() and len(reply_to) < 19 else None,
            uploads=with_descriptions(files, request.POST.getlist("alt_text")),
        )
    except ValidationError as error:
        return _conversation_page(
            request, conversation_id, draft=body, errors=messages_by_field(error)
        )
    return redirect("messaging:conversation", conversation_id)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Start (or find again) a conversation with the people named in ``to`` (usernames,
    separated by commas or spaces). A GET (a post's "Message" link) opens the inbox with the
    form filled in: nothing is created until the person presses Start."""
    viewer = viewer_of(request)
    if request.method == "GET":
        context = {
            **_inbox_context(request),
            "to": request.GET.get("to", "")[:1000],
            "starting": True,
        }
        return render(request, "messaging/inbox.html", context)
    names = [name.lstrip("@") for name in request.POST.get("to", "").replace(",", " ").split()]
    title = request.POST.get("title") or None
    try:
        conversation, _ = actions.do_start_conversation(actor=viewer, usernames=names, title=title)
    except ValidationError as error:
        return render(
            request,
            "messaging/inbox.html",
            {
                **_inbox_context(request),
                "errors": messages_by_field(error),
                "to": request.POST.get("to", ""),
                "title": title or "",
            },
            status=422,
        )
    return redirect("messaging:conversation", conversation.pk)


def _back_to(message: Any) -> HttpResponse:
    url = reverse("messaging:conversation", args=[message.conversation_id])
    return redirect(f"{url}#message-{message.pk}")


@login_required
@require_GET
def message_fragment(request: HttpRequest, message_id: int) -> HttpResponse:
    """One message as the conversation page shows it (the page fetches it on an event)."""
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    queries.attach_post_cards(viewer, [message], request.get_host())
    context = {"message": message, "can_write": policy.can_write(seat)}
    return render(request, "messaging/_message.html", context)


@login_required
@require_POST
def react(request: HttpRequest, message_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    on = request.POST.get("on") == "1"
    kind = request.POST.get("kind", "")
    try:
        actions.do_react(actor=viewer, seat=seat, message=message, kind=kind, on=on)
    except ValidationError as error:
        return _conversation_page(request, message.conversation_id, errors=messages_by_field(error))
    return _back_to(message)


@login_required
@require_POST
def edit(request: HttpRequest, message_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    try:
        actions.do_edit_message(
            actor=viewer, seat=seat, message=message, body=request.POST.get("body", "")
        )
    except ValidationError as error:
        return _conversation_page(request, message.conversation_id, errors=messages_by_field(error))
    return _back_to(message)


@login_required
@require_POST
def delete(request: HttpRequest, message_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    actions.do_delete_message(actor=viewer, seat=seat, message=message)
    return _back_to(message)


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    """Read receipts, presence, and the people blocked."""
    viewer = viewer_of(request)
    saved = False
    if request.method == "POST":
        actions.do_change_preferences(
            actor=viewer,
            data={
                "read_receipts": request.POST.get("read_receipts") == "on",
                "show_presence": request.POST.get("show_presence") == "on",
            },
        )
        saved = True
    context = {
        "preferences": queries.preferences_of(viewer.pk),
        "blocked": queries.blocked_by(viewer),
        "saved": saved,
    }
    return render(request, "messaging/settings.html", context)


@login_required
@require_POST
def block(request: HttpRequest, username: str) -> HttpResponse:
    """Block (``on=1``) or unblock someone, then back to where the form was."""
    viewer = viewer_of(request)
    other = access_person_card(viewer, username)[0]
    actions.do_block(actor=viewer, other=other, on=request.POST.get("on") == "1")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("messaging:settings")


# The conversation's Details panel: one form field ``action`` names what to do.
MANAGE_ACTIONS = {
    "mute",
    "unmute",
    "archive",
    "unarchive",
    "title",
    "add",
    "remove",
    "admin",
    "unadmin",
    "leave",
}


@login_required
@require_POST
def manage(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Mute, archive, retitle, add and remove people, make admins, leave."""
    viewer = viewer_of(request)
    seat = queries.access_seat(viewer, conversation_id)
    action = request.POST.get("action", "")
    username = request.POST.get("username", "")
    try:
        if action in ("mute", "unmute"):
            actions.do_change_conversation(
                actor=viewer, seat=seat, data={"muted": action == "mute"}
            )
        elif action in ("archive", "unarchive"):
            archived = action == "archive"
            actions.do_change_conversation(actor=viewer, seat=seat, data={"archived": archived})
        elif action == "title":
            title = request.POST.get("title", "")
            actions.do_change_conversation(actor=viewer, seat=seat, data={"title": title})
        elif action == "add":
            names = [n.lstrip("@") for n in request.POST.get("to", "").replace(",", " ").split()]
            actions.do_add_people(actor=viewer, seat=seat, usernames=names)
        elif action in ("admin", "unadmin"):
            actions.do_make_admin(actor=viewer, seat=seat, username=username, on=action == "admin")
        elif action in ("remove", "leave"):
            who = viewer.username if action == "leave" else username
            actions.do_remove_person(actor=viewer, seat=seat, username=who)
        else:
            return HttpResponseBadRequest("Unknown action.")
    except ValidationError as error:
        return _conversation_page(request, conversation_id, errors=messages_by_field(error))
    if action == "archive":
        return redirect("messaging:inbox")
    return redirect("messaging:conversation", conversation_id)
