"""Project-wide endpoints: the health check and the installable app's manifest, service worker
and offline page. (The home page is wired in ``watercooler/urls.py``.)"""

from django.urls import path

from watercooler.core import pwa, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
]
