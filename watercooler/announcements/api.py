"""The announcement endpoints of /api/v1 (``/announcements``): create, preview the audience,
list pinned, list all (the communications dashboard), read, mark seen, acknowledge, dismiss and
the author's statistics.

Each endpoint parses input and calls one action or query (``actions``, ``queries``). A state
conflict (acknowledging twice, dismissing an unacknowledged must-read) is 409 in the usual error
shape.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from watercooler.announcements import actions, queries
from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.core.inputs import Moment
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut

router = Router()

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class AnnouncementIn(Schema):
    title: str = Field(max_length=actions.MAX_TITLE_LENGTH * 2)
    body: str = Field(max_length=actions.MAX_BODY_LENGTH * 2)
    departments: list[str] = Field(default_factory=list, max_length=500)
    locations: list[str] = Field(default_factory=list, max_length=500)
    roles: list[str] = Field(default_factory=list, max_length=10)
    must_read: bool = False
    publish_at: Moment | None = None
    expires_at: Moment | None = None
    remind_after_hours: float | None = Field(default=None, ge=0, le=24 * 365)
    community: str | None = Field(
        default=None,
        max_length=80,
        description="A community's handle: announce to its active members (its owners only; "
        "departments, locations and roles must then be empty).",
    )

    model_config = {"extra": "forbid"}


class ReceiptOut(Schema):
    seen_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    dismissed_at: dt.datetime | None


class AnnouncementOut(Schema):
    id: int
    title: str
    post_id: int
    author: str
    body: str
    body_html: str
    departments: list[str]
    locations: list[str]
    roles: list[str]
    must_read: bool
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    published: bool
    published_at: dt.datetime | None
    remind_after_hours: float | None
    audience_size: int
    seen_count: int
    acknowledged_count: int
    my_receipt: ReceiptOut | None
    community: str | None = Field(description="The community's handle, for a community's.")


class AnnouncementList(Schema):
    items: list[AnnouncementOut]


class AudienceMemberOut(Schema):
    username: str
    display_name: str
    department: str | None
    location: str | None
    seen_at: dt.datetime | None


class NotAcknowledgedPage(Schema):
    items: list[AudienceMemberOut]
    next_cursor: str | None


class DepartmentOut(Schema):
    department: str | None
    audience: int
    seen: int
    acknowledged: int


class StatsOut(Schema):
    announcement_id: int
    must_read: bool
    audience_size: int
    seen_count: int
    acknowledged_count: int
    not_acknowledged: NotAcknowledgedPage
    by_department: list[DepartmentOut]


class StatsQuery(Schema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=queries.STATS_PAGE_SIZE, ge=1, le=100)


class AudienceQuery(Schema):
    departments: list[str] = Field(default_factory=list, max_length=500)
    locations: list[str] = Field(default_factory=list, max_length=500)
    roles: list[str] = Field(default_factory=list, max_length=10)
    community: str | None = Field(default=None, max_length=80)


class AudienceOut(Schema):
    size: int = Field(description="How many people it would reach now (never the author).")
    sample: list[str] = Field(description="The first few of them by name.")
    more: int


class ManagedOut(Schema):
    id: int
    title: str
    author: str
    status: str = Field(description="scheduled, live or expired")
    audience: str = Field(description='The targeting in words: "Sales, Berlin · guests".')
    must_read: bool
    publish_at: dt.datetime
    published_at: dt.datetime | None
    expires_at: dt.datetime | None
    audience_size: int
    seen_count: int
    acknowledged_count: int
    seen_percent: int
    acknowledged_percent: int
    community: str | None


class ManagedPage(Schema):
    items: list[ManagedOut]
    next_cursor: str | None


class ManagedQuery(Schema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=queries.LIST_PAGE_SIZE, ge=1, le=100)


def serialize(announcement: Announcement) -> dict[str, Any]:
    """The announcement as every endpoint returns it. ``my_receipt`` is the one attached by
    the query that loaded it (None for people outside the audience, such as a scheduling
    author before publication). Departments and locations cost one query each."""
    receipt: AnnouncementReceipt | None = getattr(announcement, "my_receipt", None)
    remind = announcement.remind_after
    return {
        "id": announcement.pk,
        "title": announcement.title,
        "post_id": announcement.post_id,
        "author": announcement.post.author.username,
        "body": announcement.post.body,
        "body_html": announcement.post.body_html,
        "departments": [d.name for d in announcement.departments.all()],
        "locations": [loc.name for loc in announcement.locations.all()],
        "roles": list(announcement.roles or []),
        "must_read": announcement.must_read,
        "publish_at": announcement.publish_at,
        "expires_at": announcement.expires_at,
        "published": announcement.published_at is not None,
        "published_at": announcement.published_at,
        "remind_after_hours": remind.total_seconds() / 3600 if remind else None,
        "audience_size": announcement.audience_size,
        "seen_count": announcement.seen_count,
        "acknowledged_count": announcement.acknowledged_count,
        "community": announcement.community.handle if announcement.community else None,
        "my_receipt": (
            {
                "seen_at": receipt.seen_at,
                "acknowledged_at": receipt.acknowledged_at,
                "dismissed_at": receipt.dismissed_at,
            }
            if receipt
            else None
        ),
    }


@router.post(
    "", response={201: AnnouncementOut, **ERRORS}, summary="Publish or schedule an announcement"
)
def create_announcement(request: HttpRequest, payload: AnnouncementIn) -> Status[dict[str, Any]]:
    """Communications people and administrators only. Empty ``departments``, ``locations`` and
    ``roles`` mean everyone (guests only when ``roles`` lists "guest"); otherwise a person must
    match every non-empty list. Without ``publish_at`` it is published at once. With
    ``community`` (a handle) it goes to that community's active members: its owners only."""
    viewer = viewer_of(request)
    hours = payload.remind_after_hours
    community = None
    if payload.community is not None:
        community = queries.announcement_community(viewer, payload.community)
    try:
        announcement = actions.do_create_announcement(
            community=community,
            actor=viewer,
            title=payload.title,
            body=payload.body,
            departments=payload.departments,
            locations=payload.locations,
            roles=payload.roles,
            must_read=payload.must_read,
            publish_at=payload.publish_at,
            expires_at=payload.expires_at,
            remind_after=dt.timedelta(hours=hours) if hours is not None else None,
        )
    except ValidationError as exc:
        # The API names the field as sent: remind_after_hours, not the action's remind_after.
        if hasattr(exc, "error_dict") and "remind_after" in exc.error_dict:
            exc.error_dict["remind_after_hours"] = exc.error_dict.pop("remind_after")
        raise
    return Status(201, serialize(queries.access_announcement(viewer, announcement.pk)))


