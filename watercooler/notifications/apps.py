from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "watercooler.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Notifications react to the feed's domain signals (feed may not import this app).
        from watercooler.core import periodic
        from watercooler.notifications import (  # noqa: F401
            community_receivers,
            digests,
            emails,
            event_receivers,
            receivers,
        )

        # What the task worker does on its own schedule (core/periodic.py).
        periodic.register("missed_activity_email", emails.SWEEP_EVERY, emails.send_missed_activity)
        periodic.register("digests", digests.SWEEP_EVERY, digests.send_due_digests)
