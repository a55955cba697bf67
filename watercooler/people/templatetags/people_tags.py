"""``{% avatar person size="sm" decorative=True %}``: a person's photo, or their initials on a
stable colour. Written once in Python for both template engines: it is on nearly every page, and
an ``{% include %}`` per face cost more than the face."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# size: sm (32 px), md (48 px), lg (96 px), xl (160 px).
AVATAR_PIXELS = {"sm": 32, "md": 48, "lg": 96, "xl": 160}


@register.simple_tag
def avatar(person: Any, size: str = "md", decorative: bool = False) -> SafeString:
    """``decorative=True`` where the name is written right beside it, so screen readers do not
    hear it twice. The large sizes show the full photo, the small ones its thumbnail."""
    size = size or "md"
    pixels = AVATAR_PIXELS.get(size, AVATAR_PIXELS["md"])
    if person.photo_thumb:
        photo = person.photo if person.photo and size in ("lg", "xl") else person.photo_thumb
        return format_html(
            '<img class="avatar avatar-{}" src="{}" alt="{}" loading="lazy" decoding="async"'
            ' width="{}" height="{}">',
            size,
            photo.url,
            "" if decorative else f"Photo of {person.display_name}",
            pixels,
            pixels,
        )
    if decorative:
        return format_html(
            '<span class="avatar avatar-{} avatar-initials hue-{}" aria-hidden="true">{}</span>',
            size,
            person.avatar_hue,
            person.initials,
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-initials hue-{}" role="img" aria-label="{}">{}</span>',
        size,
        person.avatar_hue,
        person.display_name,
        person.initials,
    )
