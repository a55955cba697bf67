"""The notifications endpoints of /api/v1: one's own notifications, and marking them read.

Each endpoint parses its input and calls one query or action; every notification read or
changed is the caller's own.
"""

import hmac
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError

from watercooler.communities.queries import access_community
from watercooler.core import mail
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.feed.queries import access_post, access_topic
from watercooler.notifications import actions, digests, inbound, push, queries, schemas
from watercooler.notifications.schemas import (
    InboundEmailIn,
    InboundEmailOut,
    MarkReadIn,
    MuteIn,
    MuteOut,
    NotificationPage,
    NotificationSettingsIn,
    NotificationSettingsOut,
    NotificationsQuery,
    PushKeyOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
    UnreadOut,
)

router = Router()
me_router = Router()
# /email: what mail providers call (reply by email).
inbound_router = Router()
# /push: this device's subscription to web push.
push_router = Router()

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@router.get("", response={200: NotificationPage, **ERRORS}, summary="Your notifications")
def list_notifications(request: HttpRequest, params: Query[NotificationsQuery]) -> Any:
    """Newest (or most recently folded) first, a page at a time."""
    page = queries.notifications_page(viewer_of(request), params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/read", response={200: UnreadOut, **ERRORS}, summary="Mark notifications read")
def mark_notifications_read(request: HttpRequest, payload: MarkReadIn | None = None) -> Any:
    """``{"ids": [...]}`` marks those (ids that are not yours are ignored); no body, ``{}`` or
    ``{"all": true}`` marks all. Returns the new unread count."""
    payload = payload or MarkReadIn()
    if payload.ids is not None and payload.all:
        raise ValidationError({"all": "Send either ids or all, not both."})
    if payload.ids is None and payload.all is False:
        raise ValidationError({"ids": "Send the ids to mark read, or all: true."})
    count = actions.do_mark_read(user=viewer_of(request), ids=payload.ids)
    return {"unread_count": count}


@me_router.get(
    "/notification-settings",
    response={200: NotificationSettingsOut, **ERRORS},
    summary="What notifies you",
)
def notification_settings(request: HttpRequest) -> dict[str, Any]:
    """Each topic you may turn off and the channels it reaches you on; quiet hours, pause and
    the digest."""
    viewer = viewer_of(request)
    return schemas.settings_dict(viewer, queries.notification_settings(viewer))


@me_router.patch(
    "/notification-settings",
    response={200: NotificationSettingsOut, **ERRORS},
    summary="Change what notifies you",
)
def change_notification_settings(
    request: HttpRequest, payload: NotificationSettingsIn
) -> dict[str, Any]:
    """E.g. ``{"in_app": {"reactions": false}, "quiet_hours": {"start": "22:00", "end":
    "07:00"}}``: what is not named keeps its choice."""
    viewer = viewer_of(request)
    chosen = actions.do_change_notification_settings(user=viewer, changes=payload.changes())
    return schemas.settings_dict(viewer, chosen)


@me_router.get("/mutes", response={200: list[MuteOut], **ERRORS}, summary="What you muted")
def list_mutes(request: HttpRequest) -> Any:
    """Communities, #topics and threads that notify you only when you are mentioned."""
    return queries.mutes_of(viewer_of(request))


@me_router.post("/mutes", response={201: MuteOut, **ERRORS, 404: ErrorOut}, summary="Mute")
def mute(request: HttpRequest, payload: MuteIn) -> Any:
    """Name one of ``community`` (a handle), ``topic`` or ``post``."""
    viewer = viewer_of(request)
    named = [key for key in ("community", "topic", "post") if getattr(payload, key) is not None]
    if len(named) != 1:
        raise ValidationError({"community": "Name one community, topic or post to mute."})
    if payload.community is not None:
        actions.do_mute(user=viewer, community=access_community(viewer, payload.community))
    elif payload.topic is not None:
        actions.do_mute(user=viewer, topic=access_topic(viewer, payload.topic))
    else:
        assert payload.post is not None
        actions.do_mute(user=viewer, post=access_post(viewer, payload.post))
    return Status(201, queries.mutes_of(viewer)[0])


@me_router.delete(
    "/mutes/{mute_id}", response={204: None, **ERRORS, 404: ErrorOut}, summary="Unmute"
)
def unmute(request: HttpRequest, mute_id: int) -> Any:
    actions.do_unmute(user=viewer_of(request), mute_id=mute_id)
    return Status(204, None)


@me_router.get(
    "/digest/preview", response={200: None, **ERRORS}, summary="Your digest, as it would be now"
)
def digest_preview(request: HttpRequest) -> HttpResponse:
    """The HTML of the digest that would be emailed to you now (nothing is sent or marked)."""
    viewer = viewer_of(request)
    _, html = digests.render_digest(digests.preview(viewer))
    return mail.preview_response(html)


@inbound_router.post(
    "/inbound",
    auth=None,
    response={201: InboundEmailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A reply by email, from a mail provider's inbound webhook",
)
def inbound_email(request: HttpRequest, payload: InboundEmailIn) -> Any:
    """Send ``Authorization: Bearer <EMAIL_INBOUND_SECRET>``. Posts the reply in the thread its
    address names, as the person it was sent to; 422 says why it was refused. 404 while no
    secret is configured."""
    if not settings.EMAIL_INBOUND_SECRET:
        raise Http404("Replying by email through a webhook is not set up.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), settings.EMAIL_INBOUND_SECRET.encode()):
        raise AuthenticationError
    raw, recipients = _inbound_message(payload)
    try:
        received = inbound.receive(raw, recipients)
    except inbound.Refused as refused:
        raise ValidationError({"recipient": str(refused)}) from refused
    return Status(
        201,
        {"kind": received.kind, "target_id": received.target_id, "duplicate": received.duplicate},
    )


def _inbound_message(payload: InboundEmailIn) -> tuple[bytes, list[str] | None]:
    if payload.raw:
        return payload.raw.encode("utf-8", "surrogateescape"), (
            [payload.recipient] if payload.recipient else None
        )
    if not (payload.recipient and payload.sender and payload.text):
        raise ValidationError({"raw": "Send the raw message, or recipient, sender and text."})
    message = EmailMessage()
    try:
        message["To"] = payload.recipient
        message["From"] = payload.sender
        if payload.message_id:
            message["Message-ID"] = payload.message_id
    except (ValueError, IndexError) as error:
        raise ValidationError({"recipient": "Not an email address."}) from error
    message.set_content(payload.text)
    return message.as_bytes(), [payload.recipient]


@push_router.get("/key", response={200: PushKeyOut, **ERRORS}, summary="The key to subscribe with")
def push_key(request: HttpRequest) -> Any:
    """The VAPID public key a browser passes to ``pushManager.subscribe`` as
    ``applicationServerKey``; empty when push is off on this server."""
    return {"public_key": push.public_key()}


@push_router.get(
    "/subscriptions", response={200: list[PushSubscriptionOut], **ERRORS}, summary="Your devices"
)
def list_push_subscriptions(request: HttpRequest) -> Any:
    return queries.push_subscriptions_of(viewer_of(request))


@push_router.post(
    "/subscriptions",
    response={201: PushSubscriptionOut, **ERRORS},
    summary="Push to this device",
)
def subscribe_push(request: HttpRequest, payload: PushSubscriptionIn) -> Any:
    """Send the browser's ``PushSubscription`` JSON. The endpoint must be https."""
    subscription = push.do_subscribe_push(
        user=viewer_of(request),
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, subscription)


@push_router.delete(
    "/subscriptions/{subscription_id}",
    response={204: None, **ERRORS, 404: ErrorOut},
    summary="Stop pushing to a device",
)
def unsubscribe_push(request: HttpRequest, subscription_id: int) -> Any:
    if not push.do_unsubscribe_push(user=viewer_of(request), subscription_id=subscription_id):
        raise Http404("No such subscription.")
    return Status(204, None)
