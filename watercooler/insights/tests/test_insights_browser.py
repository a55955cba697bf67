"""Insights in a real Chromium: the network map drawn by sigma from the server's layout, the
adoption dashboard and a campaign's progress, on a desktop and on a 360 px phone."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.feed import actions as feed_actions
from watercooler.feed.models import Post
from watercooler.insights import actions, campaigns, rollups, tasks
from watercooler.insights.models import Campaign, Target
from watercooler.people.models import Department, User
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _organisation(world: World) -> list[User]:
    """Three departments of seven who talk mostly among themselves, and a connector."""
    rng = random.Random(3)
    people = []
    for name in ("Warehouse", "Finance", "Design"):
        department = Department.objects.create(name=name)
        people.append([make_person(f"{name.lower()}_{i}", department=department) for i in range(7)])
    for group in people:
        for person in group:
            for other in rng.sample(group, 3):
                if other != person:
                    post = feed_actions.do_create_post(
                        author=person,
                        data=feed_actions.check_post_input(
                            author=person, body=f"Thanks @{other.username} for the help"
                        ),
                    )
                    feed_actions.do_create_reply(author=other, post=post, body="Any time!")
    connector = people[0][0]
    for group in people[1:]:
        feed_actions.do_create_post(
            author=connector,
            data=feed_actions.check_post_input(
                author=connector, body=f"Shipping update for @{group[0].username}"
            ),
        )
    return [p for group in people for p in group]


def _computed(world: World) -> None:
    run = actions.start_network(window_days=actions.DEFAULT_WINDOW_DAYS)
    tasks.run_network(run.pk)


def test_desktop_the_network_map_and_the_lists(
    context: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    _organisation(world)
    _computed(world)
    watch = Watch()
    watch.attach(context)
    add_session_cookie(context, live_server.url, world.admin)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/insights/network/")
    expect(page.get_by_role("heading", name="How the organisation talks")).to_be_visible()
    expect(page.locator("[data-network-map] canvas").first).to_be_attached()
    expect(page.locator("[data-map-legend] li").first).to_be_visible()
    expect(page.locator("[data-network-map]")).to_have_attribute("data-state", "drawn")
    page.get_by_label("Departments").check()
    expect(page.locator("[data-map-legend]")).to_contain_text("Warehouse (7)")
    # From the keyboard: find someone by name to see whom they talk to.
    find = page.get_by_label("Find a person")
    find.fill("Finance 2, Finance")
    find.press("Enter")
    expect(page.locator("[data-map-selected]")).to_contain_text("Finance 2 (Finance, community")
    find.fill("Nobody Here")
    find.press("Enter")
    expect(page.locator("[data-map-selected]")).to_contain_text("No one called “Nobody Here”")
    page.locator("#map-heading").scroll_into_view_if_needed()
    screenshot(page, "desktop-network")
    watch.assert_clean()


def _show(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}{path}")
    assert_fits_phone(page)


def test_phone_adoption_and_a_campaign(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    people = _organisation(world)
    today = timezone.now().date()
    rollups.rollup(today - dt.timedelta(days=27), today)
    campaign = Campaign.objects.create(
        name="Say thanks week",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=4),
    )
    campaign.posts.set(Post.objects.all())
    Target.objects.create(campaign=campaign, measure="reached", percent=60)
    campaigns.measure(campaign)
    watch = Watch()
    watch.attach(phone)
    add_session_cookie(phone, live_server.url, world.admin)
    page = phone.new_page()
    _show(page, live_server.url, "/insights/organisation/")
    expect(page.get_by_role("heading", name="Active people", exact=True)).to_be_visible()
    screenshot(page, "phone-adoption")
    _show(page, live_server.url, f"/insights/campaigns/{campaign.pk}/")
    expect(page.get_by_role("heading", name="60 % of everyone saw a campaign post")).to_be_visible()
    screenshot(page, "phone-campaign")
    assert len(people) == 21
    watch.assert_clean()
