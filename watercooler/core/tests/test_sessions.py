"""Sessions read through a compiled query (core/sessions.py) behave as Django's database ones."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from watercooler.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_stored_session_loads_and_an_expired_one_does_not() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    assert key
    assert SessionStore(key).load() == {"answer": 42}

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None


def test_an_unknown_or_malformed_key_is_an_empty_session() -> None:
    assert SessionStore("a" * 32).load() == {}
    assert SessionStore("short").session_key is None
    assert SessionStore("short").load() == {}
