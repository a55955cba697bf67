"""Top-level URL map: pages, accounts, the API, the admin and (embedded mode) media files."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from watercooler.api.api import api
from watercooler.people import views as people_views

urlpatterns = [
    # Home is the people app's page; it keeps the global name "home" that the layout and
    # LOGIN_REDIRECT_URL use (core may not import people, so it is wired here).
    path("", people_views.home, name="home"),
    path("", include("watercooler.core.urls")),
    path("", include("watercooler.people.urls")),
    # Email addresses come from administrators and the HR import, so allauth's page for changing
    # them is replaced by the settings page.
    path("accounts/email/", RedirectView.as_view(pattern_name="people:settings")),
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
