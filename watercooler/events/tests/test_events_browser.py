"""An event with one place, end to end in a real Chromium: A goes, B is waitlisted, A steps
back and B is promoted; the .ics downloaded through the page link parses. Screenshots on a
desktop and a 360 px phone land in var/test-artifacts/screenshots/."""

import datetime as dt
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.events.tests.conftest import make_event
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


def _answer(page: Page, name: str) -> None:
    page.locator("#rsvp").get_by_role("button", name=name, exact=True).click()


def test_waitlist_promotion_and_ics_download(
    browser: Browser, phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot,
    tmp_path: Path,
) -> None:  # fmt: skip
    base = live_server.url
    event = make_event(
        world.admin,
        title="Pottery workshop",
        starts_at="2031-04-10T17:00:00",
        ends_at="2031-04-10T19:00:00",
        timezone_name="Europe/Berlin",
        location="Studio 3, Kreuzberg",
        online_url="https://meet.example.com/pottery",
        capacity=1,
        description="Clay, wheels and **tea**. Wear old clothes.",
    )
    url = f"{base}/events/{event.pk}/"

    watch = Watch()
    a_context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    watch.attach(a_context)
    add_session_cookie(a_context, base, world.owner)
    a = a_context.new_page()
    a.goto(url)
    # The owner is in London: 17:00 in Berlin is 16:00 there; the organiser's zone is noted.
    expect(a.locator(".facts")).to_contain_text("16:00")
    expect(a.locator(".facts")).to_contain_text("Set in Europe/Berlin")
    _answer(a, "Going")
    expect(a.locator("#rsvp")).to_contain_text("You're going")
    expect(a.locator("#rsvp")).to_contain_text("full (1 place)")

    watch.attach(phone)
    add_session_cookie(phone, base, world.teammate)
    b = phone.new_page()
    b.goto(url)
    _answer(b, "Join the waitlist")
    expect(b.locator("#rsvp")).to_contain_text("You're on the waitlist — number 1")
    assert_fits_phone(b)
    screenshot(b, "phone-waitlisted")

    _answer(a, "Not going")
    expect(a.locator("#rsvp")).to_contain_text("You're not going")
    b.reload()
    expect(b.locator("#rsvp")).to_contain_text("You're going")
    expect(b.get_by_role("heading", name="Going (1)")).to_be_visible()
    assert_fits_phone(b)
    screenshot(b, "phone-promoted")
    b.goto(f"{base}/notifications/")
    expect(b.get_by_text("A place opened up")).to_be_visible()

    a.goto(url)
    screenshot(a, "desktop-event")
    with a.expect_download() as info:
        a.get_by_role("link", name="Add to calendar (.ics)").click()
    download = info.value
    assert download.suggested_filename == f"event-{event.pk}.ics"
    body = Path(download.path()).read_bytes()
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert vevent.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2031, 4, 10, 15, tzinfo=dt.UTC
    )
    assert vobject.readOne(body.decode()).vevent.summary.value == "Pottery workshop"

    a.goto(f"{base}/events/")
    expect(a.get_by_role("link", name="Pottery workshop")).to_be_visible()
    screenshot(a, "desktop-list")
    a.goto(f"{base}/events/new/")
    screenshot(a, "desktop-form")
    a.goto(f"{base}/")
    expect(a.get_by_role("link", name="Pottery workshop")).to_be_visible()
    screenshot(a, "desktop-home")
    b.goto(f"{base}/events/calendar/")
    assert_fits_phone(b)
    screenshot(b, "phone-calendar")
    b.goto(f"{base}/events/new/")
    assert_fits_phone(b)
    screenshot(b, "phone-form")
    a_context.close()
    watch.assert_clean()
