"""Messaging: direct and small-group conversations between colleagues, read only by the people
in them, on the same real-time path as the rest."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "watercooler.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # Messages count in insights' network analysis (who wrote to whom, never what).
        from watercooler.messaging import interactions

        interactions.register()
