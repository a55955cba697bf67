"""Pages of events: lists, an event, RSVP, the .ics file and the personal calendar feed."""

from django.urls import path

from watercooler.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.new_event, name="new"),
    path("events/calendar/", views.calendar, name="calendar"),
    path("events/calendar/reset/", views.reset_calendar, name="calendar_reset"),
    path("events/calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("events/<int:event_id>/", views.event_detail, name="detail"),
    path("events/<int:event_id>.ics", views.event_ics, name="ics"),
    path("events/<int:event_id>/edit/", views.edit_event, name="edit"),
    path("events/<int:event_id>/cancel/", views.cancel_event, name="cancel"),
    path("events/<int:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path("events/<int:event_id>/attendees/", views.attendees, name="attendees"),
    path("c/<slug:handle>/events/", views.community_events, name="community"),
]
