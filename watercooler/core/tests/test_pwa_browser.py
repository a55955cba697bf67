"""The installable app in a real Chromium on a phone: the manifest and service worker meet
Chromium's installability criteria (asked through the DevTools protocol), the feed and
notifications read offline as last seen with the offline banner, another page offline shows
the offline page, a post written offline waits and is sent once when the connection returns,
coming back online hides the banner, and signing out forgets what was saved."""

import pytest
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.feed import actions as feed
from watercooler.feed.models import Post
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_installable_and_readable_offline(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    base = live_server.url
    feed.do_follow_person(follower=world.owner, followee=world.teammate)
    feed.create_post(world.teammate, body="The canteen opens at 8 tomorrow")
    add_session_cookie(phone, base, world.owner)
    page = phone.new_page()
    page.goto(f"{base}/")
    # The worker installs and takes control of the page (clients.claim); from then on it keeps
    # the pages it serves.
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    devtools = phone.new_cdp_session(page)
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito ones, where Chromium installs nothing: every other
    # criterion (manifest, icons, a worker with a fetch handler, a secure origin) is met.
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["errors"] == []
    for path in ("/notifications/", "/"):
        page.goto(f"{base}{path}")
    phone.set_offline(True)
    page.goto(f"{base}/")
    expect(page.get_by_text("The canteen opens at 8 tomorrow")).to_be_visible()
    expect(page.get_by_text("You\u2019re offline: showing what was saved")).to_be_visible()
    # Written offline: it waits on the device, the form is cleared for the next one.
    page.get_by_role("button", name="Share something…").click()
    page.get_by_label("What would you like to share?").fill("Written in the lift, no signal")
    page.locator("#composer").get_by_role("button", name="Post").click()
    expect(page.get_by_text("1 thing you wrote is waiting to be sent.")).to_be_visible()
    expect(page.get_by_label("What would you like to share?")).to_have_value("")
    screenshot(page, "offline-feed")
    page.goto(f"{base}/notifications/")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    page.goto(f"{base}/people/")
    expect(page.get_by_role("heading", name="You\u2019re offline")).to_be_visible()
    screenshot(page, "offline-page")
    page.go_back()
    phone.set_offline(False)
    page.goto(f"{base}/")
    expect(page.get_by_text("You\u2019re offline: showing what was saved")).to_be_hidden()
    # Back online, what waited is sent, once.
    expect(page.get_by_text("waiting to be sent")).to_be_hidden()
    page.wait_for_function("window.wcOutbox && window.wcOutbox.waiting() === 0")
    assert Post.objects.filter(body="Written in the lift, no signal").count() == 1
    page.reload()
    expect(page.get_by_text("Written in the lift, no signal")).to_be_visible()
    # Signing out forgets the saved pages: nobody reads them offline on a shared phone.
    assert page.evaluate("caches.has('pages')")
    page.get_by_label("Your menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    assert not page.evaluate("caches.has('pages')")
