"""A closed community's page in a real Chromium under the real ASGI server (websockets): a member
has the page open, the owner posts from the community page's composer in another browser, and
the member's page says so at once without a reload; an outsider who follows the owner hears
nothing of it. Then the owner's ordinary post reaches the outsider (their socket works) but not
the member's community page (it counts only the community's posts).

Screenshots of the feed and health tabs on a 360 px phone and a desktop land in
var/test-artifacts/screenshots/; every page is watched for CSP violations and script errors.
"""

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipStatus,
    Privacy,
)
from watercooler.feed import actions, community_stats
from watercooler.feed.models import Attachment, PersonFollow, Post, PostKind, Reaction, Reply
from watercooler.people.tests.test_journeys_browser import Watch, assert_fits_phone
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def closed_community(world: World) -> Community:
    club = Community.objects.create(
        name="Platform Guild",
        handle="platform-guild",
        privacy=Privacy.CLOSED,
        description="Where the platform team talks shop.",
        created_by=world.owner,
        member_count=2,
    )
    now = dt.datetime.now(dt.UTC)
    for person, role in ((world.owner, MemberRole.OWNER), (world.teammate, MemberRole.MEMBER)):
        Membership.objects.create(
            community=club, user=person, role=role, status=MembershipStatus.ACTIVE, joined_at=now
        )
    return club


def some_history(world: World, club: Community) -> None:
    """A few weeks of activity, so the health charts have something to draw."""
    weeks = community_stats.week_starts(dt.datetime.now(dt.UTC))
    for i, week in enumerate(weeks):
        for n in range(i % 4 + 1):
            author = world.teammate if n % 2 else world.owner
            post = Post.objects.create(
                author=author,
                body=f"Week {i} note {n}",
                body_html=f"<p>Week {i} note {n}</p>",
                community=club,
                kind=PostKind.QUESTION if n == 2 else PostKind.POST,
                created_at=week + dt.timedelta(days=1, hours=n),
            )
            if n == 0:
                Reply.objects.create(
                    post=post,
                    author=world.teammate,
                    body="Agreed",
                    body_html="<p>Agreed</p>",
                    created_at=week + dt.timedelta(days=2),
                )
                Reaction.objects.create(
                    post=post,
                    user=world.teammate,
                    kind="like",
                    created_at=week + dt.timedelta(days=2),
                )
        if i in (1, 4, 9):
            joiner = make_person(f"joiner_{i}", department=world.engineering)
            at = week + dt.timedelta(hours=3)
            Membership.objects.create(
                community=club, user=joiner, status=MembershipStatus.ACTIVE, joined_at=at
            )
            MembershipChange.objects.create(community=club, user=joiner, delta=1, at=at)
    club.member_count = 5
    club.save(update_fields=["member_count"])


def context_for(
    browser: Browser, base: str, user: Any, watch: Watch, **options: Any
) -> BrowserContext:
    context = browser.new_context(**options)
    add_session_cookie(context, base, user)
    watch.attach(context)
    return context


def open_live(page: Page, url: str) -> None:
    """Load ``url`` and wait until its socket has answered (groups joined, caught up)."""
    with page.expect_websocket() as info:
        page.goto(url)
    info.value.wait_for_event("framereceived", timeout=10_000)


def test_member_sees_community_post_live_and_outsider_does_not(
    browser: Browser, asgi_server: str, world: World, screenshot: Screenshot
) -> None:
    base = asgi_server
    club = closed_community(world)
    PersonFollow.objects.create(follower=world.outsider, followee=world.owner)
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    actions.create_post(
        world.owner, body="Guild kick-off is on Thursday", community_handle=club.handle
    )
    watch = Watch()
    member = context_for(
        browser, base, world.teammate, watch, viewport={"width": 1280, "height": 860}
    ).new_page()
    outsider = context_for(
        browser, base, world.outsider, watch, viewport={"width": 1280, "height": 860}
    ).new_page()
    owner = context_for(
        browser, base, world.owner, watch, viewport={"width": 1280, "height": 860}
    ).new_page()
    try:
        open_live(member, f"{base}/c/{club.handle}/")
        expect(member.get_by_text("Guild kick-off is on Thursday")).to_be_visible()
        member_prompt = member.locator("[data-new-posts]")
        expect(member_prompt).to_be_hidden()
        member.evaluate("window.__loadedOnce = true")
        open_live(outsider, f"{base}/")
        outsider_prompt = outsider.locator("[data-new-posts]")
        expect(outsider_prompt).to_be_hidden()

        # The owner posts from the community page's composer.
        open_live(owner, f"{base}/c/{club.handle}/")
        body = owner.get_by_label("What would you like to share with Platform Guild?")
        body.fill("Design review moved to Friday")
        owner.locator("#composer").get_by_role("button", name="Post", exact=True).click()
        expect(owner.locator("#feed-posts > article").first).to_contain_text("Design review moved")
        post = Post.objects.get(body="Design review moved to Friday")
        assert post.community_id == club.pk

        # The member's open page learns of it without a reload.
        expect(member_prompt).to_be_visible(timeout=5_000)
        expect(member_prompt).to_have_text("1 new post")
        assert member.evaluate("window.__loadedOnce") is True
        # The owner's own page does not prompt for their own post.
        expect(owner.locator("[data-new-posts]")).to_be_hidden()
        screenshot(member, "desktop-1-member-new-post-prompt")

        # The owner's ordinary post reaches the outsider who follows them (their socket works)…
        # (Posted through the server: its in-memory channel layer lives in the server's thread.)
        owner.goto(f"{base}/")
        owner.get_by_label("What would you like to share?").fill(
            "Lunch and learn at noon, everyone welcome"
        )
        owner.locator("#composer").get_by_role("button", name="Post", exact=True).click()
        expect(owner.locator("#feed-posts > article").first).to_contain_text("Lunch and learn")
        expect(outsider_prompt).to_be_visible(timeout=5_000)
        # …who never heard of the community's post: exactly one new post, the ordinary one.
        expect(outsider_prompt).to_contain_text("1")
        outsider_prompt.locator("button").click()
        expect(outsider.get_by_text("Lunch and learn at noon")).to_be_visible()
        assert outsider.get_by_text("Design review moved to Friday").count() == 0
        # …and the member's community page counts only the community's posts: still one.
        expect(member_prompt).to_have_text("1 new post")

        member_prompt.locator("button").click()
        expect(member.get_by_text("Design review moved to Friday")).to_be_visible()
        expect(member_prompt).to_be_hidden()
        assert member.get_by_text("Lunch and learn at noon").count() == 0
        screenshot(member, "desktop-2-member-after-reload")
        screenshot(owner, "desktop-3-owner-feed-tab")
    finally:
        for page in (member, outsider, owner):
            page.context.close()
    assert watch.csp_violations == [], "Content-Security-Policy violations"
    assert watch.page_errors == [], "uncaught JavaScript errors"
    assert watch.console_errors == [], "errors in the browser console"


