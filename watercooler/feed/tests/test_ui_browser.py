"""What users tripped over, in a real Chromium on a desktop and a 360x640 phone: the keyboard
reaches the composer first, the phone's composer folds so a post shows on the first screen, the
bottom bar reaches Topics and the org chart, "Who reacted" is a dismissible popover, and others'
reactions change the visible buttons live. Screenshots of the phone pages land in
var/test-artifacts/screenshots/."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.communities import actions as community_actions
from watercooler.events import actions as event_actions
from watercooler.feed import actions
from watercooler.feed.models import PersonFollow
from watercooler.people.tests.test_journeys_browser import assert_fits_phone
from watercooler.testing.fixtures import Screenshot, add_session_cookie, signed_in_page
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_phone(browser: Browser) -> Iterator[BrowserContext]:
    """A 360x640 phone: the first screen a front-line reader sees."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context
    context.close()


def _posts(world: World, n: int = 4) -> None:
    """The owner follows the teammate, who posted ``n`` times."""
    PersonFollow.objects.create(follower=world.owner, followee=world.teammate)
    for i in range(n):
        actions.create_post(world.teammate, body=f"Store {i} passed the safety walk-through today.")


def test_keyboard_reaches_the_composer_within_a_few_tabs(
    page: Page, live_server: LiveServer, world: World
) -> None:
    _posts(world)
    page.set_viewport_size({"width": 1280, "height": 860})
    add_session_cookie(page.context, live_server.url, world.owner)
    page.goto(f"{live_server.url}/")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "composer-body":
            break
    else:
        pytest.fail("the post box is more than 8 Tab presses away")
    # The side navigation still shows on the left of the feed.
    nav = page.locator("nav.sidenav").bounding_box()
    main = page.locator("#composer").bounding_box()
    assert nav
    assert main
    assert nav["x"] + nav["width"] <= main["x"]
    # On the side column a two-digit unread badge stays clear of its label.
    page.evaluate(
        """() => { const b = document.querySelector('[data-notification-badge]');
        b.querySelector('[data-notification-count]').textContent = '12'; b.hidden = false; }"""
    )
    link = page.locator("nav.sidenav a[href='/notifications/']")
    badge = link.locator(".notif-badge").bounding_box()
    label = link.locator("span", has_text="Notifications").last.bounding_box()
    assert badge
    assert label
    assert badge["x"] + badge["width"] <= label["x"], (badge, label)
    # The skip link leads straight into the content.
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "composer-body":
            break
    expect(page.locator("#composer-body")).to_be_focused()


