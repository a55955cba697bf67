from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "watercooler.feed"
    label = "feed"
    verbose_name = "Conversations"

    def ready(self) -> None:
        # Deleting an accepted reply clears the answer (a receiver of the feed's own signal).
        from watercooler.feed import answers  # noqa: F401
