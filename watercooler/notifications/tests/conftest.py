"""Fixtures of the notifications tests: captured ``notification.created`` events."""

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from watercooler.notifications.events import NotificationCreated


@pytest.fixture
def notified() -> Iterator[list[tuple[list[str], dict[str, Any]]]]:
    """Every ``notification.created`` (groups, event) handed to ``send_now`` after commit."""
    sent: list[tuple[list[str], dict[str, Any]]] = []

    def capture(groups: Any, event: dict[str, Any]) -> None:
        if event.get("type") == NotificationCreated.type:
            sent.append((list(groups), event))

    with mock.patch("watercooler.core.events.send_now", side_effect=capture):
        yield sent
