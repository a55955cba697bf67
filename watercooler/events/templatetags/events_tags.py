"""Template tags other pages use to show events without importing the events app's views:
``{% upcoming_events %}`` on the home page and ``{% upcoming_events community=header.community %}``
on a community's page (a small card of the next few events the viewer may see)."""

from typing import Any

from django import template

from watercooler.events import policy, queries
from watercooler.people.models import User

register = template.Library()

CARD_LIMIT = 3


@register.inclusion_tag("events/_upcoming.html", takes_context=True)
def upcoming_events(
    context: template.Context, community: Any = None, limit: int = CARD_LIMIT
) -> dict[str, Any]:
    """The next ``limit`` (at most 5) events, one query; nothing is shown to people signed out."""
    viewer = context.get("user")
    if not (isinstance(viewer, User) and viewer.is_authenticated and viewer.is_active):
        return {"events": [], "community": community, "signed_in": False}
    return {
        "events": queries.upcoming_events(viewer, community=community, limit=min(int(limit), 5)),
        "community": community,
        "signed_in": True,
        "can_plan": policy.can_plan_company_event(viewer),
        "zone": queries.viewer_zone(viewer),
    }
