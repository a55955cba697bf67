"""The communities app: communities, membership, roles and directory rules."""

from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "watercooler.communities"
    label = "communities"
    verbose_name = "Communities"

    def ready(self) -> None:
        # Directory rules re-apply when people's profiles change (people may not import us).
        from watercooler.communities import receivers  # noqa: F401
        from watercooler.communities.queries import can_fetch_cover_file, shares_community
        from watercooler.communities.tabs import CommunityTab, register_community_tabs
        from watercooler.core.media import register_media
        from watercooler.people.queries import register_guest_contact

        # A guest may see the profile card of someone they share a community with.
        register_guest_contact(shares_community)

        # Covers go to those who may know the community exists.
        register_media("communities/covers/", can_fetch_cover_file)

        # The feed's tab comes first (order 10); other apps slot theirs in between.
        register_community_tabs(
            CommunityTab("about", "About", "communities:about", order=20),
            CommunityTab("members", "Members", "communities:members", order=30),
            CommunityTab(
                "requests", "Requests", "communities:requests", order=60, moderators_only=True
            ),
            CommunityTab(
                "settings", "Settings", "communities:settings", order=70, moderators_only=True
            ),
        )
