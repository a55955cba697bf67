"""Browser journey of the community pages on a 360 px phone: create a closed community through the
form, another person finds it in the directory and asks to join, the owner approves on the
Requests tab, and the person then sees the community's content. Screenshots of the directory and
a community page on a phone and a desktop go to var/test-artifacts/screenshots/."""

import pytest
from playwright.sync_api import Browser, BrowserContext

from watercooler.communities import actions
from watercooler.communities.models import Membership
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import build_world, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closed_community_request_and_approval_on_a_phone(
    asgi_server: str, browser: Browser, phone: BrowserContext, screenshot: Screenshot
) -> None:
    world = build_world()
    # A few more communities so the directory looks like a real one, and a suggestion.
    seller = make_person("sam_seller", display_name="Sam Seller", department=world.sales)
    sales = actions.create_community(
        seller,
        name="Sales wins",
        handle="sales-wins",
        privacy="open",
        description="Share the deals you closed and **how**.",
    )
    actions.do_add_member(actor=seller, community=sales, user=world.admin)
    actions.create_community(
        world.admin,
        name="Berlin office",
        handle="berlin",
        privacy="open",
        description="Lunch plans, desk swaps and what is on in Berlin.",
    )

    # The owner creates a closed community on a phone.
    add_session_cookie(phone, asgi_server, world.owner)
    owner = phone.new_page()
    owner.goto(f"{asgi_server}/communities/")
    owner.get_by_role("link", name="New community").click()
    owner.get_by_role("textbox", name="Name").fill("Design critique")
    # The handle follows the name (communities.js).
    assert owner.get_by_label("Address").input_value() == "design-critique"
    owner.get_by_role("textbox", name="Description").fill(
        "Show work in progress and get **kind**, honest feedback."
    )
    owner.get_by_role("radio", name="Closed").check()
    screenshot(owner, "phone-create")
    owner.get_by_role("button", name="Create community").click()
    owner.wait_for_url(f"{asgi_server}/c/design-critique/")
    tabs = owner.get_by_role("navigation", name="Design critique: sections")
    tabs.get_by_role("link", name="About").click()
    owner.wait_for_url(f"{asgi_server}/c/design-critique/about/")
    # The tab bar scrolls sideways instead of widening the page.
    assert owner.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(owner, "phone-about-owner")

    # The outsider finds it in the directory (phone too) and asks to join.
    outsider_context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    add_session_cookie(outsider_context, asgi_server, world.outsider)
    outsider = outsider_context.new_page()
    outsider.goto(f"{asgi_server}/communities/")
    assert outsider.get_by_role("heading", name="Suggested for you").is_visible()
    assert outsider.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(outsider, "phone-directory")
    outsider.get_by_label("Search communities").fill("design")
    card = outsider.locator("#community-results .c-card", has_text="Design critique")
    outsider.get_by_text("Matching “design”").wait_for()  # the live search answered
    assert outsider.locator("#community-results .c-card").count() == 1
    card.get_by_role("button", name="Request to join Design critique").click()
    card.get_by_role("button", name="Withdraw request to join Design critique").wait_for()
    assert (
        Membership.objects.get(community__handle="design-critique", user=world.outsider).status
        == "pending"
    )
    # Its content is not theirs yet: the page shows the header and About only.
    outsider.goto(f"{asgi_server}/c/design-critique/about/")
    assert outsider.get_by_text("You asked to join").is_visible()
    assert outsider.get_by_role("link", name="Members").count() == 0
    screenshot(outsider, "phone-closed-about")

    # The owner approves on the Requests tab.
    owner.reload()
    requests_tab = owner.get_by_role("link", name="Requests 1 waiting")
    requests_tab.click()
    owner.wait_for_url(f"{asgi_server}/c/design-critique/requests/")
    assert owner.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(owner, "phone-requests")
    owner.get_by_role("button", name="Approve Oscar Outsider").click()
    owner.get_by_text("Oscar Outsider is now a member.").wait_for()
    assert Membership.objects.get(
        community__handle="design-critique", user=world.outsider
    ).is_active

    # The person now sees the community's content.
    outsider.goto(f"{asgi_server}/c/design-critique/members/")
    outsider.get_by_role("link", name="Olivia Owner").wait_for()
    assert outsider.get_by_role("link", name="Oscar Outsider").is_visible()
    assert outsider.get_by_role("link", name="Feed").is_visible()
    screenshot(outsider, "phone-members")
    outsider_context.close()

    # Desktop screenshots of the directory and a community page.
    desktop_context = browser.new_context(viewport={"width": 1280, "height": 900})
    add_session_cookie(desktop_context, asgi_server, world.outsider)
    desktop = desktop_context.new_page()
    desktop.goto(f"{asgi_server}/communities/")
    screenshot(desktop, "desktop-directory")
    desktop.goto(f"{asgi_server}/c/design-critique/about/")
    screenshot(desktop, "desktop-about")
    desktop_context.close()
