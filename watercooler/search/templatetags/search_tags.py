"""``{% ask_experts post %}``: on the asker's own question, still unanswered after a while, the
people who may know, each with a button that asks them (the feed's post page loads this)."""

from typing import Any

from django import template

from watercooler.search import experts
from watercooler.search.models import ExpertAsk

register = template.Library()


@register.inclusion_tag("search/_ask_experts.html", takes_context=True)
def ask_experts(context: template.Context, post: Any) -> dict[str, Any]:
    viewer = context["request"].user
    if not experts.should_suggest_experts(viewer, post):
        return {"experts": []}
    found = experts.experts_for_question(viewer, post)
    asked = set(
        ExpertAsk.objects.filter(question=post, expert__in=[e.person for e in found]).values_list(
            "expert_id", flat=True
        )
    )
    return {
        "experts": found,
        "asked": asked,
        "post": post,
        "csrf_token": context.get("csrf_token"),
    }
