"""The events app: company and community events, RSVPs with a waitlist, calendars."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "watercooler.events"
    label = "events"
    verbose_name = "Events"
