"""Announcement pages (views.py): list, compose, read and acknowledge, statistics."""

from django.urls import path

from watercooler.announcements import views

app_name = "announcements"

urlpatterns = [
    path("announcements/", views.announcement_list, name="list"),
    path("announcements/new/", views.new_announcement, name="new"),
    path("announcements/audience/", views.audience_preview, name="audience"),
    path("announcements/<int:announcement_id>/card/", views.pinned_card, name="card"),
    path("announcements/<int:announcement_id>/export.csv", views.export_csv, name="export"),
    path("announcements/<int:announcement_id>/", views.announcement_detail, name="detail"),
    path("announcements/<int:announcement_id>/stats/", views.announcement_stats, name="stats"),
    path("announcements/<int:announcement_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("announcements/<int:announcement_id>/dismiss/", views.dismiss, name="dismiss"),
]
