"""The events app: company and community events, RSVPs with a waitlist, calendars."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "watercooler.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from watercooler.communities.tabs import CommunityTab, register_community_tabs

        register_community_tabs(CommunityTab("events", "Events", "events:community", order=40))
