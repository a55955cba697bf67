"""``{% conversation_name seat %}``: a conversation's title, else the names of the others in it.
``|plain``: a message's rendered HTML as plain text, for previews. ``{% reaction_kinds %}``: the
kinds a message can get, as (kind, emoji, name). ``{% messaging_actions person %}``: a
profile's "Message" and "Block" buttons. ``{% presence_of person %}``: a person's status."""

import html
from typing import Any

from django import template
from django.utils.html import strip_tags

from watercooler.feed.models import ReactionKind
from watercooler.messaging import policy, queries
from watercooler.messaging.models import Seat
from watercooler.people.models import User

register = template.Library()


@register.simple_tag
def conversation_name(seat: Seat) -> str:
    if seat.conversation.title:
        return seat.conversation.title
    others = [
        s.person.display_name for s in queries.present_seats(seat) if s.person_id != seat.person_id
    ]
    return ", ".join(others) if others else "Just you"


@register.filter
def plain(body_html: str) -> str:
    return html.unescape(strip_tags(body_html))


@register.simple_tag
def reaction_kinds() -> list[tuple[str, str, str]]:
    kinds = []
    for kind, label in ReactionKind.choices:
        emoji, _, name = str(label).partition(" ")
        kinds.append((kind, emoji, name))
    return kinds


@register.filter
def emoji(kind: str) -> str:
    label = dict(ReactionKind.choices).get(kind, "")
    return str(label).partition(" ")[0]


@register.simple_tag
def presence_of(person: User) -> str:
    status: str = queries.presence_of([person.pk])[person.pk]
    return status


@register.inclusion_tag("messaging/_profile_actions.html", takes_context=True)
def messaging_actions(context: dict[str, Any], person: User) -> dict[str, Any]:
    """On someone else's profile: message them (when allowed) and block or unblock them."""
    viewer = context["user"]
    if person.pk == viewer.pk or not viewer.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "can_message": policy.may_message(viewer, person),
        "blocked": queries.has_blocked(viewer, person),
        "next": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
