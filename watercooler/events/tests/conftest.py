"""Fixtures of the events tests: communities of each privacy built straight from the models
(so these tests do not depend on the communities app's actions), and events a day ahead."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.communities.models import Community, MemberRole, Membership, Privacy
from watercooler.events import actions
from watercooler.events.models import Event
from watercooler.people.models import User
from watercooler.testing.fixtures import Commit
from watercooler.testing.world import World


def make_community(handle: str, privacy: str, *members: User, owner: User) -> Community:
    community = Community.objects.create(
        name=handle.replace("-", " ").title(), handle=handle, privacy=privacy, created_by=owner
    )
    now = timezone.now()
    Membership.objects.create(community=community, user=owner, role=MemberRole.OWNER, joined_at=now)
    for person in members:
        Membership.objects.create(community=community, user=person, joined_at=now)
    community.member_count = 1 + len(members)
    community.save(update_fields=["member_count"])
    return community


def soon(hours: float = 24) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(microsecond=0)


def make_event(organiser: User, **fields: Any) -> Event:
    start = fields.pop("start", soon())
    fields.setdefault("title", "Team lunch")
    fields.setdefault("starts_at", start.isoformat())
    fields.setdefault("ends_at", (start + dt.timedelta(hours=2)).isoformat())
    return actions.create_event(organiser, **fields)


@pytest.fixture
def secret(world: World) -> Community:
    """A secret community of the owner and the teammate (the outsider is not in it)."""
    return make_community("skunkworks", Privacy.SECRET, world.teammate, owner=world.owner)


@pytest.fixture
def open_community(world: World) -> Community:
    return make_community("runners", Privacy.OPEN, owner=world.owner)


@pytest.fixture
def closed(world: World) -> Community:
    return make_community("leads", Privacy.CLOSED, world.teammate, owner=world.owner)


@pytest.fixture
def commit(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Commit:
    """``with commit(): ...`` runs what the block scheduled for after its commit (signals,
    notifications), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
