"""Accounts: signing in (password, access code, invitation), password reset, two-factor
authentication and its enforcement, the settings page and personal API tokens."""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    generate_totp_secret,
)
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from watercooler.core.models import SiteSettings
from watercooler.people import account_views, actions
from watercooler.people.models import AccessCode, ApiToken, User
from watercooler.testing.fixtures import ClientAs, Mailbox
from watercooler.testing.world import PASSWORD, World, totp_code

if TYPE_CHECKING:
    # What the test client returns (django-stubs names it; it exists only in the stubs).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN = "/accounts/login/"
ACCESS_CODE = "/accounts/access-code/"
SET_PASSWORD = "/accounts/password/set/"
TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
REAUTHENTICATE = "/accounts/reauthenticate/"
SETTINGS = "/settings/"
NEW_PASSWORD = "a-fresh-Passphrase-917"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters, used TOTP codes and the cached site settings live in the cache,
    which outlives each test's database transaction."""
    cache.clear()
    yield
    cache.clear()


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def sign_in(client: Client, login: str, password: str = PASSWORD) -> "TestResponse":
    return client.post(LOGIN, {"login": login, "password": password})


def require_mfa(on: bool = True) -> None:
    site = SiteSettings.load()
    site.require_mfa = on
    site.save()


def link_in(body: str, path_start: str) -> str:
    """The path (and query) of the first link in ``body`` whose path starts with ``path_start``."""
    urls: list[str] = re.findall(r"https?://\S+", body)
    for url in urls:
        parts = urlsplit(url)
        if parts.path.startswith(path_start):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"No link to {path_start} in:\n{body}")


# --- Signing in with a password ------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_page_is_ours_without_sign_up(client: Client) -> None:
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "css/app.css" in html  # our layout, not allauth's bare one
    assert re.search(r'<label for="id_login">Username or email</label>', html)
    assert re.search(r'<label for="id_password">Password</label>', html)
    assert re.search(r'<button type="submit" class="btn-primary">Sign in</button>', html)
    assert 'href="/accounts/access-code/">Sign in with an access code</a>' in html
    assert 'href="/accounts/password/reset/">Forgot your password?</a>' in html
    assert "csrfmiddlewaretoken" in html
    assert "/accounts/signup/" not in html
    assert "sign up" not in html.lower()
    assert ' style="' not in html  # the CSP forbids inline styles


@pytest.mark.django_db
def test_sign_up_page_says_accounts_come_from_administrators(client: Client) -> None:
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b"Accounts are made by administrators" in response.content
    assert b'name="password1"' not in response.content


@pytest.mark.parametrize(
    "login", ["theo_teammate", "theo_teammate@example.com", "THEO_TEAMMATE@example.com"]
)
def test_sign_in_by_username_or_email(world: World, client: Client, login: str) -> None:
    response = sign_in(client, login)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(world.teammate.pk)


def test_wrong_password_is_refused_with_a_message(world: World, client: Client) -> None:
    response = sign_in(client, "theo_teammate", "not-the-password")
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert b'class="errorlist nonfield"' in response.content
    assert signed_in_user_id(client) is None


def test_deactivated_person_cannot_sign_in_with_password(world: World, client: Client) -> None:
    actions.do_set_active(actor=world.admin, person=world.teammate, active=False)
    for login in ("theo_teammate", "theo_teammate@example.com"):
        response = sign_in(client, login)
        assert (response.status_code, response.get("Location")) == (302, "/accounts/inactive/")
        assert signed_in_user_id(client) is None
    page = client.get("/accounts/inactive/")
    assert b"This account is deactivated" in page.content
    assert client.get("/").status_code == 302  # still anonymous


