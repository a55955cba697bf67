"""The notifications endpoints of /api/v1: one's own notifications, and marking them read.

Each endpoint parses its input and calls one query or action; every notification read or
changed is the caller's own.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from watercooler.communities.queries import access_community
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.feed.queries import access_post, access_topic
from watercooler.notifications import actions, queries, schemas
from watercooler.notifications.schemas import (
    MarkReadIn,
    MuteIn,
    MuteOut,
    NotificationPage,
    NotificationSettingsIn,
    NotificationSettingsOut,
    NotificationsQuery,
    UnreadOut,
)

router = Router()
me_router = Router()

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
