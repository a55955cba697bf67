"""The skills exchange in a real Chromium on a 360 px phone: ask for help, match with the
colleague whose offer fits, and both sides finish: done, then thanks on the helper's profile."""

import pytest
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.skills import actions
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_post_a_request_and_complete_a_match(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(phone)
    base = live_server.url
    actions.do_create_offer(
        actor=world.teammate,
        data=actions.check_offer_input(
            actor=world.teammate, data={"skill": "Excel pivot tables", "mode": "remote"}
        ),
    )
    add_session_cookie(phone, base, world.outsider)
    page = phone.new_page()
    page.goto(f"{base}/skills/")
    expect(page.get_by_role("link", name="Excel pivot tables")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "phone-1-marketplace")
    page.get_by_role("link", name="Ask for help").click()
    page.get_by_label("I need help with").fill("Excel reporting")
    page.get_by_label("Details").fill("The weekly sales report takes a morning.")
    page.get_by_role("button", name="Post request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Excel reporting")
    helpers = page.get_by_role("region", name="Who could help")
    expect(helpers).to_contain_text("Offers help: Excel pivot tables")
    assert_fits_phone(page)
    screenshot(page, "phone-2-request")
    helpers.get_by_role("button", name="Match with Theo").click()
    expect(page.get_by_text("Matched with Theo Teammate")).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".chip.status-done")).to_have_text("Done")
    page.get_by_label("Your thanks").fill("The pivot report takes five minutes now!")
    page.get_by_role("button", name="Say thanks").click()
    page.goto(f"{base}/people/theo_teammate/#thanks")
    thanks = page.get_by_role("region", name="Thanks")
    expect(thanks).to_contain_text("The pivot report takes five minutes now!")
    assert_fits_phone(page)
    screenshot(page, "phone-3-thanks")
    watch.assert_clean()
