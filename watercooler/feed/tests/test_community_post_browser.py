"""Posting in a community and pinning, end to end in Chromium on a 360 px phone: a guest member
posts from the community's page, the card names the community; a moderator pins it from the
card's menu and the Pinned mark appears; the outsider's feed never shows it.

Screenshots land in var/test-artifacts/screenshots/ for a human to look at.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.communities.models import Community, MemberRole, Membership, Privacy
from watercooler.feed.models import PersonFollow, Post
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, sign_in
from watercooler.testing.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _secret_club(world: World) -> Community:
    club = Community.objects.create(
        name="Secret Club", handle="secret-club", privacy=Privacy.SECRET, member_count=3
    )
    now = timezone.now()
    for person, role in (
        (world.owner, MemberRole.OWNER),
        (world.teammate, MemberRole.MODERATOR),
        (world.guest, MemberRole.MEMBER),
    ):
        Membership.objects.create(community=club, user=person, role=role, joined_at=now)
    PersonFollow.objects.create(follower=world.outsider, followee=world.guest)
    return club


def _phone(browser: Browser, watch: Watch) -> BrowserContext:
    """One more 360 px phone (one person signed in per browser context)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    watch.attach(context)
    return context


def test_phone_post_in_a_community_and_pin_it(
    browser: Browser,
    phone: BrowserContext,
    live_server: LiveServer,
    world: World,
    screenshot: Screenshot,
) -> None:
    base = live_server.url
    _secret_club(world)
    watch = Watch()
    watch.attach(phone)

    guest = phone.new_page()
    sign_in(guest, base, "gwen_guest")
    guest.goto(f"{base}/c/secret-club/")
    composer = guest.locator("#composer")
    composer.get_by_role("button", name="Share something…").tap()  # one line until tapped
    body = composer.get_by_label("What would you like to share with Secret Club?")
    body.fill("Guests can post here: the plan for **Friday**")
    composer.get_by_role("button", name="Post").click()
    card = guest.locator("#feed-posts article.post").first
    expect(card).to_contain_text("the plan for Friday")
    expect(card.get_by_role("link", name="in Secret Club")).to_have_attribute(
        "href", "/c/secret-club/"
    )
    assert_fits_phone(guest)
    screenshot(guest, "guest-posted")
    post = Post.objects.get()
    assert post.community is not None
    assert post.community.handle == "secret-club"

    moderator_phone = _phone(browser, watch)
    moderator = moderator_phone.new_page()
    sign_in(moderator, base, "theo_teammate")
    moderator.goto(f"{base}/posts/{post.pk}/")
    card = moderator.locator(f"#post-{post.pk}")
    expect(card.locator("[data-post-pinned]")).to_be_hidden()
    card.get_by_label("Options for this post").click()
    card.get_by_role("button", name="Pin to the top of Secret Club").click()
    card = moderator.locator(f"#post-{post.pk}")
    expect(card.locator("[data-post-pinned]")).to_be_visible()
    expect(card.locator("[data-post-pinned]")).to_have_text("Pinned")
    assert Post.objects.get(pk=post.pk).pinned_at is not None
    card.get_by_label("Options for this post").click()
    expect(card.get_by_role("button", name="Unpin")).to_be_visible()
    expect(card.get_by_role("link", name="Delete…")).to_be_visible()
    assert_fits_phone(moderator)
    screenshot(moderator, "moderator-pinned")

    # The outsider follows the guest, and still sees nothing of it.
    outsider_phone = _phone(browser, watch)
    outsider = outsider_phone.new_page()
    sign_in(outsider, base, "oscar_outsider")
    outsider.goto(f"{base}/")
    expect(outsider.locator("main")).not_to_contain_text("plan for Friday")
    expect(outsider.locator("main")).not_to_contain_text("Secret Club")
    screenshot(outsider, "outsider-home")
    watch.assert_clean()
    moderator_phone.close()
    outsider_phone.close()