def png(name: str) -> ContentFile[bytes]:
    buffer = io.BytesIO()
    image = Image.new("RGB", (400, 300), (30, 120, 200))
    image.paste((255, 159, 26), (130, 100, 270, 200))
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


def test_feed_files_and_health_tabs_on_phone_and_desktop(
    browser: Browser,
    asgi_server: str,
    world: World,
    screenshot: Screenshot,
    media_served_from_tmp: Path,
) -> None:
    base = asgi_server
    club = closed_community(world)
    some_history(world, club)
    shared = actions.create_post(
        world.teammate, body="Notes and the whiteboard", community_handle=club.handle
    )
    Attachment.objects.create(
        post=shared,
        file=png("whiteboard.png"),
        thumbnail=png("thumb-whiteboard.png"),
        name="whiteboard.png",
        content_type="image/png",
        size=5120,
        alt_text="Whiteboard with the build pipeline",
    )
    Attachment.objects.create(
        post=shared,
        file=ContentFile(b"%PDF-1.4 notes", name="retro-notes-with-a-rather-long-name.pdf"),
        name="retro-notes-with-a-rather-long-name.pdf",
        content_type="application/pdf",
        size=48_200,
    )
    pinned = actions.create_post(
        world.owner,
        body="**Welcome!** Read the guild's guidelines first.",
        community_handle=club.handle,
    )
    Post.objects.filter(pk=pinned.pk).update(pinned_at=dt.datetime.now(dt.UTC))
    actions.create_post(
        world.teammate,
        body="Who owns the build cache?",
        kind="question",
        community_handle=club.handle,
    )
    watch = Watch()
    phone = context_for(
        browser,
        base,
        world.owner,
        watch,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    desktop = context_for(
        browser, base, world.owner, watch, viewport={"width": 1280, "height": 860}
    )
    try:
        for name, context in (("phone", phone), ("desktop", desktop)):
            page = context.new_page()
            page.goto(f"{base}/c/{club.handle}/")
            expect(page.get_by_role("heading", name="Pinned")).to_be_visible()
            expect(page.get_by_role("navigation", name="Show")).to_be_visible()
            screenshot(page, f"{name}-1-feed-tab")
            # All four filters fit without scrolling, on the phone too.
            filters = page.locator(".post-filter")
            assert filters.evaluate("n => n.scrollWidth <= n.clientWidth")
            if name == "phone":
                assert_fits_phone(page)
            page.get_by_role("navigation", name="Show").get_by_role(
                "link", name="Unanswered"
            ).click()
            expect(page.get_by_text("Who owns the build cache?")).to_be_visible()
            expect(page.get_by_text("Read the guild's guidelines")).to_have_count(0)

            page.goto(f"{base}/c/{club.handle}/health/")
            expect(page.get_by_role("heading", name="Community health")).to_be_visible()
            expect(page.get_by_role("img", name="Members over time")).to_be_visible()
            expect(page.get_by_role("img", name="Posts and replies per week")).to_be_visible()
            screenshot(page, f"{name}-2-health-tab")
            if name == "phone":
                assert_fits_phone(page)

            page.goto(f"{base}/c/{club.handle}/files/")
            expect(
                page.get_by_role("img", name="Whiteboard with the build pipeline")
            ).to_be_visible()
            # The thumbnail's signed URL (core/media.py) really serves the picture.
            page.wait_for_function(
                "() => [...document.querySelectorAll('img[alt^=\"Whiteboard\"]')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            expect(
                page.get_by_role("link", name="retro-notes-with-a-rather-long-name.pdf")
            ).to_be_visible()
            screenshot(page, f"{name}-3-files-tab")
            if name == "phone":
                assert_fits_phone(page)
    finally:
        phone.close()
        desktop.close()
    # live.js keeps its socket; nothing else may complain.
    assert watch.csp_violations == [], "Content-Security-Policy violations"
    assert watch.page_errors == [], "uncaught JavaScript errors"
    assert watch.console_errors == [], "errors in the browser console"
