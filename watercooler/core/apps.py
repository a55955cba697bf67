"""The core app: what every other app shares (settings row, paging, text rules, middleware)."""

import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "watercooler.core"
    label = "core"

    def ready(self) -> None:
        # Every app's events.py, so the event registry is complete before the first request
        # (an app's events module imports only core and earlier apps, as its models do).
        from watercooler.core.events import discover_event_modules

        discover_event_modules()

        # The email outbox's safety net: retries fall due, and a lost task is made up for.
        from watercooler.core import idempotency, mail, periodic

        periodic.register("email_outbox", periodic.TICK, mail.send_due)
        periodic.register("idempotency_keys", dt.timedelta(hours=1), idempotency.forget_old)