@router.get(
    "/audience",
    response={200: AudienceOut, **ERRORS},
    summary="Who an announcement would reach",
)
def preview_audience(request: HttpRequest, params: Query[AudienceQuery]) -> dict[str, Any]:
    """The same targeting as ``POST /announcements``, counted now by the same rule. 403 for
    people who may not announce; 422 naming an unknown department, location or role."""
    viewer = viewer_of(request)
    community = None
    if params.community:
        community = queries.announcement_community(viewer, params.community)
    preview = queries.audience_preview(
        actor=viewer,
        departments=params.departments,
        locations=params.locations,
        roles=params.roles,
        community=community,
    )
    return {"size": preview.size, "sample": preview.sample, "more": preview.more}


@router.get(
    "/all",
    response={200: ManagedPage, **ERRORS},
    summary="Every announcement, for communications",
)
def list_managed_announcements(request: HttpRequest, params: Query[ManagedQuery]) -> dict[str, Any]:
    """Communications people and administrators: every company announcement; anyone else:
    the ones they wrote. Newest publish time first, a page at a time."""
    page = queries.dashboard_page(viewer_of(request), cursor=params.cursor, limit=params.limit)
    return {
        "items": [
            {
                "id": a.pk,
                "title": a.title,
                "author": a.post.author.username,
                "status": a.status,  # type: ignore[attr-defined]
                "audience": a.audience_text,  # type: ignore[attr-defined]
                "must_read": a.must_read,
                "publish_at": a.publish_at,
                "published_at": a.published_at,
                "expires_at": a.expires_at,
                "audience_size": a.audience_size,
                "seen_count": a.seen_count,
                "acknowledged_count": a.acknowledged_count,
                "seen_percent": a.seen_percent,  # type: ignore[attr-defined]
                "acknowledged_percent": a.acknowledged_percent,  # type: ignore[attr-defined]
                "community": a.community.handle if a.community else None,
            }
            for a in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.get("", response={200: AnnouncementList, **ERRORS}, summary="Announcements pinned for you")
def list_pinned_announcements(request: HttpRequest) -> dict[str, Any]:
    """Published, unexpired, not dismissed and (must-read ones) not acknowledged; must-read
    ones first."""
    pinned = queries.pinned_announcements(viewer_of(request))
    return {"items": [serialize(a) for a in pinned]}


@router.get(
    "/{announcement_id}", response={200: AnnouncementOut, **ERRORS}, summary="One announcement"
)
def get_announcement(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    """404 unless you are in its audience, its author, or in communications."""
    return serialize(queries.access_announcement(viewer_of(request), announcement_id))


def _receipt_action(request: HttpRequest, announcement_id: int, action: Any) -> dict[str, Any]:
    viewer = viewer_of(request)
    announcement = queries.access_announcement(viewer, announcement_id)
    action(user=viewer, announcement=announcement)
    return serialize(queries.access_announcement(viewer, announcement_id))


@router.post(
    "/{announcement_id}/seen",
    response={200: AnnouncementOut, **ERRORS},
    summary="Record that you have seen an announcement",
)
def mark_announcement_seen(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    """Only the first call counts; 404 outside the audience."""
    return _receipt_action(request, announcement_id, actions.do_mark_seen)


@router.post(
    "/{announcement_id}/acknowledge",
    response={200: AnnouncementOut, 409: ErrorOut, **ERRORS},
    summary='"I have read this"',
)
def acknowledge_announcement(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    """Must-read announcements only; 409 for others and when already acknowledged, 404
    outside the audience."""
    return _receipt_action(request, announcement_id, actions.do_acknowledge)


@router.post(
    "/{announcement_id}/dismiss",
    response={200: AnnouncementOut, 409: ErrorOut, **ERRORS},
    summary="Unpin an announcement from your feed",
)
def dismiss_announcement(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    """409 for a must-read announcement you have not acknowledged yet."""
    return _receipt_action(request, announcement_id, actions.do_dismiss)


@router.get(
    "/{announcement_id}/stats",
    response={200: StatsOut, **ERRORS},
    summary="Who has seen and acknowledged an announcement",
)
def announcement_stats(
    request: HttpRequest, announcement_id: int, params: Query[StatsQuery]
) -> dict[str, Any]:
    """The author, communications people and administrators only (403 for the rest of the
    audience, 404 for others). ``not_acknowledged`` lists, in name order and a page at a time,
    who has not acknowledged a must-read announcement (or not seen any other)."""
    stats = queries.announcement_stats(
        viewer_of(request), announcement_id, cursor=params.cursor, limit=params.limit
    )
    return {
        "announcement_id": stats.announcement.pk,
        "must_read": stats.announcement.must_read,
        "audience_size": stats.audience_size,
        "seen_count": stats.seen_count,
        "acknowledged_count": stats.acknowledged_count,
        "not_acknowledged": {
            "items": [
                {
                    "username": r.user.username,
                    "display_name": r.user.display_name,
                    "department": r.user.department.name if r.user.department else None,
                    "location": r.user.location.name if r.user.location else None,
                    "seen_at": r.seen_at,
                }
                for r in stats.not_acknowledged.items
            ],
            "next_cursor": stats.not_acknowledged.next_cursor,
        },
        "by_department": [vars(d) for d in stats.by_department],
    }
