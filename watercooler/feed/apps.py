from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "watercooler.feed"
    label = "feed"
    verbose_name = "Conversations"
