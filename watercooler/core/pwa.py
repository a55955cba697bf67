"""The installable app: the web app manifest (``/manifest.webmanifest``), the service worker
(``/sw.js``, served from the root so that it controls every page) and the page it shows when a
page is neither reachable nor saved (``/offline/``).

The service worker's script is ``static/js/sw.js`` with the list of files to keep for offline
use (the app shell: CSS, JavaScript, icons, the offline page) written in at the top, under their
hashed names, and a version made of them: a release that changes any of them installs a new
worker, which drops the old copies.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#0b6bcb"
BACKGROUND_COLOR = "#f4f6f8"
# What the worker keeps from the start (static files by their source names).
SHELL = (
    "css/app.css",
    "css/communities.css",
    "css/messaging.css",
    "js/app.js",
    "js/feed.js",
    "js/live.js",
    "js/mentions.js",
    "js/search.js",
    "js/impressions.js",
    "js/conversation.js",
    "js/push.js",
    "js/pwa.js",
    "js/outbox.js",
    "img/logo.svg",
    "img/icons/icon-192.png",
    "img/icons/badge-96.png",
)
# Pages kept as they were last seen, to read offline: the feed, notifications, conversations.
READABLE_PAGES = ("/", "/notifications/", "/messages/")


def manifest_data() -> dict[str, object]:
    icons = [
        {"src": static("img/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    shortcut_icon = [{"src": static("img/icons/icon-192.png"), "sizes": "192x192"}]
    return {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": "Your organisation's news, people and conversations.",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
        "shortcuts": [
            {"name": "Write a post", "url": reverse("feed:create_post"), "icons": shortcut_icon},
            {"name": "Messages", "url": reverse("messaging:inbox"), "icons": shortcut_icon},
            {"name": "Notifications", "url": reverse("notifications:list"), "icons": shortcut_icon},
        ],
    }


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(manifest_data(), json_dumps_params={"indent": 1})
    response["Content-Type"] = "application/manifest+json"
    return response


@cache
def _worker_script() -> str:
    # htmx as base.html loads it ({% htmx_script %}: the minified file unless DEBUG).
    htmx = "django_htmx/htmx-2.js" if settings.DEBUG else "django_htmx/htmx-2.min.js"
    shell = [static(name) for name in (*SHELL, htmx)] + [reverse("offline")]
    source = (Path(settings.BASE_DIR) / "static" / "js" / "sw.js").read_text()
    version = hashlib.sha256(("\n".join(shell) + source).encode()).hexdigest()[:12]
    head = (
        f"const VERSION = {json.dumps(version)};\n"
        f"const SHELL = {json.dumps(shell)};\n"
        f"const READABLE_PAGES = {json.dumps(list(READABLE_PAGES))};\n"
        f"const OFFLINE_PAGE = {json.dumps(reverse('offline'))};\n"
    )
    return head + source


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Never cached by the browser's HTTP cache: a new release must reach the worker's update
    check (browsers also cap this at a day)."""
    script = _worker_script() if not settings.DEBUG else _worker_script.__wrapped__()
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page that is neither reachable nor saved; no personal data,
    so it can be kept for everyone."""
    return render(request, "offline.html", {"readable": READABLE_PAGES})
