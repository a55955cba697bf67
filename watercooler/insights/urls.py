"""Insights pages."""

from django.urls import path

from watercooler.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/posts/<int:post_id>/", views.post_reach, name="post"),
]
