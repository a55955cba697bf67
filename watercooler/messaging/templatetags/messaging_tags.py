"""``{% conversation_name seat %}``: a conversation's title, else the names of the others in it.
``|plain``: a message's rendered HTML as plain text, for previews."""

import html

from django import template
from django.utils.html import strip_tags

from watercooler.messaging import queries
from watercooler.messaging.models import Seat

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
