"""Template tags other apps' pages use to show feed things without importing the feed:
``{% follow_button person %}``, ``{% follow_counts person %}``, ``{% profile_posts person %}`` and
``{% profile_activity person %}`` on profiles, and ``{% attachment_url attachment %}`` for
downloads."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from watercooler.feed import queries
from watercooler.feed.home_sections import FilledSection
from watercooler.feed.models import Attachment
from watercooler.feed.views import decorate
from watercooler.people.models import User

register = template.Library()


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
    return reverse("api:download_attachment", args=[attachment.pk])


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
