"""The unread message count for the menu's Messages badge, on every page for signed-in people.

Lazy, as the notification badge's: ``unread_messages`` is a function the template calls when it
shows the badge, so a fragment that does not runs no query, and a page that does runs one
aggregate over the person's seats."""

from typing import Any

from django.http import HttpRequest

from watercooler.messaging import queries


def unread_messages(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted: list[int] = []

    def count() -> int:
        if not counted:
            counted.append(queries.unread_total(user))
        return counted[0]

    return {"unread_messages": count}
