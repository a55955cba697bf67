"""A community's feed, files and health tabs (the feed app's part of a community's page)."""

from django.urls import path

from watercooler.feed import community_views

app_name = "community_feed"

urlpatterns = [
    path("c/<slug:handle>/", community_views.feed, name="feed"),
    path("c/<slug:handle>/files/", community_views.files, name="files"),
    path("c/<slug:handle>/health/", community_views.health, name="health"),
]
