"""``{% mute_button community=… %}`` / ``{% mute_button topic=… %}``: the "Mute" or "Unmute"
button of a community's or a #topic's page, for pages of apps that come before this one."""

from typing import Any

from django import template

from watercooler.notifications import queries

register = template.Library()


@register.inclusion_tag("notifications/_mute_button.html", takes_context=True)
def mute_button(context: Any, *, community: Any = None, topic: Any = None) -> dict[str, Any]:
    request = context["request"]
    viewer = request.user
    muted = viewer.is_authenticated and queries.is_muted(viewer, community=community, topic=topic)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "show": viewer.is_authenticated,
        "muted": muted,
        "field": "community" if community is not None else "topic",
        "value": community.handle if community is not None else topic.name,
        "name": community.name if community is not None else f"#{topic.label}",
    }
