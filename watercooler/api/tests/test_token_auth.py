"""Bearer-token authentication's cost: one query per request, and the token's last use written
at most once a minute (a write per request would serialise every API call on SQLite)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from watercooler.people.actions import authenticate_api_token, do_create_api_token
from watercooler.people.models import ApiToken
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_token_is_one_query_and_its_use_is_written_once_a_minute(world: World) -> None:
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
