"""Pages of events: lists, an event, RSVP, the .ics file and the personal calendar feed."""

app_name = "events"

urlpatterns: list = []
