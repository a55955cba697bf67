"""Fixtures of the communities tests: communities of each privacy owned by the world's owner,
regions on the world's locations, captured realtime events and domain signals."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.communities import actions, signals
from watercooler.communities.models import Community
from watercooler.testing.fixtures import Commit
from watercooler.testing.world import World


@dataclass
class Places:
    open: Community
    closed: Community
    secret: Community


@pytest.fixture
def places(world: World) -> Places:
    """An open, a closed and a secret community; the world's owner created (owns) all three."""
    return Places(
        open=actions.create_community(
            world.owner, name="Python guild", handle="python", privacy="open"
        ),
        closed=actions.create_community(
            world.owner, name="Leadership circle", handle="leaders", privacy="closed"
        ),
        secret=actions.create_community(
            world.owner, name="Project Falcon", handle="falcon", privacy="secret"
        ),
    )


@pytest.fixture
def regions(world: World) -> World:
    """London and Berlin are in EMEA."""
    for location in (world.london, world.berlin):
        location.region = "EMEA"
        location.save(update_fields=["region"])
    return world


@pytest.fixture
def commit(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Commit:
    """``with commit(): ...`` runs on-commit work (signals, events) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def sent_events() -> Iterator[list[tuple[list[str], dict[str, Any]]]]:
    """Every (groups, event) handed to ``core.events.send_now`` (i.e. after commit)."""
    sent: list[tuple[list[str], dict[str, Any]]] = []

    def capture(groups: Any, event: dict[str, Any]) -> None:
        sent.append((list(groups), event))

    with mock.patch("watercooler.core.events.send_now", side_effect=capture):
        yield sent


def follows_changed_for(sent: list[tuple[list[str], dict[str, Any]]]) -> set[str]:
    """The groups that were sent ``follows.changed``."""
    return {g for groups, event in sent if event["type"] == "follows.changed" for g in groups}


SIGNALS = (
    "community_created",
    "membership_requested",
    "member_joined",
    "member_added",
    "member_left",
    "member_removed",
    "role_changed",
    "rule_applied",
)


@pytest.fixture
def sent_signals() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every communities domain signal sent, as (name, kwargs)."""
    received: list[tuple[str, dict[str, Any]]] = []
    receivers = []
    for name in SIGNALS:

        def receiver(sender: Any, _name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal", None)
            received.append((_name, kwargs))

        getattr(signals, name).connect(receiver, weak=False)
        receivers.append((getattr(signals, name), receiver))
    yield received
    for signal, receiver in receivers:
        signal.disconnect(receiver)
