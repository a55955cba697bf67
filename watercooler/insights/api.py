"""Insights in /api/v1/insights: impressions in batches, post reach, the overview, campaigns
and the network. The same actions and queries as the pages; errors in the API's one shape."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.insights import actions, queries
from watercooler.insights.models import NetworkRun
from watercooler.insights.schemas import (
    ImpressionsIn,
    ImpressionsOut,
    NetworkMapOut,
    NetworkOut,
    NetworkPending,
    NetworkQuery,
    ReachOut,
)

router = Router()

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@router.post("/impressions", response={200: ImpressionsOut, **READ}, summary="Record impressions")
def record_impressions(request: HttpRequest, data: ImpressionsIn) -> Any:
    recorded = actions.record_views(
        actor=viewer_of(request),
        impressions=[
            actions.Impression(post_id=i.post_id, kind=i.kind, at=_utc(i.at)) for i in data.items
        ],
    )
    return {"accepted": recorded.accepted, "ignored": recorded.ignored}


@router.get("/posts/{post_id}", response={200: ReachOut, **READ}, summary="A post's reach")
def post_reach(request: HttpRequest, post_id: int) -> Any:
    """The author and communications people; 404 for anyone who may not see the post."""
    reach = queries.post_reach(viewer_of(request), post_id)
    total = reach.total
    return {
        "post_id": reach.post.pk,
        "published_at": reach.published_at,
        "is_announcement": reach.is_announcement,
        "must_read": reach.must_read,
        "audience": total.audience,
        "reached": total.reached,
        "read": total.read,
        "acknowledged": total.acknowledged,
        "reacted": total.reacted,
        "replied": total.replied,
        "breakdowns": reach.breakdowns,
        "over_time": [
            {"hours": hours, "reached": reached, "read": read}
            for hours, reached, read in reach.over_time
        ],
        "min_group_size": reach.min_group_size,
    }


def _pending(window_days: int) -> Status[dict[str, Any]]:
    return Status(202, {"status": "computing", "window_days": window_days})


@router.get(
    "/network",
    response={200: NetworkOut, 202: NetworkPending, **READ},
    summary="The interaction network",
)
def network(request: HttpRequest, params: Query[NetworkQuery]) -> Any:
    run = actions.request_network(actor=viewer_of(request), window_days=params.window_days)
    if run is None:
        return _pending(params.window_days)
    report = queries.network_report(run)
    return {
        "computed_at": run.finished_at,
        "window_days": run.window_days,
        "people_count": run.people,
        "ties": run.ties,
        "modularity": run.modularity,
        "agreement": run.agreement,
        "communities": [
            {
                "id": c.id,
                "size": c.size,
                "members": c.members,
                "top_departments": [name for name, _ in c.top_departments if name],
            }
            for c in report.communities
        ],
        "people": report.people,
        "silos": [
            {
                "department": s["group"],
                "size": s["size"],
                "internal_share": s["internal_share"],
                "ei_index": s["ei_index"],
            }
            for s in report.silos.get("department", [])
        ],
    }


@router.get(
    "/network/map",
    response={200: NetworkMapOut, 202: NetworkPending, **READ},
    summary="The network map",
)
def network_map(request: HttpRequest, params: Query[NetworkQuery]) -> Any:
    run: NetworkRun | None = actions.request_network(
        actor=viewer_of(request), window_days=params.window_days
    )
    if run is None:
        return _pending(params.window_days)
    drawn = queries.network_map(run)
    return {
        "computed_at": run.finished_at,
        "window_days": run.window_days,
        "nodes": drawn.nodes,
        "ties": drawn.ties,
    }
