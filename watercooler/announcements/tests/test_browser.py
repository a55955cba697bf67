"""A must-read announcement, end to end in two real browsers, with live statistics.

A communications person publishes a must-read announcement and keeps its statistics page open on
a desktop; a member of the audience finds it pinned on their phone's home feed and presses
"I have read this"; the desktop's "acknowledged" number moves without a reload (the
``announcement.stats`` websocket event, via static/js/live.js and static/js/announcement_stats.js).

Websockets need the real ASGI application: the ``asgi_server`` fixture (watercooler/testing/
fixtures.py) runs it under uvicorn in a thread of the test process. Screenshots land in
var/test-artifacts/screenshots/.
"""

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from watercooler.announcements.models import Announcement
from watercooler.people.models import Role
from watercooler.people.tests.test_journeys_browser import Watch
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "New badge readers from Monday"


def open_live(page: Page, url: str) -> None:
    """Load ``url`` and wait until its socket has answered (groups joined, catch-up sent)."""
    with page.expect_websocket() as info:
        page.goto(url)
    info.value.wait_for_event("framereceived", timeout=10_000)


def test_member_acknowledges_and_the_stats_page_counts_it_live(
    browser: Browser, phone: BrowserContext, asgi_server: str, world: World, screenshot: Screenshot
) -> None:
    base = asgi_server
    comms = make_person(
        "cora_comms", display_name="Cora Comms", role=Role.COMMS, department=world.sales
    )
    watch = Watch()
    desktop = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        watch.attach(desktop)
        add_session_cookie(desktop, base, comms)
        stats_page = desktop.new_page()
        stats_page.goto(f"{base}/announcements/new/")
        stats_page.get_by_label("Title").fill(TITLE)
        stats_page.get_by_label("Text").fill(
            "Please bring your **new badge** to the front desk before Monday."
        )
        # Engineering: the owner and the teammate (the author is not in their own audience).
        stats_page.get_by_role("group", name="Departments").get_by_label("Engineering").check()
        stats_page.get_by_label("Must read").check()
        # Publishing lands on the statistics page; wait until its socket has answered.
        with stats_page.expect_websocket() as info:
            stats_page.get_by_role("button", name="Publish").click()
        info.value.wait_for_event("framereceived", timeout=10_000)
        stats_page.wait_for_url(f"{base}/announcements/*/stats/")
        announcement = Announcement.objects.get(title=TITLE)
        assert announcement.must_read
        assert announcement.audience_size == 2
        expect(stats_page.get_by_text("Published to 2 people.")).to_be_visible()
        expect(stats_page.get_by_role("heading", level=1)).to_have_text(TITLE)
        stats = stats_page.locator(f"[data-announcement-stats='{announcement.pk}']")
        expect(stats.locator("[data-stat='audience']")).to_have_text("2")
        expect(stats.locator("[data-stat='acknowledged']")).to_have_text("0")
        expect(stats.locator("[data-stat='acknowledged_percent']")).to_have_text("0%")
        # Bar widths are set by announcement_stats.js from data-width (CSP forbids style="").
        expect(stats.locator("[data-stat-bar='acknowledged']")).to_have_attribute(
            "style", "width: 0%;"
        )
        expect(stats_page.get_by_text("Theo Teammate")).to_be_visible()
        stats_page.evaluate("window.__loadedOnce = true")
        screenshot(stats_page, "1-stats-before")

        # The teammate, on a phone, finds it pinned at the top of the home feed.
        watch.attach(phone)
        add_session_cookie(phone, base, world.teammate)
        mobile = phone.new_page()
        open_live(mobile, f"{base}/")
        card = mobile.locator(f"#announcement-{announcement.pk}")
        expect(card).to_be_visible()
        expect(card.get_by_role("heading", name=TITLE)).to_be_visible()
        expect(card.get_by_text("Must read")).to_be_visible()
        expect(card.get_by_text("From Cora Comms")).to_be_visible()
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the home feed scrolls sideways on a phone ({width}px wide)"
        screenshot(mobile, "2-phone-pinned-card")

        card.get_by_role("button", name="I have read this").click()
        expect(card).to_contain_text("You acknowledged")
        screenshot(mobile, "3-phone-acknowledged")

        # The desktop's numbers move live, without a reload.
        expect(stats.locator("[data-stat='acknowledged']")).to_have_text("1", timeout=5_000)
        expect(stats.locator("[data-stat='acknowledged_percent']")).to_have_text("50%")
        expect(stats.locator("[data-stat='seen']")).to_have_text("1")  # acknowledging is seeing
        expect(stats.locator("[data-stat-bar='acknowledged']")).to_have_attribute(
            "style", "width: 50%;"
        )
        assert stats_page.evaluate("window.__loadedOnce") is True
        screenshot(stats_page, "4-stats-after")

        announcement.refresh_from_db()
        assert announcement.acknowledged_count == 1
        watch.assert_clean()
    finally:
        desktop.close()
