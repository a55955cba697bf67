"""The unread count for the navigation's badge, on every page for signed-in people.

The count is lazy: ``unread_notifications`` is a function, which templates call when they use it,
so a page that never shows the badge (an htmx fragment) runs no query, and a page that does runs
one indexed COUNT, at most once per request however many templates use it.
"""

from typing import Any

from django.http import HttpRequest

from watercooler.notifications import queries

_ATTR = "_watercooler_unread_notifications"


def remember_unread_count(request: HttpRequest, count: int) -> None:
    """Use ``count`` for the rest of this request (a view that just changed it knows it)."""
    setattr(request, _ATTR, count)


def _count(request: HttpRequest) -> int:
    cached = getattr(request, _ATTR, None)
    if cached is None:
        cached = queries.unread_count(request.user)  # type: ignore[arg-type]
        remember_unread_count(request, cached)
    return int(cached)


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: _count(request)}
