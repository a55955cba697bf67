"""Permission predicates every app shares. Each app's own ``policy.py`` builds on these: plain
yes/no answers for queries and templates (which buttons to show), and ``check_*`` functions that
raise for actions."""

from typing import Any

from django.core.exceptions import PermissionDenied

SIGN_IN_FIRST = "Sign in first."


def is_active_person(user: Any) -> bool:
    """Whether ``user`` is someone signed in whose account is active (not None, anonymous or
    deactivated)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def check_active(actor: Any) -> None:
    """Every action starts here: nobody acts for an anonymous or deactivated account."""
    if not is_active_person(actor):
        raise PermissionDenied(SIGN_IN_FIRST)
