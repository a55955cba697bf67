"""The home page and the health check."""

from django.urls import path

from watercooler.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
