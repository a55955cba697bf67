"""Reach in a real Chromium on a 360 px phone: posts scrolled into view are reported as seen
(in one batched request), opening a post counts as a read, and the author reads the reach page."""

import time

import pytest
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.feed import actions as feed_actions
from watercooler.insights.models import PostView
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import REQUEST_TURN, Screenshot, add_session_cookie
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_for(condition: object, seconds: float = 20.0) -> None:
    """Polls ``condition`` (the page sends what it saw every five seconds, once its scripts
    have loaded after the page itself), between two of the live server's requests: on SQLite
    they share the test's database connection."""
    deadline = time.monotonic() + seconds
    while True:
        with REQUEST_TURN:
            if condition():  # type: ignore[operator]
                return
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_phone_reading_is_counted_and_the_author_sees_the_reach(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(phone)
    base = live_server.url
    post = feed_actions.do_create_post(
        author=world.owner,
        data=feed_actions.check_post_input(
            author=world.owner, body="The new release train leaves on Thursdays."
        ),
    )
    add_session_cookie(phone, base, world.teammate)
    page = phone.new_page()
    page.goto(f"{base}/people/{world.owner.username}/")
    page.locator(f"#post-{post.pk}").scroll_into_view_if_needed()
    expect(page.locator(f"#post-{post.pk}")).to_be_visible()
    _wait_for(lambda: PostView.objects.filter(post=post, person=world.teammate).exists())
    page.goto(f"{base}/posts/{post.pk}/")
    expect(page.get_by_text("The new release train")).to_be_visible()
    _wait_for(
        lambda: PostView.objects.filter(
            post=post, person=world.teammate, read_at__isnull=False
        ).exists()
    )
    watch.assert_clean()

    phone.clear_cookies()
    add_session_cookie(phone, base, world.owner)
    mine = phone.new_page()
    mine.goto(f"{base}/posts/{post.pk}/")
    mine.get_by_role("link", name="See who this reached").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Who this post reached")
    # A click returns once the new page starts; its stylesheets may still be on their way, and
    # without them the chart keeps its drawing width and the page looks too wide.
    mine.wait_for_load_state("load")
    expect(mine.locator(".funnel-list")).to_contain_text("Reached")
    assert_fits_phone(mine)
    screenshot(mine, "phone-reach")
