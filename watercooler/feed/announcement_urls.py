"""Announcement pages (announcement_views.py): compose, read and acknowledge, statistics."""

from django.urls import path

from watercooler.feed import announcement_views as views

app_name = "announcements"

urlpatterns = [
    path("announcements/new/", views.new_announcement, name="new"),
    path("announcements/<int:announcement_id>/", views.announcement_detail, name="detail"),
    path("announcements/<int:announcement_id>/stats/", views.announcement_stats, name="stats"),
    path("announcements/<int:announcement_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("announcements/<int:announcement_id>/dismiss/", views.dismiss, name="dismiss"),
]
