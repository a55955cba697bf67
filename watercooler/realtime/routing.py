"""Websocket routes. Consumers arrive with the real-time conversations capability."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
