from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "watercooler.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Notifications react to the feed's domain signals (feed may not import this app).
        from watercooler.core import periodic
        from watercooler.notifications import (  # noqa: F401
            community_receivers,
            emails,
            event_receivers,
            receivers,
        )

        periodic.register("missed_activity_email", emails.SWEEP_EVERY, emails.send_missed_activity)
