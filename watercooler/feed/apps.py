"""The feed app: posts, replies, reactions, polls, topics, follows and the feeds."""

from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "watercooler.feed"
    label = "feed"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from watercooler.communities.tabs import CommunityTab, register_community_tabs
        from watercooler.core.media import register_media
        from watercooler.feed.queries import can_fetch_attachment_file

        # Attachments and their thumbnails go to those who may see the post.
        register_media("attachments/", can_fetch_attachment_file)

        # A community's page: its feed first, its files, and for moderators its health.
        register_community_tabs(
            CommunityTab("feed", "Feed", "community_feed:feed", order=10),
            CommunityTab("files", "Files", "community_feed:files", order=50),
            CommunityTab(
                "health", "Health", "community_feed:health", order=80, moderators_only=True
            ),
        )
