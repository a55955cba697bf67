"""Fixtures of the feed tests: captured realtime events and domain signals."""

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from watercooler.core.events import EVENT_TYPES
from watercooler.feed import events, signals


@pytest.fixture
def sent_events() -> Iterator[list[tuple[list[str], dict[str, Any]]]]:
    """Every feed (groups, event) handed to ``core.events.send_now`` (i.e. after commit);
    other apps' events (notifications...) are left out."""
    sent: list[tuple[list[str], dict[str, Any]]] = []
    feed_types = {t for t, cls in EVENT_TYPES.items() if cls.__module__ == events.__name__}

    def capture(groups: Any, event: dict[str, Any]) -> None:
        if event.get("type") in feed_types:
            sent.append((list(groups), event))

    with mock.patch("watercooler.core.events.send_now", side_effect=capture):
        yield sent


@pytest.fixture
def sent_signals() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every feed domain signal sent, as (name, kwargs)."""
    received: list[tuple[str, dict[str, Any]]] = []
    receivers = []
    for name in (
        "post_created",
        "post_updated",
        "post_deleted",
        "reply_created",
        "reply_deleted",
        "reaction_added",
        "reaction_removed",
        "person_followed",
    ):

        def receiver(sender: Any, _name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal", None)
            received.append((_name, kwargs))

        getattr(signals, name).connect(receiver, weak=False)
        receivers.append((getattr(signals, name), receiver))
    yield received
    for signal, receiver in receivers:
        signal.disconnect(receiver)
