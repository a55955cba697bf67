"""Top-level URL map: pages, accounts, the API, the admin and uploaded files."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from watercooler.api.api import api
from watercooler.core.media import serve_media
from watercooler.feed import views as feed_views

urlpatterns = [
    # Home is the feed (with the people dashboard beside it); it keeps the global name "home"
    # that the layout and LOGIN_REDIRECT_URL use (core may not import the feed, so it is wired here).
    path("", feed_views.home, name="home"),
    path("", include("watercooler.core.urls")),
    # Before people's URLs: /people/mentions/ must not read as a person called "mentions".
    path("", include("watercooler.feed.urls")),
    path("", include("watercooler.people.urls")),
    path("", include("watercooler.notifications.urls")),
    path("", include("watercooler.announcements.urls")),
    path("", include("watercooler.questions.urls")),
    path("", include("watercooler.communities.urls")),
    path("", include("watercooler.feed.community_urls")),
    path("", include("watercooler.events.urls")),
    path("", include("watercooler.search.urls")),
    path("", include("watercooler.skills.urls")),
    path("", include("watercooler.messaging.urls")),
    path("", include("watercooler.insights.urls")),
    # Email addresses come from administrators and the HR import, so allauth's page for changing
    # them is replaced by the settings page.
    path("accounts/email/", RedirectView.as_view(pattern_name="people:settings")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# Uploaded files always pass through the app, which decides who may have each one; behind a
# proxy the app answers with an internal redirect and the proxy sends the bytes (docs/deploy.md).
urlpatterns += [
    re_path(r"^media/(?P<path>.*)$", serve_media),
]
