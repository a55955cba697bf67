from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "watercooler.core"
    label = "core"
