"""Template tags other apps' pages use to show feed things without importing the feed:
``{% follow_button person %}``, ``{% follow_counts person %}``, ``{% profile_posts person %}`` and
``{% profile_activity person %}`` on profiles, ``{% attachment_url attachment %}`` for
downloads and ``{% feed_icon name %}``, the feed's small line icons (the card's Jinja2 templates
use the same function)."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from watercooler.core.links import path_to
from watercooler.feed import queries
from watercooler.feed.home_sections import FilledSection
from watercooler.feed.models import Attachment
from watercooler.feed.views import decorate
from watercooler.people.models import User

register = template.Library()

_ICON_PATHS = {
    "lock": '<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    "more": '<circle cx="5" cy="12" r="1.3"/><circle cx="12" cy="12" r="1.3"/>'
    '<circle cx="19" cy="12" r="1.3"/>',
    "reply": '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.2-4.6A8 8 0 1 1 21 12z"/>',
    "share": '<path d="M4 12v7a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-7"/><path d="M12 3v12"/>'
    '<path d="m7 8 5-5 5 5"/>',
    "file": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/>'
    '<path d="M14 3v5h5"/>',
    "topic": '<path d="M5 9h14M5 15h14M10 4 8 20M16 4l-2 16"/>',
}
# Hidden from screen readers: each icon stands beside a word that says the same.
_ICONS = {
    name: mark_safe(  # noqa: S308 - constant markup above
        '<svg class="icon-svg" width="20" height="20" viewBox="0 0 24 24" fill="none"'
        ' stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'
        f' aria-hidden="true" focusable="false">{paths}</svg>'
    )
    for name, paths in _ICON_PATHS.items()
}


@register.simple_tag
def feed_icon(name: str) -> SafeString:
    """One of the feed's line icons: lock, more, reply, share, file, topic."""
    return _ICONS[name]


@register.inclusion_tag("feed/_follow_button.html", takes_context=True)
def follow_button(context: template.Context, person: Any) -> dict[str, Any]:
    """Follow / Following for ``person`` (one query); nothing for oneself or a guest viewer."""
    viewer = context.get("user")
    show = bool(
        isinstance(viewer, User)
        and viewer.is_authenticated
        and not viewer.is_guest
        and viewer.pk != person.pk
        and not person.is_guest
    )
    return {
        "person": person,
        "show": show,
        "is_following": isinstance(viewer, User)
        and show
        and bool(queries.is_following(viewer, [person.pk])),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("feed/_follow_counts.html")
def follow_counts(person: Any) -> dict[str, Any]:
    """Links to ``person``'s followers and following lists with their counts (two queries)."""
    return {"person": person, "counts": queries.follow_counts(person)}


@register.simple_tag
def attachment_url(attachment: Attachment) -> str:
    """Where a file is downloaded: the API sends it as an attachment after an access check."""
    return path_to("api:download_attachment", attachment.pk)


def _page_context(context: template.Context, **extra: Any) -> dict[str, Any]:
    """The page's context (user, request, csrf_token for the cards' forms) plus ``extra``."""
    return {**{str(key): value for key, value in context.flatten().items()}, **extra}


@register.simple_tag(takes_context=True)
def profile_posts(context: template.Context, person: User) -> SafeString:
    """The first page of ``person``'s posts that the viewer may see (the feed's visibility
    rule), as cards, with "More posts" to the rest (feed:author_posts)."""
    viewer = context["user"]
    page = queries.author_posts_page(viewer, person, limit=queries.PROFILE_PAGE_SIZE)
    decorate(viewer, page.items, page.context)
    return render_to_string(
        "feed/_profile_posts.html", _page_context(context, person=person, page=page)
    )


@register.simple_tag(takes_context=True)
def profile_activity(context: template.Context, person: User) -> SafeString:
    """``person``'s latest replies and answers on posts the viewer may see."""
    page = queries.author_replies_page(context["user"], person, limit=queries.PROFILE_PAGE_SIZE)
    return render_to_string(
        "feed/_profile_activity.html", _page_context(context, person=person, page=page)
    )


@register.simple_tag(takes_context=True)
def home_section(context: template.Context, section: FilledSection) -> SafeString:
    """One section another app added above the home feed (``feed.home_sections``)."""
    return render_to_string(section.template, section.context, request=context.get("request"))
