"""Small filters for community pages (a stable banner colour, initials, a plain excerpt, whether
the viewer may remove a member) and ``{% profile_communities person %}`` for profiles (people
may not import communities)."""

import zlib
from typing import Any

from django import template

from watercooler.communities.models import Membership
from watercooler.communities.queries import CommunityHeader, person_communities
from watercooler.core.markdown import plain_text, render_markdown

register = template.Library()


@register.filter
def community_hue(community: object) -> int:
    """One of the 12 avatar colours (hue-0…hue-11), stable for a community's handle."""
    handle = str(getattr(community, "handle", "") or "")
    return zlib.crc32(handle.encode()) % 12


@register.filter
def community_initials(community: object) -> str:
    """Up to two initials of the community's name, for a tile without a cover image."""
    words = [w for w in str(getattr(community, "name", "") or "").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or str(getattr(community, "handle", "?"))[:1].upper()


@register.filter
def markdown_excerpt(text: str, length: int = 160) -> str:
    """The first ``length`` characters of Markdown ``text`` as plain text (no markup signs)."""
    if not text:
        return ""
    html, _mentions, _topics = render_markdown(
        str(text)[: length * 4], mention_url=lambda _u: None, topic_url=lambda _n: "#"
    )
    plain = plain_text(html)
    if len(plain) <= length:
        return plain
    return plain[: length - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


@register.filter
def can_remove(header: CommunityHeader, member: Membership) -> bool:
    """``{% if header|can_remove:m %}``: whether the page's viewer may remove ``member``
    (``policy.can_remove_member``)."""
    return header.can_remove(member)


@register.inclusion_tag("communities/_profile_communities.html", takes_context=True)
def profile_communities(context: template.Context, person: Any) -> dict[str, Any]:
    """``person``'s communities that the viewer may know exist (one query)."""
    return {
        "person": person,
        "communities": person_communities(context["user"], person),
        "user": context["user"],
    }