def test_phone_shows_a_post_on_the_first_screen_and_the_composer_unfolds(
    small_phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    _posts(world)
    add_session_cookie(small_phone, live_server.url, world.owner)
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/")
    first = page.locator("#feed-posts article.post").first
    box = first.bounding_box()
    bar = page.locator("nav.sidenav").bounding_box()
    assert box
    assert bar
    # The first card starts well above the bottom bar: its author and first line show.
    assert box["y"] + 80 <= bar["y"], f"first post starts at {box['y']}px"
    composer = page.locator("#composer")
    assert (composer.bounding_box() or {"height": 999})["height"] <= 80
    expect(page.get_by_label("What would you like to share?")).to_be_hidden()
    screenshot(page, "home-360")
    page.get_by_role("button", name="Share something…").click()
    body = page.get_by_label("What would you like to share?")
    expect(body).to_be_visible()
    expect(body).to_be_focused()
    expect(composer.locator("summary", has_text="Poll, question, files")).to_be_visible()
    body.fill("From the shop floor")
    composer.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#feed-posts").get_by_text("From the shop floor")).to_be_visible()
    assert_fits_phone(page)


def test_phone_bottom_bar_reaches_topics_and_org_chart(
    small_phone: BrowserContext, live_server: LiveServer, world: World
) -> None:
    add_session_cookie(small_phone, live_server.url, world.owner)
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/")
    more = page.locator("nav.sidenav .nav-more > summary")
    expect(more).to_be_visible()
    more.click()
    topics = page.locator("nav.sidenav").get_by_role("link", name="Topics")
    expect(topics).to_be_visible()
    box = topics.bounding_box()
    assert box
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    expect(page.locator("nav.sidenav").get_by_role("link", name="Org chart")).to_be_visible()
    page.keyboard.press("Escape")
    expect(topics).to_be_hidden()
    more.click()
    topics.click()
    page.wait_for_url("**/topics/")


def test_who_reacted_is_a_dismissible_popover_that_keeps_the_buttons(
    page: Page, live_server: LiveServer, world: World
) -> None:
    post = actions.create_post(world.owner, body="Offsite venue is booked")
    actions.do_react(user=world.teammate, post=post, kind="celebrate")
    page.set_viewport_size({"width": 1280, "height": 860})
    add_session_cookie(page.context, live_server.url, world.owner)
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    bar = page.locator(f"#reactions-post-{post.pk}")
    trigger = bar.get_by_role("button", name="Who reacted")
    trigger.click()
    popover = bar.get_by_role("dialog", name="Who reacted")
    expect(popover).to_be_visible()
    expect(popover.get_by_role("link", name="Theo Teammate")).to_be_visible()
    expect(bar.get_by_role("button", name="Like")).to_be_visible()  # the buttons stay
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(trigger).to_be_focused()
    trigger.click()
    expect(popover).to_be_visible()
    popover.get_by_role("button", name="Close").click()
    expect(popover).to_be_hidden()
    expect(trigger).to_be_focused()
    trigger.click()
    expect(popover).to_be_visible()
    page.mouse.click(1250, 840)  # the empty page beside the post
    expect(popover).to_be_hidden()


def test_others_reactions_update_the_visible_buttons_live(
    browser: Browser, asgi_server: str, world: World
) -> None:
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    post = actions.create_post(world.owner, body="Please read the new rota")
    actions.do_react(user=world.owner, post=post, kind="like")  # the reader's own like
    reader = signed_in_page(browser, asgi_server, world.owner)
    writer = signed_in_page(browser, asgi_server, world.teammate)
    try:
        with reader.expect_websocket() as info:
            reader.goto(f"{asgi_server}/")
        info.value.wait_for_event("framereceived", timeout=10_000)
        reader_bar = reader.locator(f"#reactions-post-{post.pk}")
        like = reader_bar.locator("button[value=like]")
        expect(like.locator("[data-reaction-kind=like]")).to_have_text("1")
        expect(like).to_have_attribute("aria-pressed", "true")

        writer.goto(f"{asgi_server}/posts/{post.pk}/")
        writer_bar = writer.locator(f"#reactions-post-{post.pk}")
        writer_bar.locator("button[value=like]").click()
        # The writer's own bar is swapped by htmx when the answer comes, which may be after the
        # live event reached the reader: wait for it, or "+" below opens on a bar being replaced.
        expect(writer_bar.locator("button[value=like]")).to_have_attribute("aria-pressed", "true")
        expect(like.locator("[data-reaction-kind=like]")).to_have_text("2", timeout=5_000)
        expect(like).to_have_attribute("aria-pressed", "true")  # still the reader's own state

        # A kind nobody had used comes out from behind "+" with its number.
        writer_bar.locator(".reaction-more > summary").click()
        writer_bar.locator(".reaction-picker button[value=celebrate]").click()
        celebrate = reader_bar.locator("button[value=celebrate]")
        expect(celebrate.locator("[data-reaction-kind=celebrate]")).to_have_text("1", timeout=5_000)
        expect(celebrate).to_be_visible()
        expect(celebrate).to_have_attribute("aria-pressed", "false")
        expect(reader_bar.get_by_role("button", name="Who reacted")).to_be_visible()
    finally:
        reader.context.close()
        writer.context.close()


def test_new_post_prompt_says_1_new_post(browser: Browser, asgi_server: str, world: World) -> None:
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    reader = signed_in_page(browser, asgi_server, world.teammate)
    writer = signed_in_page(browser, asgi_server, world.owner)
    try:
        with reader.expect_websocket() as info:
            reader.goto(f"{asgi_server}/")
        info.value.wait_for_event("framereceived", timeout=10_000)
        writer.goto(f"{asgi_server}/")
        writer.get_by_label("What would you like to share?").fill("Shift swap board is live")
        writer.locator("#composer").evaluate("form => form.requestSubmit()")
        prompt = reader.locator("[data-new-posts]")
        prompt.wait_for(state="visible", timeout=5_000)
        assert prompt.inner_text().strip() == "1 new post"
    finally:
        reader.context.close()
        writer.context.close()


def test_phone_pages_fit_and_screenshots(
    small_phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    community = community_actions.create_community(
        world.owner, name="Store safety champions", handle="safety", privacy="open"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.teammate)
    actions.create_post(world.owner, body="Ladders are checked every Monday #storesafetyprogramme")
    start = timezone.now() + dt.timedelta(days=3)
    event_actions.create_event(
        world.owner,
        title="Ladder safety drill",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    add_session_cookie(small_phone, live_server.url, world.admin)
    page = small_phone.new_page()
    pages = {
        "profile-360": f"/people/{world.owner.username}/",
        "members-360": "/c/safety/members/",
        "admin-tabs-360": "/manage/people/",
        "notifications-360": "/notifications/",
        "topic-360": "/topics/storesafetyprogramme/",
        "events-360": "/events/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        assert_fits_phone(page)
        screenshot(page, name)
    # Event cards show no list bullets.
    page.goto(f"{live_server.url}/events/")
    card = page.locator(".event-card").first
    expect(card).to_contain_text("Ladder safety drill")
    # (list-style is inherited from the list: the card's own value is what is drawn)
    assert card.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    # The notifications heading keeps its line: "Notifications" is not squeezed into a column.
    page.goto(f"{live_server.url}/notifications/")
    heading = page.get_by_role("heading", level=1, name="Notifications").bounding_box()
    assert heading
    assert heading["width"] >= 200
    # Every administration tab is on screen (they wrap instead of running off).
    page.goto(f"{live_server.url}/manage/people/")
    for tab in page.locator(".adm-tabs a").all():
        box = tab.bounding_box()
        assert box
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360, tab.inner_text()
    # Topic titles are not broken inside the word: one line on the topic page and in the list.
    lines = "e => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))"
    page.goto(f"{live_server.url}/topics/storesafetyprogramme/")
    assert page.locator(".topic-head h1").evaluate(lines) == 1
    page.goto(f"{live_server.url}/topics/")
    screenshot(page, "topics-360")
    assert page.locator(".topic-list a > span").first.evaluate(lines) == 1
    # A two-digit unread badge stays clear of the "Notifications" label.
    page.evaluate(
        """() => { const b = document.querySelector('[data-notification-badge]');
        b.querySelector('[data-notification-count]').textContent = '12'; b.hidden = false; }"""
    )
    link = page.locator("nav.sidenav a[href='/notifications/']")
    badge = link.locator(".notif-badge").bounding_box()
    label = link.locator("span", has_text="Notifications").last.bounding_box()
    assert badge
    assert label
    assert badge["y"] + badge["height"] <= label["y"] + 1, (badge, label)
    screenshot(page, "badge-360")


def test_guest_opens_an_authors_card_from_their_community_on_a_phone(
    small_phone: BrowserContext, live_server: LiveServer, world: World, screenshot: Screenshot
) -> None:
    community = community_actions.create_community(
        world.owner, name="Partner launch", handle="partners", privacy="closed"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.guest)
    actions.create_post(
        world.owner, body="Kick-off agenda is attached", community_handle="partners"
    )
    add_session_cookie(small_phone, live_server.url, world.guest)
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/c/partners/")
    page.locator("article.post").first.get_by_role("link", name="Olivia Owner").first.click()
    page.wait_for_url(f"**/people/{world.owner.username}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olivia Owner")
    expect(page.locator(".profile-title")).to_have_text("Engineering Manager")
    expect(page.get_by_text("Kick-off agenda is attached")).to_be_visible()
    expect(page.get_by_role("link", name="Send email")).to_have_count(0)
    expect(page.get_by_text(world.owner.email)).to_have_count(0)
    assert_fits_phone(page)
    screenshot(page, "guest-card-360")
    # Someone the guest shares nothing with is still "not found".
    response = page.goto(f"{live_server.url}/people/{world.outsider.username}/")
    assert response is not None
    assert response.status == 404


def test_member_search_and_add_people_picker_with_the_keyboard(
    page: Page, live_server: LiveServer, world: World
) -> None:
    community = community_actions.create_community(
        world.owner, name="Leadership circle", handle="leaders", privacy="closed"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.teammate)
    page.set_viewport_size({"width": 1280, "height": 860})
    add_session_cookie(page.context, live_server.url, world.owner)
    page.goto(f"{live_server.url}/c/leaders/members/")
    members = page.locator("#c-member-list")
    expect(members.locator(".c-member")).to_have_count(2)
    page.get_by_label("Search members").press_sequentially("theo", delay=30)
    expect(members.locator(".c-member")).to_have_count(1)
    expect(members).to_contain_text("Theo Teammate")

    finder = page.get_by_label("Find people to add")
    finder.focus()
    finder.press_sequentially("osc", delay=30)
    add = page.get_by_role("button", name="Add Oscar Outsider")
    expect(add).to_be_visible()
    finder.press("Tab")  # the Search button
    page.keyboard.press("Tab")
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/c/leaders/members/")
    expect(page.locator("#c-member-list")).to_contain_text("Oscar Outsider")
