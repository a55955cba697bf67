"""Sending a domain signal once the current transaction commits: listeners (notifications, search,
insights) never act on a change that was rolled back, and one that fails does not undo the write.
Each app defines its signals in its own ``signals.py``; they are sent only through this."""

from typing import Any

from django.db import transaction
from django.dispatch import Signal


def send_signal_on_commit(signal: Signal, *, sender: type, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs), robust=True)
