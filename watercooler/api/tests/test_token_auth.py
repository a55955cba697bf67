"""Bearer-token authentication's cost: one query per token and API_TOKEN_CACHE_SECONDS in a
process, and the token's last use written at most once a minute (a write per request would
serialise every API call on SQLite). Revoking or deactivating takes effect at once here, and
within the period in other processes."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from watercooler.people.actions import (
    authenticate_api_token,
    do_create_api_token,
    do_revoke_api_token,
    forget_api_tokens,
)
from watercooler.people.models import ApiToken
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_token_is_remembered_for_the_period(world: World, settings: Settings) -> None:
    _, token = do_create_api_token(user=world.owner, name="cost")
    with CaptureQueriesContext(connection) as ctx:
        assert authenticate_api_token(token) == world.owner
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT", "UPDATE"]
    with CaptureQueriesContext(connection) as ctx:
        first = authenticate_api_token(token)
        second = authenticate_api_token(token)
    assert ctx.captured_queries == []
    # Each request gets its own copy: a change one request makes to its user stays there.
    assert first == second == world.owner
    assert first is not None
    assert second is not None
    assert first is not second
    first.display_name = "Changed by one request"
    first.languages.append("Klingon")
    third = authenticate_api_token(token)
    assert third is not None
    assert third.display_name == world.owner.display_name
    assert "Klingon" not in third.languages

    settings.API_TOKEN_CACHE_SECONDS = 0
    forget_api_tokens()
    authenticate_api_token(token)
    with CaptureQueriesContext(connection) as ctx:
        assert authenticate_api_token(token) == world.owner
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT"]


def test_revoking_and_deactivating_take_effect_at_once(world: World) -> None:
    row, token = do_create_api_token(user=world.owner, name="revoked")
    assert authenticate_api_token(token) == world.owner
    do_revoke_api_token(user=world.owner, token_id=row.pk)
    assert authenticate_api_token(token) is None

    _, token = do_create_api_token(user=world.teammate, name="deactivated")
    assert authenticate_api_token(token) == world.teammate
    world.teammate.is_active = False
    world.teammate.save(update_fields=["is_active"])
    assert authenticate_api_token(token) is None


def test_another_process_notices_within_the_period(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A change another process makes sends no signal here: an update() sends none either.
    _, token = do_create_api_token(user=world.teammate, name="elsewhere")
    assert authenticate_api_token(token) == world.teammate
    type(world.teammate).objects.filter(pk=world.teammate.pk).update(is_active=False)
    assert authenticate_api_token(token) == world.teammate  # remembered
    clock = time.monotonic() + settings.API_TOKEN_CACHE_SECONDS + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert authenticate_api_token(token) is None


def test_a_tokens_use_is_written_once_a_minute(world: World, settings: Settings) -> None:
    settings.API_TOKEN_CACHE_SECONDS = 0
    row, token = do_create_api_token(user=world.owner, name="cost")
    assert authenticate_api_token(token) == world.owner
    first_use = ApiToken.objects.get(pk=row.pk).last_used_at
    assert first_use is not None

    with CaptureQueriesContext(connection) as ctx:
        assert authenticate_api_token(token) == world.owner
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT"]
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first_use

    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first_use - dt.timedelta(seconds=61))
    with CaptureQueriesContext(connection) as ctx:
        assert authenticate_api_token(token) == world.owner
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT", "UPDATE"]
    written = ApiToken.objects.get(pk=row.pk).last_used_at
    assert written is not None
    assert written > first_use


@pytest.mark.parametrize("token", ["", "wc_", "wc_unknown", "not-a-token"])
def test_unknown_tokens_are_nobody(world: World, token: str, api_as: type[ApiClient]) -> None:
    assert authenticate_api_token(token) is None
    response = api_as(None).client.get("/api/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_deactivated_persons_token_is_nobody(world: World) -> None:
    _, token = do_create_api_token(user=world.teammate, name="cost")
    world.teammate.is_active = False
    world.teammate.save(update_fields=["is_active"])
    assert authenticate_api_token(token) is None
