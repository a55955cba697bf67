"""Two people messaging live in two real Chromium browsers (a desktop and a 360 px phone) over the
real websocket: one starts the conversation from the other's profile; the other, with the
conversation open, sees them come online, sees "… is typing", gets the message without a reload,
and reading it shows "Seen" on the writer's page. Reactions, edits and a picture follow the same
way."""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from watercooler.messaging import actions
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def open_live(page: Page, url: str) -> None:
    """Load ``url`` and wait until its socket has answered (groups joined)."""
    with page.expect_websocket() as info:
        page.goto(url)
    info.value.wait_for_event("framereceived", timeout=10_000)


def test_two_browsers_exchange_messages_live(
    browser: Browser,
    asgi_server: str,
    world: World,
    screenshot: Screenshot,
    media_served_from_tmp: Path,
) -> None:
    conversation, _ = actions.do_start_conversation(
        actor=world.teammate, usernames=[world.owner.username]
    )
    watch = Watch()
    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        for context, person in ((desk, world.owner), (phone, world.teammate)):
            watch.attach(context)
            add_session_cookie(context, asgi_server, person)
        theirs = phone.new_page()
        open_live(theirs, f"{asgi_server}/messages/{conversation.pk}/")
        dot = theirs.locator('[data-presence-for="olivia_owner"]')
        expect(dot).to_have_attribute("data-status", "offline")

        # The owner starts from the teammate's profile: the same direct conversation opens.
        mine = desk.new_page()
        open_live(mine, f"{asgi_server}/people/{world.teammate.username}/")
        mine.get_by_role("button", name="Message", exact=True).click()
        expect(mine.get_by_role("heading", name="Theo Teammate")).to_be_visible()
        assert mine.url.endswith(f"/messages/{conversation.pk}/")
        expect(dot).to_have_attribute("data-status", "online")

        box = mine.get_by_label("Your message")
        box.press_sequentially("Quick one: are the release notes")
        expect(theirs.get_by_text("Olivia Owner is typing…")).to_be_visible()
        screenshot(theirs, "phone-typing")
        box.press_sequentially(" ready?")
        box.press("Enter")  # a keyboard's Enter sends
        expect(mine.locator(".message").last).to_contain_text("are the release notes ready?")
        expect(box).to_have_value("")

        # No reload on the phone: the message arrives, typing stops, and it is read at once.
        theirs.evaluate("window.__loadedOnce = true")
        expect(theirs.locator(".message").last).to_contain_text("are the release notes ready?")
        expect(theirs.get_by_text("Olivia Owner is typing…")).to_be_hidden()
        expect(mine.locator("[data-seen-by]")).to_have_text("Seen")
        assert theirs.evaluate("window.__loadedOnce") is True
        assert_fits_phone(theirs)

        # The answer, a reaction and an edit reach the desktop live.
        theirs.get_by_label("Your message").fill("Yes, **merged** an hour ago.")
        theirs.get_by_role("button", name="Send").click()
        expect(mine.locator(".message-body strong")).to_have_text("merged")
        mine.locator(".message").last.locator("summary").click()
        mine.get_by_role("button", name="React: Celebrate").click()
        expect(theirs.locator(".message").last.locator(".message-reactions")).to_contain_text(
            "🎉 1"
        )
        first = mine.locator(".message.mine").first
        first.locator("summary").click()
        first.get_by_label("Edit this message").fill("Are the release notes ready for Friday?")
        first.get_by_role("button", name="Save").click()
        expect(theirs.locator(".message").first).to_contain_text("ready for Friday?")
        expect(theirs.locator(".message").first).to_contain_text("(edited)")
        # A picture, with its description, reaches the phone as a picture.
        mine.locator("[data-composer-files]").set_input_files(
            {"name": "whiteboard.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
        mine.get_by_label("Describe the picture").fill("The release checklist on the whiteboard")
        mine.get_by_role("button", name="Send").click()
        picture = theirs.get_by_role("img", name="The release checklist on the whiteboard")
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.naturalWidth") > 0  # the phone may fetch it
        screenshot(mine, "desktop-conversation-live")
        screenshot(theirs, "phone-conversation-live")

        # The owner leaves: the phone shows them offline.
        mine.close()
        expect(dot).to_have_attribute("data-status", "offline")
    finally:
        desk.close()
        phone.close()
    watch.assert_clean()
