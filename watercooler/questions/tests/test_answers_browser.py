"""Accepting an answer end to end in a real Chromium, on a desktop and on a 360 px phone: the
question's author opens their question with two replies, marks one as the accepted answer (with
the keyboard on the desktop), and the thread shows it as accepted; the topic page's Unanswered /
Answered tabs then sort the question; the home page suggests questions to someone who knows the
topic.

Every journey listens for console errors, uncaught exceptions and Content-Security-Policy
violations. Screenshots land in var/test-artifacts/screenshots/.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.feed import actions
from watercooler.feed.models import Post, PostKind
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The buttons' accessible names, as typeset on the page (with a typographic apostrophe).
THEO = "Accept as answer: Theo Teammate\u2019s reply"
ADA = "Accept as answer: Ada Admin\u2019s reply"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


def _question(world: World) -> Post:
    """The owner's question about #deploys, answered twice."""
    post = actions.create_post(
        world.owner,
        body="How do we roll back a bad **deploy** on a Friday evening? #deploys",
        kind=PostKind.QUESTION,
    )
    actions.do_create_reply(
        author=world.admin, post=post, body="Ask in the ops channel, someone is on call."
    )
    actions.do_create_reply(
        author=world.teammate,
        post=post,
        body="Run `make rollback` with the previous tag; it takes about two minutes.",
    )
    return post


def _accepted(page: Page) -> Any:
    return page.locator("article.reply.is-accepted")


def test_desktop_author_accepts_an_answer_with_the_keyboard(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(page.context)
    base = live_server.url
    post = _question(world)
    add_session_cookie(page.context, base, world.owner)
    page.goto(f"{base}/posts/{post.pk}/")
    expect(page.get_by_role("button", name=re.compile("Accept as answer"))).to_have_count(2)
    screenshot(page, "desktop-1-question")
    # A full-page screenshot leaves style="" on the textarea, which htmx's settling then copies
    # with setAttribute: a CSP violation of the test's own making. A fresh page has none.
    page.reload()

    theo = page.get_by_role("button", name=THEO)
    theo.focus()
    page.keyboard.press("Enter")
    expect(_accepted(page)).to_have_count(1)
    expect(_accepted(page)).to_contain_text("make rollback")
    expect(_accepted(page).get_by_text("Accepted answer")).to_be_visible()
    expect(_accepted(page)).to_contain_text("chosen by you")
    expect(page.get_by_role("button", name=re.compile("Accept as answer"))).to_have_count(1)
    post.refresh_from_db()
    assert post.accepted_reply is not None
    assert post.accepted_reply.author_id == world.teammate.pk

    # Another reply replaces it.
    page.get_by_role("button", name=ADA).click()
    expect(_accepted(page)).to_contain_text("ops channel")
    expect(_accepted(page)).to_have_count(1)
    page.get_by_role("button", name=re.compile("Unmark as answer")).click()
    expect(_accepted(page)).to_have_count(0)
    page.get_by_role("button", name=THEO).click()
    expect(_accepted(page)).to_have_count(1)
    expect(_accepted(page)).to_contain_text("make rollback")
    screenshot(page, "desktop-2-accepted")

    # The topic's tabs: the question is answered now.
    page.goto(f"{base}/topics/deploys/?show=unanswered")
    expect(page.locator(f"#post-{post.pk}")).to_have_count(0)
    expect(page.get_by_text("No unanswered questions about #deploys")).to_be_visible()
    page.get_by_role("link", name="Answered", exact=True).click()
    page.wait_for_url(re.compile(r"show=answered"))
    expect(page.locator(f"#post-{post.pk}")).to_be_visible()
    # The tab, not the question card's "Answered" chip (also a link).
    tabs = page.get_by_role("navigation", name="Show posts")
    expect(tabs.get_by_role("link", name="Answered", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(f"#answer-status-{post.pk}")).to_contain_text("Answered")
    screenshot(page, "desktop-3-topic-answered")
    watch.assert_clean()


def test_phone_author_accepts_an_answer(
    phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    watch = Watch()
    watch.attach(phone)
    base = live_server.url
    post = _question(world)
    # Someone who knows the topic sees the question suggested on their home page.
    actions.create_post(
        world.outsider, body="Which #python version do the deploy scripts need?", kind="question"
    )
    add_session_cookie(phone, base, world.owner)
    mobile = phone.new_page()
    mobile.goto(f"{base}/posts/{post.pk}/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-1-question")
    mobile.reload()  # see the desktop journey: the screenshot's style="" on the textarea
    mobile.get_by_role("button", name=THEO).tap()
    expect(_accepted(mobile)).to_contain_text("make rollback")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-2-accepted")

    mobile.goto(f"{base}/topics/deploys/?show=answered")
    expect(mobile.locator(f"#post-{post.pk}")).to_be_visible()
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-3-topic-answered")

    mobile.goto(f"{base}/questions/")
    expect(mobile.get_by_role("heading", name="Questions you could answer")).to_be_visible()
    expect(mobile.get_by_text("You know Python")).to_be_visible()
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-4-questions")
    watch.assert_clean()
