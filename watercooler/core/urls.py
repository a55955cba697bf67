"""Project-wide endpoints: the health check. (The home page is wired in ``watercooler/urls.py``.)"""

from django.urls import path

from watercooler.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
