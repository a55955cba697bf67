"""A community's feed, files and health tabs (the feed app's part of a community's page)."""

app_name = "community_feed"

urlpatterns: list = []