@pytest.mark.parametrize("how", ["action", "bare update"])
def test_a_deactivated_persons_open_session_stops_working(
    world: World, client: Client, how: str
) -> None:
    assert sign_in(client, "theo_teammate").status_code == 302
    assert client.get("/").status_code == 200
    if how == "action":
        actions.do_set_active(actor=world.admin, person=world.teammate, active=False)
    else:  # even a write that skips the action's clean-up: Django refuses inactive sessions
        User.objects.filter(pk=world.teammate.pk).update(is_active=False)
    for path in ("/", "/people/", "/settings/", "/people/theo_teammate/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401


def test_sign_out_needs_a_post(world: World, client_as: ClientAs) -> None:
    client = client_as(world.owner)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert b'<button type="submit" class="btn-primary">Sign out</button>' in page.content
    assert signed_in_user_id(client) == str(world.owner.pk)
    assert client.post("/accounts/logout/").status_code == 302
    assert signed_in_user_id(client) is None


# --- Password reset over real SMTP ---------------------------------------------------------------


def test_password_reset_round_trip(world: World, client: Client, smtp_server: Mailbox) -> None:
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content

    response = client.post("/accounts/password/reset/", {"email": "olivia_owner@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert b"Check your email" in client.get(response["Location"]).content

    [message] = smtp_server.to("olivia_owner@example.com")
    assert "Reset your password" in message["Subject"]
    body = smtp_server.body(message)
    assert body.startswith("Hello from Watercooler,")
    assert "olivia_owner" in body  # the username, for people who forgot it
    link = link_in(body, "/accounts/password/reset/key/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert b"Choose a new password" in form_page.content
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert b"Your password is changed" in client.get(done["Location"]).content

    # The old password stops working, the new one works, and the link cannot be used again.
    assert signed_in_user_id(client) is None
    assert sign_in(client, "olivia_owner", PASSWORD).status_code == 200
    assert sign_in(client, "olivia_owner@example.com", NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(world.owner.pk)
    again = Client().get(link, follow=True)
    assert b"This link does not work any more" in again.content


def test_password_reset_for_unknown_address_suggests_no_sign_up(
    db: None, client: Client, smtp_server: Mailbox
) -> None:
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    [message] = smtp_server.to("nobody@example.com")
    body = smtp_server.body(message)
    assert "There is no account with this address" in body
    assert "/accounts/signup/" not in body


def test_deactivated_person_gets_no_reset_link(
    world: World, client: Client, smtp_server: Mailbox
) -> None:
    actions.do_set_active(actor=world.admin, person=world.outsider, active=False)
    client.post("/accounts/password/reset/", {"email": "oscar_outsider@example.com"})
    for message in smtp_server.to("oscar_outsider@example.com"):
        assert "/accounts/password/reset/key/" not in smtp_server.body(message)


# --- Sign-in with an access code -----------------------------------------------------------------


@pytest.fixture
def worker(world: World) -> User:
    """A front-line worker without email or password, as an administrator creates them."""
    return actions.do_create_person(
        actor=world.admin, username="wanda_worker", display_name="Wanda Worker"
    )


def issue_code(world: World, person: User) -> str:
    _, code = actions.do_issue_access_code(actor=world.admin, person=person)
    return code


def redeem(client: Client, username: str, code: str) -> "TestResponse":
    return client.post(ACCESS_CODE, {"username": username, "code": code})


@pytest.mark.django_db
def test_access_code_page_is_phone_friendly(client: Client) -> None:
    response = client.get(ACCESS_CODE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in html
    assert 'autocomplete="one-time-code"' in html
    assert 'autocomplete="username"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_access_code_sign_in_then_choose_password(
    world: World, worker: User, client: Client
) -> None:
    code = issue_code(world, worker)
    # People type codes in any case, with spaces for dashes.
    response = redeem(client, "Wanda_Worker", code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response["Location"] == f"{SET_PASSWORD}?next=%2F"
    assert signed_in_user_id(client) == str(worker.pk)

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Choose your password now" in page.content  # the message
    assert b"Choose a password" in page.content
    done = client.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "next": "/"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/"

    fresh = Client()
    assert sign_in(fresh, "wanda_worker", NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(fresh) == str(worker.pk)


def test_access_code_works_only_once(world: World, worker: User, client: Client) -> None:
    code = issue_code(world, worker)
    assert redeem(client, "wanda_worker", code).status_code == 302
    other = Client()
    response = redeem(other, "wanda_worker", code)
    assert response.status_code == 200
    assert b"do not match a valid code" in response.content
    assert signed_in_user_id(other) is None


def test_expired_access_code_fails(world: World, worker: User, client: Client) -> None:
    code = issue_code(world, worker)
    AccessCode.objects.filter(user=worker).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = redeem(client, "wanda_worker", code)
    assert response.status_code == 200
    assert b"do not match a valid code" in response.content
    assert signed_in_user_id(client) is None


def test_someone_elses_access_code_fails(world: World, worker: User, client: Client) -> None:
    code = issue_code(world, worker)
    response = redeem(client, "theo_teammate", code)
    assert response.status_code == 200
    assert b"do not match a valid code" in response.content
    assert signed_in_user_id(client) is None
    assert AccessCode.objects.get(user=worker).used_at is None  # still usable by its owner


def test_newer_access_code_replaces_the_older(world: World, worker: User, client: Client) -> None:
    old = issue_code(world, worker)
    new = issue_code(world, worker)
    assert redeem(client, "wanda_worker", old).status_code == 200
    assert redeem(client, "wanda_worker", new).status_code == 302


def test_deactivated_person_cannot_use_an_access_code(
    world: World, worker: User, client: Client
) -> None:
    code = issue_code(world, worker)
    actions.do_set_active(actor=world.admin, person=worker, active=False)
    response = redeem(client, "wanda_worker", code)
    assert response.status_code == 200
    assert b"do not match a valid code" in response.content
    assert signed_in_user_id(client) is None


def test_access_code_form_errors_are_not_server_errors(db: None, client: Client) -> None:
    assert redeem(client, "", "").status_code == 200
    response = redeem(client, "x" * 200, "💥" * 30)
    assert response.status_code == 200
    assert b"errorlist" in response.content


def test_access_code_attempts_are_rate_limited_per_username(
    world: World, worker: User, client: Client
) -> None:
    code = issue_code(world, worker)
    for _ in range(account_views.ACCESS_CODE_FAILURES.per_account_address):
        assert redeem(client, "wanda_worker", "AAAA-BBBB-CCCC").status_code == 200
    # Even the right code is refused now, so guessing gains nothing.
    response = redeem(client, "WANDA_WORKER", code)
    assert response.status_code == 429
    assert b"Too many wrong codes" in response.content
    assert signed_in_user_id(client) is None
    assert AccessCode.objects.get(user=worker).used_at is None
    # Another person at the same address is not locked out yet.
    other = actions.do_create_person(actor=world.admin, username="will_worker", display_name="Will")
    assert redeem(client, "will_worker", issue_code(world, other)).status_code == 302
    # Wanda herself, from her own address, is not locked out by whoever guessed.
    assert redeem(Client(REMOTE_ADDR="10.1.2.3"), "wanda_worker", code).status_code == 302


def test_access_code_attempts_are_rate_limited_per_address(
    world: World, worker: User, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        account_views,
        "ACCESS_CODE_FAILURES",
        dataclasses.replace(account_views.ACCESS_CODE_FAILURES, per_address=3),
    )
    code = issue_code(world, worker)
    for name in ("ann", "bob", "cyd"):
        assert redeem(client, name, "AAAA-BBBB-CCCC").status_code == 200
    assert redeem(client, "wanda_worker", code).status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert redeem(elsewhere, "wanda_worker", code).status_code == 302


# --- Invitations over real SMTP ------------------------------------------------------------------

# ``invite(person)``: the path of the invitation link the person was mailed.
Invite = Callable[[User], str]


@pytest.fixture
def invite(
    world: World,
    smtp_server: Mailbox,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Invite:
    """``invite(person)`` sends an invitation as the administrator and returns its link's path."""

    def send(person: User) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_invite_person(actor=world.admin, person=person)
        message = smtp_server.to(person.email)[-1]
        assert "invited" in message["Subject"]
        return link_in(smtp_server.body(message), "/accounts/invitation/")

    return send


@pytest.fixture
def newcomer(world: World) -> User:
    return actions.do_create_person(
        actor=world.admin, username="nina_new", display_name="Nina New", email="nina@example.com"
    )


def test_invitation_round_trip(
    world: World, newcomer: User, invite: Invite, client: Client
) -> None:
    link = invite(newcomer)
    page = client.get(link)
    assert page.status_code == 200
    assert b"Welcome, Nina New" in page.content
    assert b"Ada Admin invited you" in page.content
    assert b"csrfmiddlewaretoken" in page.content

    mismatch = client.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 200
    assert b"The two passwords are not the same" in mismatch.content
    weak = client.post(link, {"password": "12345678", "password_confirm": "12345678"})
    assert weak.status_code == 200
    assert b"too common" in weak.content
    assert signed_in_user_id(client) is None

    done = client.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert signed_in_user_id(client) == str(newcomer.pk)

    fresh = Client()
    assert sign_in(fresh, "nina@example.com", NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(fresh) == str(newcomer.pk)


def test_invitation_works_only_once(
    world: World, newcomer: User, invite: Invite, client: Client
) -> None:
    link = invite(newcomer)
    assert (
        client.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code
        == 302
    )
    other = Client()
    for response in (
        other.get(link),
        other.post(
            link, {"password": "another-Pass-4242", "password_confirm": "another-Pass-4242"}
        ),
    ):
        assert response.status_code == 410
        assert b"This invitation does not work any more" in response.content
    assert signed_in_user_id(other) is None
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)


def test_unknown_or_replaced_invitation_is_gone(
    world: World, newcomer: User, invite: Invite, client: Client
) -> None:
    assert client.get("/accounts/invitation/not-a-real-token/").status_code == 410
    first = invite(newcomer)
    second = invite(newcomer)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_deactivated_person_cannot_accept_an_invitation(
    world: World, newcomer: User, invite: Invite, client: Client
) -> None:
    link = invite(newcomer)
    actions.do_set_active(actor=world.admin, person=newcomer, active=False)
    response = client.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert signed_in_user_id(client) is None


# --- The settings page and API tokens ------------------------------------------------------------


def created_token(html: str) -> str:
    match = re.search(r'id="new-token" type="text" value="(wc_[^"]+)"', html)
    assert match, "the new token is not on the page"
    return match.group(1)


@pytest.mark.django_db
def test_settings_needs_sign_in(client: Client) -> None:
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={SETTINGS}"
    assert client.post("/settings/tokens/", {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0


def test_settings_page_sections(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).get(SETTINGS)
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("Password", "Two-factor authentication", "API tokens"):
        assert f">{heading}</h2>" in html
    assert 'href="/accounts/password/change/"' in html
    assert 'href="/accounts/2fa/"' in html
    assert "csrfmiddlewaretoken" in html
    assert "No tokens yet" in html


def test_create_token_shows_it_once_and_it_works(world: World, client_as: ClientAs) -> None:
    client = client_as(world.owner)
    response = client.post("/settings/tokens/", {"name": "Build server"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = created_token(response.content.decode())
    assert token not in response.get("Location", "")

    api = Client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "olivia_owner"
    assert actions.authenticate_api_token(token) == world.owner

    page = client.get(SETTINGS).content.decode()
    assert token not in page  # shown once only
    assert "Build server" in page
    assert token[:7] in page  # the hint
    row = ApiToken.objects.get(user=world.owner)
    assert row.last_used_at is not None


def test_create_token_needs_a_name(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).post("/settings/tokens/", {"name": "  "})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not ApiToken.objects.filter(user=world.owner).exists()


def test_revoke_token(world: World, client_as: ClientAs) -> None:
    _, token = actions.do_create_api_token(user=world.owner, name="Old script")
    row = ApiToken.objects.get(user=world.owner)
    client = client_as(world.owner)
    assert b"Old script" in client.get(SETTINGS).content
    response = client.post(f"/settings/tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    page = client.get(SETTINGS)
    assert b"Token revoked" in page.content
    assert b"Old script" not in page.content
    assert not ApiToken.objects.filter(pk=row.pk).exists()
    assert actions.authenticate_api_token(token) is None
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_outsider_cannot_revoke_someone_elses_token(world: World, client_as: ClientAs) -> None:
    _, token = actions.do_create_api_token(user=world.owner, name="Owner's token")
    row = ApiToken.objects.get(user=world.owner)
    outsider = client_as(world.outsider)
    assert outsider.post(f"/settings/tokens/{row.pk}/revoke/").status_code == 404
    assert b"Owner's token" not in outsider.get(SETTINGS).content
    assert ApiToken.objects.filter(pk=row.pk).exists()
    assert actions.authenticate_api_token(token) == world.owner


def test_token_views_need_post(world: World, client_as: ClientAs) -> None:
    row, _ = actions.do_create_api_token(user=world.owner, name="t")
    client = client_as(world.owner)
    assert client.get("/settings/tokens/").status_code == 405
    assert client.get(f"/settings/tokens/{row.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_tokens_card_swaps_in_place_with_htmx(world: World, client_as: ClientAs) -> None:
    client = client_as(world.owner)
    created = client.post("/settings/tokens/", {"name": "Bot"}, headers={"HX-Request": "true"})
    html = created.content.decode()
    assert created.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="api-tokens"')
    assert "<html" not in html
    created_token(html)
    row = ApiToken.objects.get(user=world.owner)
    revoked = client.post(f"/settings/tokens/{row.pk}/revoke/", headers={"HX-Request": "true"})
    assert revoked.status_code == 200
    assert b"Token revoked" in revoked.content
    assert b"<html" not in revoked.content


def test_forms_refuse_posts_without_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post("/settings/tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=world.owner).exists()
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(ACCESS_CODE, {"username": "a", "code": "b"}).status_code == 403
    assert anonymous.post(LOGIN, {"login": "olivia_owner", "password": PASSWORD}).status_code == 403
    # With the token from the page the same post works.
    page = client.get(SETTINGS)
    csrf = page.cookies["csrftoken"].value
    ok = client.post("/settings/tokens/", {"name": "x", "csrfmiddlewaretoken": csrf})
    assert ok.status_code == 200
    assert ApiToken.objects.filter(user=world.owner).count() == 1


# --- Two-factor authentication ----------------------------------------------------------------


def confirm_password(client: Client, password: str = PASSWORD) -> None:
    """allauth asks for the password again before two-factor settings change."""
    asked = client.get(TOTP_ACTIVATE)
    assert asked.status_code == 302
    assert asked["Location"] == f"{REAUTHENTICATE}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    page = client.get(asked["Location"])
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
    wrong = client.post(asked["Location"], {"password": "not-it"})
    assert wrong.status_code == 200
    assert b"errorlist" in wrong.content
    confirmed = client.post(asked["Location"], {"password": password})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == TOTP_ACTIVATE


def activate_totp(client: Client) -> str:
    """Set up an authenticator app through the pages; returns its secret."""
    page = client.get(TOTP_ACTIVATE)
    assert page.status_code == 200, page
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code
    secret: str = client.session[SECRET_SESSION_KEY]
    assert secret in html  # also shown as text
    wrong = client.post(
        TOTP_ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert b"errorlist" in wrong.content
    done = client.post(TOTP_ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302, done.content
    return secret


def test_mfa_pages_render(world: World, client: Client) -> None:
    assert sign_in(client, "olivia_owner").status_code == 302
    index = client.get("/accounts/2fa/")
    assert index.status_code == 200
    assert b"Set up an authenticator app" in index.content
    confirm_password(client)
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=world.owner, type=Authenticator.Type.TOTP).exists()

    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    assert b'<textarea id="recovery_codes"' in codes.content
    index = client.get("/accounts/2fa/")
    assert b"Turn off" in index.content
    assert b"recovery codes left" in index.content
    settings_page = client.get(SETTINGS).content.decode()
    assert '<span class="chip">On</span>' in settings_page

    deactivate = client.get("/accounts/2fa/totp/deactivate/")
    assert deactivate.status_code == 200
    assert b"Turn off the authenticator app?" in deactivate.content
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=world.owner, type=Authenticator.Type.TOTP).exists()
    assert secret


def test_sign_in_asks_for_the_second_factor(world: World, client: Client) -> None:
    secret = generate_totp_secret()
    TOTP.activate(world.teammate, secret)
    response = sign_in(client, "theo_teammate")
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE
    assert signed_in_user_id(client) is None
    page = client.get(MFA_AUTHENTICATE)
    assert b"Enter your code" in page.content
    assert b"csrfmiddlewaretoken" in page.content

    wrong = client.post(MFA_AUTHENTICATE, {"code": "12345"})
    assert wrong.status_code == 200
    assert b"errorlist" in wrong.content
    assert signed_in_user_id(client) is None
    done = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert signed_in_user_id(client) == str(world.teammate.pk)


def test_access_code_does_not_skip_the_second_factor(
    world: World, worker: User, client: Client
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(worker, secret)
    response = redeem(client, "wanda_worker", issue_code(world, worker))
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE
    assert signed_in_user_id(client) is None
    done = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    assert done["Location"].startswith(SET_PASSWORD)
    assert signed_in_user_id(client) == str(worker.pk)


def test_required_mfa_end_to_end(world: World, client: Client) -> None:
    require_mfa()
    assert sign_in(client, "theo_teammate").status_code == 302

    # Everything but the set-up pages sends them to set up an authenticator app.
    for path in ("/", SETTINGS, "/people/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == TOTP_ACTIVATE
    htmx = client.get("/people/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == TOTP_ACTIVATE
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert api.json()["detail"].startswith("Two-factor authentication")
    # allauth first asks for the password again; the reason shows on that page.
    asked = client.get(TOTP_ACTIVATE, follow=True)
    assert asked.redirect_chain[-1][0].startswith(REAUTHENTICATE)
    assert b"Your organisation asks everyone to turn on two-factor authentication" in asked.content
    confirm_password(client)
    secret = activate_totp(client)
    home = client.get("/")
    assert home.status_code == 200
    assert client.get(SETTINGS).status_code == 200

    # From now on signing in asks for the code too.
    fresh = Client()
    assert sign_in(fresh, "theo_teammate")["Location"] == MFA_AUTHENTICATE
    done = fresh.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    assert fresh.get("/").status_code == 200


def test_people_with_totp_are_not_bothered_when_mfa_is_required(
    world: World, client_as: ClientAs
) -> None:
    TOTP.activate(world.owner, generate_totp_secret())
    require_mfa()
    assert client_as(world.owner).get(SETTINGS).status_code == 200
    assert client_as(world.outsider).get(SETTINGS).status_code == 302
    require_mfa(on=False)
    assert client_as(world.outsider).get(SETTINGS).status_code == 200


def test_required_mfa_leaves_sign_out_and_anonymous_pages_alone(
    world: World, client_as: ClientAs
) -> None:
    require_mfa()
    assert Client().get(LOGIN).status_code == 200
    assert Client().get(ACCESS_CODE).status_code == 200
    client = client_as(world.outsider)
    assert client.get("/accounts/logout/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert signed_in_user_id(client) is None
