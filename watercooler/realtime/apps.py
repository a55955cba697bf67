from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "watercooler.realtime"
    label = "realtime"
