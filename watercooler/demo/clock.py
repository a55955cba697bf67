"""The demo's clock: the present as the product's code reads it while the demo is built.

The demo happens in the past (six months of company life before ``ctx.now``), but the actions
read the present from ``timezone.now()``, directly or through the model fields that default to
it (``created_at = DateTimeField(default=timezone.now)``: the field holds the function itself,
so patching ``timezone.now`` alone misses it). While the demo runs, both read this clock: the
demo's present, ``ctx.now``, and inside ``at(moment)`` that moment, so what an action writes
(rows, notifications, counters, queued tasks) carries the moment the story says.

Live events are neither sent nor built while the demo runs: nobody is connected. Building
them is most of what an action costs here (a notification's event carries the notification as
the page shows it, with its links and the recipient's unread count), so skipping that keeps the
parts told through the actions quick.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from watercooler.core import events
from watercooler.notifications import actions as notifications


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.moment = now

    def read(self) -> dt.datetime:
        return self.moment

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Make ``timezone.now()`` and the fields that default to it read this clock."""
        real_now = timezone.now
        fields = [
            field
            for model in apps.get_models(include_auto_created=True)
            for field in model._meta.concrete_fields
            if field.default is real_now
        ]
        with contextlib.ExitStack() as stack:
            stack.enter_context(_patched(timezone, "now", self.read))
            for field in fields:
                # ``Field.get_default`` calls ``_get_default``, which caches the default callable.
                stack.enter_context(_patched(field, "_get_default", self.read))
            stack.enter_context(_patched(events, "send_now", _send_nothing))
            # Where each new notification's ``notification.created`` event is built and queued.
            stack.enter_context(_patched(notifications, "_announce", _send_nothing))
            yield

    @contextlib.contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        """Run actions as if at ``moment`` (never after the demo's present), then what they left
        for the commit (notifications, counters, tasks), inside the demo's one transaction."""
        connection = transaction.get_connection()
        start = len(connection.run_on_commit)
        self.moment = min(moment, self.now)
        try:
            yield
            while len(connection.run_on_commit) > start:
                pending = connection.run_on_commit[start:]
                del connection.run_on_commit[start:]
                for _, callback, _ in pending:
                    callback()
        finally:
            self.moment = self.now


def _send_nothing(*args: object, **kwargs: object) -> None:
    pass


@contextlib.contextmanager
def _patched(target: object, name: str, value: object) -> Iterator[None]:
    """``target.name = value`` for the duration; an attribute only cached on the instance (a
    ``cached_property``) is removed again afterwards, so it is computed afresh."""
    if not hasattr(target, name):
        raise AttributeError(f"{target!r} has no {name} to stand in for")
    own = vars(target)
    had, old = name in own, own.get(name)
    setattr(target, name, value)
    try:
        yield
    finally:
        if had:
            setattr(target, name, old)
        else:
            delattr(target, name)
