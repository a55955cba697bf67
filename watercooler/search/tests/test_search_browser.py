"""Search in a real Chromium: type-ahead to a person on a 360 px phone (keyboard only), a search
narrowed with a filter and a tab, and the Experts tab with its evidence.

Every journey listens for console errors, uncaught exceptions and Content-Security-Policy
violations. Screenshots land in var/test-artifacts/screenshots/.
"""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.communities.models import Community, Privacy
from watercooler.feed import actions
from watercooler.feed.models import PostKind
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.questions.actions import do_accept_answer
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_type_ahead_reaches_a_person(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(phone)
    base = live_server.url
    add_session_cookie(phone, base, world.teammate)
    page = phone.new_page()
    page.goto(f"{base}/")
    box = page.get_by_role("combobox", name="Search")
    box.fill("oscar out")
    option = page.get_by_role("option", name="Oscar Outsider")
    expect(option).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "phone-1-type-ahead")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"{base}/people/oscar_outsider/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oscar Outsider")
    watch.assert_clean()


def test_search_with_a_filter_and_a_tab(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(page.context)
    base = live_server.url
    Community.objects.create(
        name="Warehouse", handle="warehouse", privacy=Privacy.OPEN, created_by=world.owner
    )
    actions.create_post(world.owner, body="Forklift safety week: checks before every shift")
    actions.create_post(world.outsider, body="Forklift parking moved to bay 3")
    actions.create_post(
        world.teammate, body="Is the forklift safety course online?", kind=PostKind.QUESTION
    )
    add_session_cookie(page.context, base, world.teammate)
    page.goto(f"{base}/")
    box = page.get_by_role("combobox", name="Search")
    box.fill("forklift")
    box.press("Enter")
    page.wait_for_url(f"{base}/search/?q=forklift")
    results = page.locator(".result")
    expect(results).to_have_count(3)
    expect(page.locator(".result mark").first).to_have_text(re.compile("forklift", re.IGNORECASE))
    page.get_by_text("Filters").click()
    page.get_by_label("From (username)").fill("oscar_outsider")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("bay 3")
    screenshot(page, "desktop-1-filtered")
    page.goto(f"{base}/search/?q=forklift")
    page.get_by_role("navigation", name="What to search").get_by_role(
        "link", name="Questions"
    ).click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("course online")
    watch.assert_clean()


def test_find_an_expert_and_see_the_evidence(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(page.context)
    base = live_server.url
    priya = make_person(
        "priya", display_name="Priya Patel", title="Pricing Analyst", skills=["Pricing"]
    )
    question = actions.create_post(
        world.owner, body="How do we price bundles? #pricing", kind=PostKind.QUESTION
    )
    answer = actions.do_create_reply(
        author=priya, post=question, body="Bundle pricing: 12% under the parts."
    )
    do_accept_answer(actor=world.owner, post=question, reply=answer)
    actions.create_post(priya, body="New price bands from Monday #pricing")
    add_session_cookie(page.context, base, world.outsider)
    page.goto(f"{base}/search/?q=pricing")
    page.get_by_role("navigation", name="What to search").get_by_role(
        "link", name="Experts"
    ).click()
    expert = page.locator(".expert").first
    expect(expert).to_contain_text("Priya Patel")
    expect(expert.get_by_role("link", name="Skill: Pricing")).to_be_visible()
    expect(expert.get_by_role("link", name="1 accepted answer about pricing")).to_be_visible()
    screenshot(page, "desktop-2-experts")
    expert.get_by_role("link", name="1 accepted answer about pricing").click()
    page.wait_for_url(f"{base}/posts/{question.pk}/")
    watch.assert_clean()
