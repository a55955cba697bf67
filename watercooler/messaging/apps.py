"""Messaging: direct and small-group conversations between colleagues, read only by the people
in them, on the same real-time path as the rest."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "watercooler.messaging"
    label = "messaging"
    verbose_name = "Messaging"
