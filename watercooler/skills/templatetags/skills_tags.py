"""``{% profile_thanks person %}``: the thanks a person received on the skills exchange, on their
profile (the people app's profile page loads this; guests see none)."""

from typing import Any

from django import template

from watercooler.skills.queries import thanks_received

register = template.Library()


@register.inclusion_tag("skills/_profile_thanks.html", takes_context=True)
def profile_thanks(context: template.Context, person: Any) -> dict[str, Any]:
    thanks, total = thanks_received(context["request"].user, person)
    return {"person": person, "thanks": thanks, "total": total}
