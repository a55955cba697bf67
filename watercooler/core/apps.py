"""The core app: what every other app shares (settings row, paging, text rules, middleware)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "watercooler.core"
    label = "core"
