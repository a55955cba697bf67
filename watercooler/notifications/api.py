"""The notifications endpoints of /api/v1: one's own notifications, and marking them read.

Each endpoint parses its input and calls one query or action; every notification read or
changed is the caller's own.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.notifications import actions, queries
from watercooler.notifications.policy import TOPICS
from watercooler.notifications.schemas import (
    MarkReadIn,
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


def _settings(choices: dict[str, bool]) -> dict[str, Any]:
    return {
        "topics": [
            {"key": topic.key, "label": topic.label, "in_app": choices[topic.key]}
            for topic in TOPICS
        ]
    }


@me_router.get(
    "/notification-settings",
    response={200: NotificationSettingsOut, **ERRORS},
    summary="What notifies you",
)
def notification_settings(request: HttpRequest) -> dict[str, Any]:
    """Each topic you may turn off, and whether it shows in the app."""
    return _settings(queries.in_app_settings(viewer_of(request)))


@me_router.patch(
    "/notification-settings",
    response={200: NotificationSettingsOut, **ERRORS},
    summary="Change what notifies you",
)
def change_notification_settings(
    request: HttpRequest, payload: NotificationSettingsIn
) -> dict[str, Any]:
    """``{"in_app": {"reactions": false}}``: topics not named keep their choice."""
    choices = actions.do_change_notification_settings(
        user=viewer_of(request), in_app=payload.in_app
    )
    return _settings(choices)
