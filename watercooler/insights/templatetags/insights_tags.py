"""``{% reach_link post %}``: on a post's page, a link to its reach for the people who may see
it (the author and communications people); the feed's post page loads this.
``{% insights_tabs current %}``: the insights pages the viewer may open.
``{% target_line target %}``: a campaign target in words with where it stands;
``{% target_progress part %}``: one target's progress for a scope, as a meter. ``|minutes``: a
duration in minutes in words."""

from typing import Any

from django import template
from django.urls import reverse

from watercooler.insights import campaigns, policy, queries
from watercooler.insights.models import Measure, Target

register = template.Library()


@register.inclusion_tag("insights/_reach_link.html", takes_context=True)
def reach_link(context: template.Context, post: Any) -> dict[str, Any]:
    viewer = context["request"].user
    shown = post.deleted_at is None and policy.can_see_reach(viewer, post)
    return {"post": post, "shown": shown}


@register.inclusion_tag("insights/_tabs.html", takes_context=True)
def insights_tabs(context: template.Context, current: str) -> dict[str, Any]:
    viewer = context["request"].user
    tabs = []
    if policy.can_see_organisation(viewer):
        tabs.append((queries.ORGANISATION, "Organisation", reverse("insights:organisation")))
    if queries.team_size(viewer) >= policy.min_group_size():
        tabs.append((queries.TEAM, "Your team", reverse("insights:team")))
    if policy.can_see_organisation(viewer):
        tabs.append(("network", "Network", reverse("insights:network")))
    if policy.can_see_organisation(viewer):
        tabs.append(("campaigns", "Campaigns", reverse("insights:campaigns")))
    tabs.append(("me", "About you", reverse("insights:me")))
    return {"tabs": tabs, "current": current}


@register.filter
def minutes(value: float) -> str:
    """``95`` → "1 h 35 min"; ``3000`` → "2 days 2 h"."""
    total = round(value)
    if total < 60:
        return f"{total} min"
    hours, rest = divmod(total, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days > 1 else ''} {hours} h" if hours else f"{days} days"


@register.inclusion_tag("insights/_target_line.html")
def target_line(target: Target) -> dict[str, Any]:
    return {
        "description": campaigns.describe(target),
        "shown": queries.target_shown(target),
        "met": queries.target_met(target),
        "current": target.current,
        "growth": target.measure == Measure.TOPIC_GROWTH,
    }


@register.inclusion_tag("insights/_target_progress.html")
def target_progress(part: queries.TargetProgress) -> dict[str, Any]:
    growth = part.target.measure == Measure.TOPIC_GROWTH
    return {
        "id": f"target-{part.target.pk}",
        "description": campaigns.describe(part.target),
        "part": part,
        "growth": growth,
        # A growth target can be passed several times over: the meter's scale stretches to it.
        "scale": max(100 if not growth else part.target.percent, round(part.current)),
    }
