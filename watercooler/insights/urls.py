"""Insights pages."""

from django.urls import path

from watercooler.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.landing, name="landing"),
    path("insights/me/", views.about_me, name="me"),
    path("insights/organisation/", views.organisation, name="organisation"),
    path("insights/team/", views.team, name="team"),
    path("insights/network/", views.network, name="network"),
    path("insights/campaigns/", views.campaign_list, name="campaigns"),
    path("insights/campaigns/new/", views.new_campaign, name="new_campaign"),
    path("insights/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("insights/campaigns/<int:campaign_id>/edit/", views.edit_campaign, name="edit_campaign"),
    path("insights/posts/<int:post_id>/", views.post_reach, name="post"),
]
