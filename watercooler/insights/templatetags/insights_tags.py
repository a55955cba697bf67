"""``{% reach_link post %}``: on a post's page, a link to its reach for the people who may see
it (the author and communications people); the feed's post page loads this."""

from typing import Any

from django import template

from watercooler.insights import policy

register = template.Library()


@register.inclusion_tag("insights/_reach_link.html", takes_context=True)
def reach_link(context: template.Context, post: Any) -> dict[str, Any]:
    viewer = context["request"].user
    shown = post.deleted_at is None and policy.can_see_reach(viewer, post)
    return {"post": post, "shown": shown}
