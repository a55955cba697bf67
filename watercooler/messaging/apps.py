"""Messaging: direct and small-group conversations between colleagues, read only by the people
in them, on the same real-time path as the rest."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "watercooler.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # Messages count in insights' network analysis (who wrote to whom, never what).
        from watercooler.core.media import register_media
        from watercooler.messaging import email_lines, interactions
        from watercooler.messaging.queries import can_fetch_message_file

        interactions.register()
        # A missed-message email quotes the unread messages.
        email_lines.register()
        # Pictures and files sent in messages go only to those who may read the message.
        register_media("messages/", can_fetch_message_file)
