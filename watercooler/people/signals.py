"""Domain signals the people app sends after a change commits, for apps above it (communities'
directory rules, later search) that the people app must not import. Keyword arguments only."""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from watercooler.people.models import User

# user_ids=list[int]: people whose department, location or role changed, who were created or
# reactivated; sent once per transaction (an HR import sends one signal for every row it touched).
profiles_changed = Signal()


def send_profiles_changed_on_commit(user_ids: Iterable[int]) -> None:
    """Queue ``profiles_changed`` for when the current transaction commits (nothing if it rolls
    back, so listeners never act on a change that did not happen)."""
    ids = sorted({int(pk) for pk in user_ids if pk is not None})
    if not ids:
        return

    def send() -> None:
        profiles_changed.send(sender=User, user_ids=ids)

    transaction.on_commit(send, robust=True)
