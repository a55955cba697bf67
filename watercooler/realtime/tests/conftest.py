"""A fresh channel layer for every realtime test."""

import secrets
from collections.abc import Iterator

import pytest
from channels.layers import channel_layers
from django.conf import settings as django_settings
from pytest_django import Settings


@pytest.fixture(autouse=True)
def fresh_channel_layer(settings: Settings) -> Iterator[None]:
    """Each test gets its own layer (pytest-asyncio gives each test its own event loop, and
    a layer's queues belong to one loop); on Redis a prefix of its own keeps tests apart."""
    if django_settings.REDIS_URL:
        layers = {**settings.CHANNEL_LAYERS}
        layers["default"] = {
            **layers["default"],
            "CONFIG": {
                **layers["default"]["CONFIG"],
                "prefix": f"wc-test-{secrets.token_hex(4)}",
            },
        }
        settings.CHANNEL_LAYERS = layers
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}
