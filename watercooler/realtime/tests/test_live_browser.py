"""Live updates in a real browser: someone posts, a follower's open feed shows "1 new posts".

pytest-django's ``live_server`` speaks WSGI only, so it has no websockets. These tests start the
real ASGI application (``watercooler.asgi.application``) under uvicorn in a thread of the test
process instead: it shares the test database (pytest-django's, committed rows: ``transaction=True``)
and the in-memory channel layer, and needs no second process. Signing in is done by handing each
browser context a session cookie made with ``Client.force_login``. The ``asgi_server`` fixture
and ``signed_in_page`` live in ``watercooler/testing/fixtures.py``.
"""

import pytest
from playwright.sync_api import Browser, Page

from watercooler.feed.models import PersonFollow
from watercooler.testing.fixtures import signed_in_page
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_feed(page: Page, base_url: str) -> None:
    """Load the home feed and wait until its socket has answered (groups joined)."""
    with page.expect_websocket() as info:
        page.goto(f"{base_url}/")
    info.value.wait_for_event("framereceived", timeout=10_000)


def test_follower_sees_new_post_prompt_without_reload(
    browser: Browser, asgi_server: str, world: World
) -> None:
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    PersonFollow.objects.create(follower=world.owner, followee=world.teammate)
    reader = signed_in_page(browser, asgi_server, world.teammate)
    writer = signed_in_page(browser, asgi_server, world.owner)
    try:
        open_feed(reader, asgi_server)
        prompt = reader.locator("[data-new-posts]")
        assert prompt.is_hidden()
        reader.evaluate("window.__loadedOnce = true")

        writer.goto(f"{asgi_server}/")
        writer.get_by_label("What would you like to share?").fill("Live from the other tab")
        # Submitted as the Post button would (htmx handles the submit event); the composer's own
        # tests cover pressing the button.
        writer.locator("#composer").evaluate("form => form.requestSubmit()")

        prompt.wait_for(state="visible", timeout=5_000)
        assert "1" in prompt.inner_text()
        assert "new post" in prompt.inner_text()
        # No reload happened: the marker set on the page is still there.
        assert reader.evaluate("window.__loadedOnce") is True
        # The writer's own feed does not prompt for their own post.
        assert writer.locator("[data-new-posts]").is_hidden()

        reader.locator("[data-new-posts] button").click()
        reader.get_by_text("Live from the other tab").wait_for(timeout=5_000)
    finally:
        reader.context.close()
        writer.context.close()
