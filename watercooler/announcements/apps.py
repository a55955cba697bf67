"""The announcements app: targeted must-read posts with receipts, on top of the feed."""

from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "watercooler.announcements"
    label = "announcements"
    verbose_name = "Announcements"

    def ready(self) -> None:
        from watercooler.announcements.queries import ANNOUNCEMENT_AUDIENCES, pinned_area
        from watercooler.feed.audiences import register_post_audiences
        from watercooler.feed.home_sections import HomeSection, register_home_section

        # An announcement's post is seen by its audience, not as an ordinary post.
        register_post_audiences(ANNOUNCEMENT_AUDIENCES)
        # Pinned cards above the home feed, until dismissed or expired.
        register_home_section(
            HomeSection(
                template="announcements/_pinned.html",
                context=lambda viewer: {"announcements": pinned_area(viewer)},
            )
        )
