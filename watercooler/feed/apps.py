from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "watercooler.feed"
    label = "feed"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from watercooler.core.media import register_media
        from watercooler.feed.queries import can_fetch_attachment_file

        # Attachments and their thumbnails go to those who may see the post.
        register_media("attachments/", can_fetch_attachment_file)
