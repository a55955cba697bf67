"""Accounts in a real browser: our CSP (no inline style or script) must not break sign-in, the
access-code form on a phone, or the QR code of the authenticator set-up."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from watercooler.people import actions
from watercooler.testing.fixtures import Screenshot, sign_in
from watercooler.testing.world import PASSWORD, World, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def watch_csp(page: Page) -> list[str]:
    """Collect the browser's CSP complaints about ``page``."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return problems


def test_sign_in_and_out(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    problems = watch_csp(page)
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "sign-in")
    sign_in(page, live_server.url, "theo_teammate@example.com")
    assert page.url == f"{live_server.url}/"
    page.goto(f"{live_server.url}/accounts/logout/")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert problems == []


def test_access_code_on_a_phone(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    person = actions.do_create_person(
        actor=world.admin, username="wanda_worker", display_name="Wanda Worker"
    )
    _, code = actions.do_issue_access_code(actor=world.admin, person=person)
    page = phone.new_page()
    problems = watch_csp(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with an access code").click()
    page.get_by_label("Username").fill("wanda_worker")
    page.get_by_label("Access code").fill(code.lower())
    screenshot(page, "access-code")
    page.get_by_role("button", name="Sign in with code").click()
    page.wait_for_url("**/accounts/password/set/**")
    page.get_by_label("Password", exact=True).fill("a-fresh-Passphrase-917")
    page.get_by_label("Password (again)").fill("a-fresh-Passphrase-917")
    screenshot(page, "choose-password")
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.viewport_size is not None
    assert page.viewport_size["width"] == 360
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"
    assert problems == []


def test_authenticator_set_up_shows_the_qr_code(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    problems = watch_csp(page)
    sign_in(page, live_server.url, "olivia_owner")
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    # allauth asks for the password again first.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    qr = page.get_by_role("img", name="QR code to add Watercooler to your authenticator app")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
    screenshot(page, "totp-activate")
    secret = page.get_by_label("Or type this key into the app").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert page.get_by_label("Unused codes").input_value().count("\n") >= 1
    assert problems == []
