"""Top-level URL map: pages, accounts, the API, the admin and (embedded mode) media files."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from watercooler.api.api import api

urlpatterns = [
    path("", include("watercooler.core.urls")),
    path("", include("watercooler.people.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Embedded default: uploads are served by the app. Scale-out puts them behind the proxy or a
    # storage service instead (docs/deploy.md).
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
