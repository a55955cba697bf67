"""Conversations end to end in a real Chromium, on a desktop and on a 360 px phone: posting with
an image, replying, reacting, mentioning a colleague with the autocomplete and following a topic.

Every journey listens for console errors, uncaught exceptions and Content-Security-Policy
violations. Screenshots land in var/test-artifacts/screenshots/ for a human to look at.
"""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.feed import actions
from watercooler.feed.models import Attachment, PersonFollow, Post, Reaction, Reply, TopicFollow
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, sign_in
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


@pytest.fixture(autouse=True)
def media_in_tmp(media_served_from_tmp: Path) -> Path:
    """Uploads go to a temporary folder, and /media/ serves from it."""
    return media_served_from_tmp


@pytest.fixture
def watch(page: Page) -> Watch:
    found = Watch()
    found.attach(page.context)
    return found


def png_bytes(size: tuple[int, int] = (800, 500)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    image.paste((255, 159, 26), (size[0] // 3, size[1] // 3, size[0] * 2 // 3, size[1] * 2 // 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _seed(world: World) -> Post:
    """The owner follows the teammate, who asked a question with a poll nearby."""
    PersonFollow.objects.create(follower=world.owner, followee=world.teammate)
    actions.create_post(
        world.teammate,
        body="Where should the **team offsite** be? #offsite",
        kind="poll",
        poll_options=["Lisbon", "Berlin", "Somewhere green"],
    )
    return actions.create_post(world.teammate, body="Release 2.4 is out, thanks all! #release")


def _post_with_image_and_mention(
    page: Page, text_before: str, screenshot: Screenshot, name: str
) -> None:
    composer = page.locator("#composer")
    body = composer.get_by_label("What would you like to share?")
    body.click()
    body.fill(text_before)
    body.press_sequentially(" @the", delay=40)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    option = listbox.get_by_role("option", name=re.compile("Theo Teammate"))
    expect(option).to_have_attribute("aria-selected", "true")
    option.click()
    expect(body).to_have_value(re.compile(r"@theo_teammate $"))
    body.press_sequentially("#rel", delay=40)
    expect(listbox.get_by_role("option", name=re.compile("release"))).to_be_visible()
    body.press("Enter")
    expect(body).to_have_value(re.compile(r"#release $"))
    composer.locator("summary", has_text="Poll, question, files").click()
    image: FilePayload = {"name": "whiteboard.png", "mimeType": "image/png", "buffer": png_bytes()}
    composer.get_by_label("Photos and files").set_input_files([image])
    composer.get_by_label(re.compile("Describe “whiteboard.png”")).fill("Whiteboard sketch")
    screenshot(page, name)
    composer.get_by_role("button", name="Post", exact=True).click()


def test_desktop_post_reply_react_mention_and_follow_topic(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot, watch: Watch
) -> None:
    base = live_server.url
    _seed(world)
    sign_in(page, base, "olivia_owner")
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    expect(page.locator("[data-post-id]").first).to_contain_text("Release 2.4")
    screenshot(page, "desktop-1-home")

    _post_with_image_and_mention(
        page, "Planning notes from the session", screenshot, "desktop-1b-composer"
    )
    card = page.locator("#feed-posts > article").first
    expect(card).to_contain_text("Planning notes")
    expect(card.get_by_role("img", name="Whiteboard sketch")).to_be_visible()
    expect(card.locator("a.mention")).to_have_text("@theo_teammate")
    post = Post.objects.get(body__startswith="Planning notes")
    assert Attachment.objects.get(post=post).alt_text == "Whiteboard sketch"
    expect(page.locator("#composer textarea")).to_have_value("")

    # React to the teammate's release post, then vote in the poll.
    release = page.locator("article", has_text="Release 2.4")
    like = release.get_by_role("button", name="Like")
    like.click()
    expect(release.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    assert Reaction.objects.filter(user=world.owner, kind="like").exists()
    poll = page.locator("article", has_text="team offsite")
    poll.get_by_role("button", name="Lisbon").click()
    expect(poll.locator("progress").first).to_be_visible()
    screenshot(page, "desktop-2-after-post-react-vote")

    # Reply, then reply to the reply, on the post page.
    release.get_by_role("link", name=re.compile("Reply")).click()
    page.wait_for_url(re.compile(r"/posts/\d+/"))
    page.get_by_label("Write a reply").fill("Congratulations, great work!")
    page.get_by_role("button", name="Reply", exact=True).last.click()
    expect(page.locator(".reply-bubble").first).to_contain_text("Congratulations")
    page.locator(".reply-actions").first.get_by_role("link", name="Reply").click()
    nested = page.get_by_label("Reply to Olivia Owner")
    expect(nested).to_be_focused()
    nested.fill("And thanks to QA too")
    nested.press("Tab")
    page.locator("form.reply-form", has=nested).get_by_role("button", name="Reply").click()
    expect(page.locator(".replies .replies")).to_contain_text("thanks to QA")
    assert Reply.objects.filter(parent__isnull=False).count() == 1
    screenshot(page, "desktop-3-thread")

    # Follow the topic.
    page.locator(".post-body a.topic", has_text="#release").first.click()
    page.wait_for_url(f"{base}/topics/release/")
    page.get_by_role("button", name=re.compile("Follow")).click()
    expect(page.get_by_role("button", name=re.compile("Following"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert TopicFollow.objects.filter(follower=world.owner, topic__name="release").exists()
    screenshot(page, "desktop-4-topic")
    watch.assert_clean()


def test_phone_post_reply_react_mention_and_follow_topic(
    page: Page, phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    base = live_server.url
    _seed(world)
    watch = Watch()
    watch.attach(phone)
    mobile = phone.new_page()
    sign_in(mobile, base, "olivia_owner")
    mobile.goto(f"{base}/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-1-home")

    # On a phone the composer is one line until tapped.
    mobile.get_by_role("button", name="Share something…").tap()
    _post_with_image_and_mention(mobile, "From the shop floor", screenshot, "phone-1b-composer")
    card = mobile.locator("#feed-posts > article").first
    expect(card).to_contain_text("From the shop floor")
    expect(card.get_by_role("img", name="Whiteboard sketch")).to_be_visible()
    assert_fits_phone(mobile)
    release = mobile.locator("article", has_text="Release 2.4")
    release.get_by_role("button", name="Like").tap()
    expect(release.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    screenshot(mobile, "phone-2-after-post")

    release.get_by_role("link", name=re.compile("Reply")).tap()
    mobile.wait_for_url(re.compile(r"/posts/\d+/"))
    mobile.get_by_label("Write a reply").fill("Nice one from the phone")
    mobile.get_by_role("button", name="Reply", exact=True).last.tap()
    expect(mobile.locator(".reply-bubble").first).to_contain_text("from the phone")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-3-thread")

    mobile.goto(f"{base}/topics/release/")
    mobile.get_by_role("button", name=re.compile("Follow")).tap()
    expect(mobile.get_by_role("button", name=re.compile("Following"))).to_be_visible()
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-4-topic")
    watch.assert_clean()


def test_dark_mode_home_and_newcomer(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot, watch: Watch
) -> None:
    base = live_server.url
    page.emulate_media(color_scheme="dark")
    sign_in(page, base, "theo_teammate")
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Your feed is waiting for you")).to_be_visible()
    screenshot(page, "dark-newcomer")
    _seed(world)
    page.context.clear_cookies()
    sign_in(page, base, "olivia_owner")
    page.goto(f"{base}/")
    screenshot(page, "dark-home")
    watch.assert_clean()
