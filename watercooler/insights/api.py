"""Insights in /api/v1/insights: impressions in batches, post reach, the overview, campaigns
and the network. The same actions and queries as the pages; errors in the API's one shape."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.insights import actions, campaigns, policy, queries
from watercooler.insights.models import Campaign, NetworkRun, Target
from watercooler.insights.schemas import (
    AboutMeOut,
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    CursorQuery,
    ImpressionsIn,
    ImpressionsOut,
    NetworkMapOut,
    NetworkOut,
    NetworkPending,
    NetworkQuery,
    OverviewOut,
    OverviewQuery,
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


@router.get("/overview", response={200: OverviewOut, **READ}, summary="Adoption")
def overview(request: HttpRequest, params: Query[OverviewQuery]) -> Any:
    end = params.to or timezone.now().date()
    start = params.from_ or end - dt.timedelta(days=27)
    result = actions.open_overview(
        actor=viewer_of(request), scope=params.scope, start=start, end=end
    )
    return {
        "scope": result.scope,
        "from": result.start,
        "to": result.end,
        "days": result.days,
        "breakdowns": result.breakdowns,
        "median_first_answer_minutes": result.median_answer_minutes,
        "as_of": result.as_of,
        "min_group_size": result.min_group_size,
        "campaigns": [
            {
                "id": progress.campaign.pk,
                "name": progress.campaign.name,
                "objective": progress.campaign.objective,
                "starts_on": progress.campaign.starts_on,
                "ends_on": progress.campaign.ends_on,
                "targets": [
                    {
                        "id": part.target.pk,
                        "measure": part.target.measure,
                        "description": campaigns.describe(part.target),
                        "percent": part.target.percent,
                        "people": part.people,
                        "current": part.current,
                        "met": part.met,
                    }
                    for part in progress.targets
                ],
            }
            for progress in result.campaigns
        ],
    }


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


def target_data(target: Target) -> dict[str, Any]:
    shown = queries.target_shown(target)
    return {
        "id": target.pk,
        "measure": target.measure,
        "percent": target.percent,
        "department": target.department.name if target.department else None,
        "location": target.location.name if target.location else None,
        "region": target.region,
        "within_days": target.within_days,
        "description": campaigns.describe(target),
        "group_size": target.group_size,
        "current": target.current if shown else None,
        "met": shown and queries.target_met(target),
        "progress": [{"day": day, "value": value} for day, value in target.progress]
        if shown
        else [],
    }


def campaign_data(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "objective": campaign.objective,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "owner": campaign.owner.username if campaign.owner else None,
        "posts": [p.pk for p in campaign.posts.all()],
        "topics": [t.name for t in campaign.topics.all()],
        "communities": [c.handle for c in campaign.communities.all()],
        "measured_at": campaign.measured_at,
        "reach": campaign.reach,
        "targets": [target_data(t) for t in campaign.targets.all()],
    }


@router.get("/campaigns", response={200: CampaignPage, **READ}, summary="Campaigns")
def campaign_list(request: HttpRequest, params: Query[CursorQuery]) -> Any:
    page = queries.campaigns_page(viewer_of(request), cursor=params.cursor)
    return {"items": [campaign_data(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/campaigns", response={201: CampaignOut, **READ}, summary="Start a campaign")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[dict[str, Any]]:
    viewer = viewer_of(request)
    data = payload.dict()
    checked = actions.check_campaign_input(actor=viewer, data=data)
    campaign = actions.do_save_campaign(actor=viewer, data=checked, sent=set(data))
    return Status(201, campaign_data(queries.access_campaign(viewer, campaign.pk)))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **READ}, summary="A campaign")
def campaign_detail(request: HttpRequest, campaign_id: int) -> Any:
    return campaign_data(queries.access_campaign(viewer_of(request), campaign_id))


@router.patch(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **READ}, summary="Change a campaign"
)
def campaign_change(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Any:
    viewer = viewer_of(request)
    campaign = queries.access_campaign(viewer, campaign_id)
    data = payload.dict(exclude_unset=True)
    checked = actions.check_campaign_input(actor=viewer, data=data, current=campaign)
    actions.do_save_campaign(actor=viewer, data=checked, campaign=campaign, sent=set(data))
    return campaign_data(queries.access_campaign(viewer, campaign_id))


@router.get("/me", response={200: AboutMeOut, **READ}, summary="What is computed about you")
def about_me(request: HttpRequest) -> Any:
    viewer = viewer_of(request)
    policy.check_own_insights(viewer)
    about = queries.about_me(viewer)
    measures = about.measures
    network = None
    if about.run is not None and measures is not None:
        community = about.community
        network = {
            "computed_at": about.run.finished_at,
            "window_days": about.run.window_days,
            "community": None
            if community is None
            else {
                "id": community.id,
                "size": community.size,
                "members": [],
                "top_departments": [name for name, _ in community.top_departments if name],
            },
            "pagerank": measures.pagerank,
            "pagerank_percentile": about.pagerank_percentile,
            "betweenness": measures.betweenness,
            "betweenness_percentile": about.betweenness_percentile,
            "degree": measures.degree,
            "participation": measures.participation,
            "broker": measures.broker,
            "advocate": measures.advocate,
            "reach_outside": measures.reach_outside,
            "conversations": measures.conversations,
            "why": about.why,
        }
    return {
        "named": about.named,
        "named_in_network": about.choice,
        "named_by_default": about.default,
        "posts": [
            {
                "post_id": item.post.pk,
                "created_at": item.post.created_at,
                "reached": item.reached,
                "read": item.read,
                "reactions": item.post.reaction_count,
                "replies": item.post.reply_count,
            }
            for item in about.posts
        ],
        "network": network,
    }
