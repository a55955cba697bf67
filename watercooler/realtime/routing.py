"""Websocket routes: one socket per browser tab at ``/ws/`` (docs/events.md).

``asgi.py`` wraps these in the origin check for cookie sessions and the session-cookie
``AuthMiddlewareStack``;
``TokenAuthMiddleware`` then lets non-browser clients authenticate with ``?token=``.
"""

from django.urls import URLPattern, path

from watercooler.realtime.auth import TokenAuthMiddleware
from watercooler.realtime.consumers import LiveConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/", TokenAuthMiddleware(LiveConsumer.as_asgi()), name="live"),
]
