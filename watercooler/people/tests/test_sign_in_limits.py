"""Password guessing stays expensive without locking anyone out (core/ratelimit.py).

Failures count per account and client address (strict), per address, and per account with a far
higher ceiling that only addresses the account has not signed in from must respect. So an
attacker's wrong guesses lock the attacker's address, not the colleague they name; a guess spread
over many addresses stops at the account's ceiling; and the sign-in page and the API's token
exchange share the counts. allauth's own limits are switched on as in production.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings

from watercooler.core.ratelimit import PASSWORD_FAILURES
from watercooler.testing.world import PASSWORD, World

LOGIN = "/accounts/login/"
ATTACKER = "10.66.0.1"
HOME = "10.7.0.1"


@pytest.fixture(autouse=True)
def production_limits(settings: Settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}


@dataclass
class Attempt:
    status_code: int
    content: bytes
    signed_in: bool


def sign_in(address: str, login: str, password: str, **headers: str) -> Attempt:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"login": login, "password": password}, headers=headers)
    signed_in = client.session.get("_auth_user_id") is not None
    return Attempt(response.status_code, response.content, signed_in)


def token(address: str, login: str, password: str) -> Any:
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        {"username": login, "password": password},
        content_type="application/json",
    )


def test_an_attackers_guesses_do_not_lock_the_owner_out(world: World) -> None:
    for _ in range(3 * PASSWORD_FAILURES.per_account_address):
        assert not sign_in(ATTACKER, "theo_teammate", "guess").signed_in
    owner = sign_in(HOME, "theo_teammate", PASSWORD)
    assert owner.status_code == 302
    assert owner.signed_in
    assert token(HOME, "theo_teammate", PASSWORD).status_code == 200


def test_the_attackers_address_is_locked_even_with_the_right_password(world: World) -> None:
    for _ in range(PASSWORD_FAILURES.per_account_address):
        sign_in(ATTACKER, "theo_teammate", "guess")
    locked = sign_in(ATTACKER, "theo_teammate", PASSWORD)
    assert not locked.signed_in
    assert b"Too many failed login attempts" in locked.content
    assert token(ATTACKER, "theo_teammate", PASSWORD).status_code == 429


def test_an_address_trying_many_accounts_is_locked(world: World) -> None:
    for i in range(PASSWORD_FAILURES.per_address):
        sign_in(ATTACKER, f"person_{i}", "guess")
    assert not sign_in(ATTACKER, "olivia_owner", PASSWORD).signed_in
    assert sign_in(HOME, "olivia_owner", PASSWORD).signed_in


def test_a_forwarded_for_header_does_not_make_a_new_address(world: World) -> None:
    for i in range(PASSWORD_FAILURES.per_account_address):
        sign_in(ATTACKER, "theo_teammate", "guess", x_forwarded_for=f"192.0.2.{i}")
    assert not sign_in(ATTACKER, "theo_teammate", PASSWORD, x_forwarded_for="192.0.2.99").signed_in


def test_the_account_ceiling_stops_a_distributed_guess(world: World) -> None:
    assert sign_in(HOME, "theo_teammate", PASSWORD).signed_in  # where Theo usually signs in
    per_address = PASSWORD_FAILURES.per_account_address - 1
    bots = -(-PASSWORD_FAILURES.per_account // per_address)
    for bot in range(bots):
        for _ in range(per_address):
            sign_in(f"10.99.{bot}.1", "theo_teammate", "guess")
    # A fresh address gets no more tries, not even with the right password...
    assert not sign_in("10.99.250.1", "theo_teammate", PASSWORD).signed_in
    assert token("10.99.250.2", "theo_teammate", PASSWORD).status_code == 429
    # ...while Theo, from an address he signed in from before, still gets in.
    assert sign_in(HOME, "theo_teammate", PASSWORD).signed_in
    # Other accounts are not affected.
    assert sign_in("10.99.250.1", "olivia_owner", PASSWORD).signed_in


def test_the_page_and_the_api_share_the_counts(world: World) -> None:
    half = PASSWORD_FAILURES.per_account_address // 2
    for _ in range(half):
        sign_in(ATTACKER, "theo_teammate", "guess")
    for _ in range(PASSWORD_FAILURES.per_account_address - half):
        assert token(ATTACKER, "theo_teammate", "guess").status_code == 401
    assert not sign_in(ATTACKER, "theo_teammate", PASSWORD).signed_in


def test_success_forgets_the_clients_own_typos(world: World) -> None:
    for _ in range(2):
        for _ in range(PASSWORD_FAILURES.per_account_address - 1):
            sign_in(HOME, "theo_teammate", "typo")
        assert sign_in(HOME, "theo_teammate", PASSWORD).signed_in


def test_the_email_address_counts_as_the_same_account(world: World) -> None:
    half = PASSWORD_FAILURES.per_account_address // 2
    for _ in range(half):
        sign_in(ATTACKER, "theo_teammate", "guess")
    for _ in range(PASSWORD_FAILURES.per_account_address - half):
        token(ATTACKER, "THEO_TEAMMATE@example.com", "guess")
    assert not sign_in(ATTACKER, "theo_teammate@example.com", PASSWORD).signed_in
    assert token(ATTACKER, "theo_teammate", PASSWORD).status_code == 429
